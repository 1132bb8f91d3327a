// The Groth16 prover, step for step snarkjs' groth16_prove.js (docs/protocol.md §9):
//   1. A, B at the constraints from the key's QAP coefficients and the witness; C = A·B there;
//   2. each of A, B, C: inverse NTT, times inc^i (inc = w_(k+1), onto the odd coset), NTT;
//      then h_i = A_i·B_i - C_i, the H polynomial's scalars (the key's H points carry 1/Z);
//   3. MSMs: A and B1 (G1) and B2 (G2) over the witness, C over its private part, H over h;
//   4. fresh r, s (getrandom, the kernel's CSPRNG) and
//      A = α + ΣA + r·δ1,  B = β2 + ΣB2 + s·δ2,  C = ΣC + ΣH + s·A + r·(β1 + ΣB1 + s·δ1) - r·s·δ1.
#pragma once

#include <sys/random.h>

#include <chrono>
#include <vector>

#include "msm.h"
#include "ntt.h"
#include "r1cs.h"
#include "zkey.h"

namespace groth16 {

struct Proof {
  G1Affine a;
  G2Affine b;
  G1Affine c;
  double abcMs = 0, nttMs = 0, msmMs = 0;
};

// A uniform element of Fr from the kernel's CSPRNG (rejection sampling), in normal form.
inline void randomScalar(uint64_t* out) {
  for (;;) {
    uint8_t bytes[32];
    size_t got = 0;
    while (got < 32) {
      const ssize_t n = getrandom(bytes + got, 32 - got, 0);
      if (n > 0) got += (size_t)n;
    }
    memcpy(out, bytes, 32);
    out[3] &= 0x3fffffffffffffffULL;  // below 2^254, then accept if below r (probability ~0.76)
    if (Fr::belowModulus(out)) return;
  }
}

inline double msSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

// Checks a witness (nVars values, 32 bytes little-endian, normal form) against the key: throws InputError.
inline void checkWitness(const Zkey& z, const uint8_t* witness, size_t bytes) {
  if (bytes != (size_t)z.nVars * 32)
    throw InputError{"WITNESS_LENGTH", "the witness has " + std::to_string(bytes / 32) + " values" + (bytes % 32 ? " and a partial one" : "") + ", the key's circuit " + std::to_string(z.nVars)};
  uint64_t one[4];
  memcpy(one, witness, 32);
  if (one[0] != 1 || one[1] || one[2] || one[3]) throw InputError{"WITNESS_VALUE", "the witness does not start with the constant 1 (signal 0)"};
  for (size_t i = 0; i < z.nVars; i++) {
    uint64_t v[4];
    memcpy(v, witness + 32 * i, 32);
    if (!Fr::belowModulus(v)) throw InputError{"WITNESS_VALUE", "witness value " + std::to_string(i) + " is not below the field's modulus"};
  }
}

// With `r1cs`, a witness that does not satisfy its constraints is refused before any MSM.
inline Proof prove(const Zkey& z, const R1cs* r1cs, const uint8_t* witness, size_t bytes, int threads) {
  checkWitness(z, witness, bytes);
  if (r1cs) {
    if (r1cs->nWires != z.nVars) throw InputError{"R1CS_MISMATCH", "the r1cs has " + std::to_string(r1cs->nWires) + " wires, the key's circuit " + std::to_string(z.nVars) + " variables: another circuit"};
    r1cs->check(witness, threads);
    r1cs->file.release();  // its pages are not needed again by this proof: out of the process' memory
  }
  Proof proof;
  const size_t n = z.domainSize;
  auto t = std::chrono::steady_clock::now();

  // 1. The QAP at the constraints. A coefficient is stored as value·R^2, so its Montgomery product
  // with a witness value in normal form is value·witness in Montgomery form.
  // Each thread owns a range of constraints: the coefficients at them when the key keeps them in
  // constraint order (snarkjs' keys do), else it reads every coefficient and adds those of its own.
  std::vector<Fr> a(n, Fr::zero()), b(n, Fr::zero()), c(n);
  parallelFor(n, threads, [&](size_t begin, size_t end) {
    const size_t from = z.coefsSorted ? z.coefsFrom(begin) : 0, to = z.coefsSorted ? z.coefsFrom(end) : z.nCoefs;
    for (size_t i = from; i < to; i++) {
      const uint8_t* e = z.coefs + i * 44;
      const uint32_t at = Zkey::u32(e + 4);
      if (at < begin || at >= end) continue;
      Fr coef, w;
      memcpy(coef.v, e + 12, 32);
      memcpy(w.v, witness + 32 * (size_t)Zkey::u32(e + 8), 32);
      Fr& slot = (Zkey::u32(e) == 0 ? a : b)[at];
      slot = slot + coef * w;
    }
    for (size_t i = begin; i < end; i++) c[i] = a[i] * b[i];
  });
  proof.abcMs = msSince(t);

  // 2. Onto the odd coset: the inverse transform leaves the coefficients (times n) in bit-reversed
  // order, each is multiplied by inc^i/n at its place, and the forward transform takes them in that
  // order, with no bit reversal in between.
  t = std::chrono::steady_clock::now();
  const Twiddles tw(z.domainBits, rootOfUnity(z.domainBits), threads);
  std::vector<Fr> powers(n);
  {
    std::vector<Fr> natural(n);
    Twiddles::powers(natural, rootOfUnity(z.domainBits + 1), threads);
    parallelFor(n, threads, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; i++) powers[i] = natural[reverseBits(i, z.domainBits)] * tw.nInverse;
    });
  }
  for (std::vector<Fr>* v : {&a, &b, &c}) {
    nttDif(v->data(), tw.inverse, z.domainBits, threads, powers.data());
    nttDit(v->data(), tw.forward, z.domainBits, threads);
  }
  std::vector<uint8_t> h(n * 32);
  parallelFor(n, threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; i++) (a[i] * b[i] - c[i]).toNormal((uint64_t*)(h.data() + 32 * i));
  });
  std::vector<Fr>().swap(a), std::vector<Fr>().swap(b), std::vector<Fr>().swap(c), std::vector<Fr>().swap(powers);
  proof.nttMs = msSince(t);

  // 3. The MSMs. The witness is grouped by value (repeats summed first, see ScalarGroups) and
  // recoded once for A, B1, B2 and C; all five share one queue of windows, so that threads stay
  // busy to the end.
  t = std::chrono::steady_clock::now();
  ScalarGroups groups = ScalarGroups::of(witness, z.nVars, threads);
  const ScalarGroups* g = groups.worthIt() ? &groups : nullptr;
  const Digits wd = g ? recode(groups.values.data(), groups.groups(), threads) : recode(witness, z.nVars, threads);
  const Digits hd = recode(h.data(), n, threads);
  GroupedMsm<Fq2> b2{z.pointsB2, &wd, g, 0, z.nVars, {}};
  GroupedMsm<Fq> a1{z.pointsA, &wd, g, 0, z.nVars, {}}, b1{z.pointsB1, &wd, g, 0, z.nVars, {}};
  GroupedMsm<Fq> c1{z.pointsC, &wd, g, z.nPublic + 1, z.nVars - z.nPublic - 1, {}};
  Msms msms;
  MsmJob<Fq2>& jobB2 = msms.add(b2.job(threads));
  MsmJob<Fq>& jobA = msms.add(a1.job(threads));
  MsmJob<Fq>& jobB1 = msms.add(b1.job(threads));
  MsmJob<Fq>& jobC = msms.add(c1.job(threads));
  MsmJob<Fq>& jobH = msms.add(MsmJob<Fq>{z.pointsH, &hd, 0, n, {}});
  msms.run(threads);
  const G1 sumA = jobA.sum(), sumB1 = jobB1.sum(), sumC = jobC.sum(), sumH = jobH.sum();
  const G2 sumB2 = jobB2.sum();
  proof.msmMs = msSince(t);

  // 4. Blinding.
  uint64_t r[4], s[4], rs[4];
  randomScalar(r);
  randomScalar(s);
  (-(Fr::fromNormal(r) * Fr::fromNormal(s))).toNormal(rs);
  const G1 delta1 = G1::from(z.delta1);
  const G1 pa = sumA.addMixed(z.alpha1).add(delta1.times(r));
  const G2 pb = sumB2.addMixed(z.beta2).add(G2::from(z.delta2).times(s));
  const G1 pb1 = sumB1.addMixed(z.beta1).add(delta1.times(s));
  const G1 pc = sumC.add(sumH).add(pa.times(s)).add(pb1.times(r)).add(delta1.times(rs));
  proof.a = pa.toAffine();
  proof.b = pb.toAffine();
  proof.c = pc.toAffine();
  return proof;
}

}  // namespace groth16
