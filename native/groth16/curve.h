// Short Weierstrass curves y^2 = x^3 + b (a = 0) in Jacobian coordinates: BN254's G1 over Fq and
// G2 over Fq2. Affine points are laid out as in a zkey (x then y, Montgomery form), with the point
// at infinity written as x = y = 0 (not on the curve, since b != 0).
#pragma once

#include "field.h"

namespace groth16 {

template <class F>
struct Affine {
  F x, y;
  bool isInfinity() const { return x.isZero() && y.isZero(); }
  Affine neg() const { return isInfinity() ? *this : Affine{x, -y}; }
};

template <class F>
struct Jacobian {
  F x, y, z;  // (x/z^2, y/z^3); z = 0 at infinity

  static Jacobian infinity() { return Jacobian{F::one(), F::one(), F::zero()}; }
  static Jacobian from(const Affine<F>& a) { return a.isInfinity() ? infinity() : Jacobian{a.x, a.y, F::one()}; }
  bool isInfinity() const { return z.isZero(); }

  // dbl-2009-l
  Jacobian dbl() const {
    if (isInfinity()) return *this;
    const F a = x.square(), b = y.square(), c = b.square();
    const F d = ((x + b).square() - a - c).dbl();
    const F e = a.dbl() + a, f = e.square();
    Jacobian r;
    r.x = f - d.dbl();
    r.y = e * (d - r.x) - c.dbl().dbl().dbl();
    r.z = (y * z).dbl();
    return r;
  }

  // madd-2007-bl: this + q with q affine.
  Jacobian addMixed(const Affine<F>& q) const {
    if (q.isInfinity()) return *this;
    if (isInfinity()) return from(q);
    const F z1z1 = z.square();
    const F u2 = q.x * z1z1, s2 = q.y * z * z1z1;
    const F h = u2 - x, rr = (s2 - y).dbl();
    if (h.isZero()) return rr.isZero() ? dbl() : infinity();
    const F hh = h.square(), i = hh.dbl().dbl(), j = h * i, v = x * i;
    Jacobian r;
    r.x = rr.square() - j - v.dbl();
    r.y = rr * (v - r.x) - (y * j).dbl();
    r.z = (z + h).square() - z1z1 - hh;
    return r;
  }

  // add-2007-bl
  Jacobian add(const Jacobian& q) const {
    if (q.isInfinity()) return *this;
    if (isInfinity()) return q;
    const F z1z1 = z.square(), z2z2 = q.z.square();
    const F u1 = x * z2z2, u2 = q.x * z1z1;
    const F s1 = y * q.z * z2z2, s2 = q.y * z * z1z1;
    const F h = u2 - u1, rr = (s2 - s1).dbl();
    if (h.isZero()) return rr.isZero() ? dbl() : infinity();
    const F i = h.dbl().square(), j = h * i, v = u1 * i;
    Jacobian r;
    r.x = rr.square() - j - v.dbl();
    r.y = rr * (v - r.x) - (s1 * j).dbl();
    r.z = ((z + q.z).square() - z1z1 - z2z2) * h;
    return r;
  }

  Jacobian neg() const { return Jacobian{x, -y, z}; }

  Affine<F> toAffine() const {
    if (isInfinity()) return Affine<F>{F::zero(), F::zero()};
    const F zi = z.inverse(), zi2 = zi.square();
    return Affine<F>{x * zi2, y * zi2 * zi};
  }

  // k·this for k in normal form (little-endian limbs), double-and-add from the top bit.
  Jacobian times(const uint64_t* k) const {
    Jacobian r = infinity();
    for (int i = 255; i >= 0; i--) {
      r = r.dbl();
      if ((k[i / 64] >> (i % 64)) & 1) r = r.add(*this);
    }
    return r;
  }
};

typedef Affine<Fq> G1Affine;
typedef Jacobian<Fq> G1;
typedef Affine<Fq2> G2Affine;
typedef Jacobian<Fq2> G2;

// b of G1 (3) and of the twist G2 (3 / (9 + u)), for on-curve checks.
inline Fq g1B() { return Fq::fromU64(3); }
inline Fq2 g2B() { return Fq2{Fq::fromU64(3), Fq::zero()} * Fq2{Fq::fromU64(9), Fq::one()}.inverse(); }

template <class F>
bool onCurve(const Affine<F>& p, const F& b) {
  return p.isInfinity() || p.y.square() == p.x.square() * p.x + b;
}

}  // namespace groth16
