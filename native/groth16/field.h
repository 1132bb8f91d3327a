// Prime fields of 4×64-bit limbs in Montgomery form (R = 2^256), the representation snarkjs and
// ffjavascript use in zkey files ("LEM": little-endian Montgomery). The modulus is a compile-time
// constant; R mod p, R^2 mod p and -p^-1 mod 2^64 are derived from it at compile time.
#pragma once

#include <cstdint>
#include <cstring>
// PROOFBOOK_PORTABLE (the proofbook_prover_portable addon) compiles the portable C++ only: the
// reference the assembly is tested against, and a prover for a CPU without BMI2 and ADX.
#if defined(__x86_64__) && !defined(PROOFBOOK_PORTABLE)
#define PROOFBOOK_X86_64 1
#include <x86intrin.h>
#else
#define PROOFBOOK_X86_64 0
#endif


// The multiplication's assembly (x86-64 with BMI2 and ADX: the addon is built with -mbmi2 -madx
// when native/cpu-flags.py finds them on the machine that builds it; elsewhere the portable CIOS
// below is compiled). Each macro is one
// step of CIOS over the words named r0..r4 (r0 lowest); rax holds 0 for the carry-ins.
#if PROOFBOOK_X86_64 && defined(__BMI2__) && defined(__ADX__)
#define PROOFBOOK_MULX 1
#define PB_R(r) "%[" #r "]"
// r0..r4 = a·b[off/8] (the first limb: t was 0)
#define PROOFBOOK_MUL_FIRST(off, r0, r1, r2, r3, r4)                                        \
  "movq " off "(%[b]), %%rdx\n\t"                                                           \
  "xorl %%eax, %%eax\n\t"                                                                   \
  "mulxq 0(%[a]), " PB_R(r0) ", " PB_R(r1) "\n\t"                                           \
  "mulxq 8(%[a]), %[lo], " PB_R(r2) "\n\t adcxq %[lo], " PB_R(r1) "\n\t"                   \
  "mulxq 16(%[a]), %[lo], " PB_R(r3) "\n\t adcxq %[lo], " PB_R(r2) "\n\t"                  \
  "mulxq 24(%[a]), %[lo], " PB_R(r4) "\n\t adcxq %[lo], " PB_R(r3) "\n\t"                  \
  "adcxq %%rax, " PB_R(r4) "\n\t"
// r0..r4 = r0..r3 + a·b[off/8]: low halves on the OF chain, high halves on the CF chain
#define PROOFBOOK_MUL_NEXT(off, r0, r1, r2, r3, r4)                                         \
  "movq " off "(%[b]), %%rdx\n\t"                                                           \
  "xorl %%eax, %%eax\n\t"                                                                   \
  "mulxq 0(%[a]), %[lo], %[hi]\n\t adoxq %[lo], " PB_R(r0) "\n\t adcxq %[hi], " PB_R(r1) "\n\t"   \
  "mulxq 8(%[a]), %[lo], %[hi]\n\t adoxq %[lo], " PB_R(r1) "\n\t adcxq %[hi], " PB_R(r2) "\n\t"   \
  "mulxq 16(%[a]), %[lo], %[hi]\n\t adoxq %[lo], " PB_R(r2) "\n\t adcxq %[hi], " PB_R(r3) "\n\t"  \
  "mulxq 24(%[a]), %[lo], " PB_R(r4) "\n\t adoxq %[lo], " PB_R(r3) "\n\t"                  \
  "adcxq %%rax, " PB_R(r4) "\n\t adoxq %%rax, " PB_R(r4) "\n\t"
// r0..r4 += m·p with m = r0·inv, which clears r0 (the caller's next step starts at r1)
#define PROOFBOOK_REDUCE(r0, r1, r2, r3, r4)                                                 \
  "movq " PB_R(r0) ", %%rdx\n\t imulq %[inv], %%rdx\n\t"                                    \
  "xorl %%eax, %%eax\n\t"                                                                   \
  "mulxq 0(%[p]), %[lo], %[hi]\n\t adcxq %[lo], " PB_R(r0) "\n\t adoxq %[hi], " PB_R(r1) "\n\t"   \
  "mulxq 8(%[p]), %[lo], %[hi]\n\t adcxq %[lo], " PB_R(r1) "\n\t adoxq %[hi], " PB_R(r2) "\n\t"   \
  "mulxq 16(%[p]), %[lo], %[hi]\n\t adcxq %[lo], " PB_R(r2) "\n\t adoxq %[hi], " PB_R(r3) "\n\t"  \
  "mulxq 24(%[p]), %[lo], %[hi]\n\t adcxq %[lo], " PB_R(r3) "\n\t adoxq %[hi], " PB_R(r4) "\n\t"  \
  "adcxq %%rax, " PB_R(r4) "\n\t"
// r0..r3 (below 2p) minus p if not below p, by cmov: kept in registers, no branch
#define PROOFBOOK_REDUCE_FINAL(r0, r1, r2, r3)                                              \
  "movq " PB_R(r0) ", %%rax\n\t subq 0(%[p]), %%rax\n\t"                                   \
  "movq " PB_R(r1) ", %%rdx\n\t sbbq 8(%[p]), %%rdx\n\t"                                   \
  "movq " PB_R(r2) ", %[lo]\n\t sbbq 16(%[p]), %[lo]\n\t"                                  \
  "movq " PB_R(r3) ", %[hi]\n\t sbbq 24(%[p]), %[hi]\n\t"                                  \
  "cmovncq %%rax, " PB_R(r0) "\n\t cmovncq %%rdx, " PB_R(r1) "\n\t"                          \
  "cmovncq %[lo], " PB_R(r2) "\n\t cmovncq %[hi], " PB_R(r3) "\n\t"
#else
#define PROOFBOOK_MULX 0
#endif

namespace groth16 {

typedef unsigned __int128 u128;

// 4-limb add and subtract with carry out. On x86-64 the carry intrinsics compile to one add/adc
// (sub/sbb) chain in registers; GCC's 128-bit arithmetic spilled every carry to the stack, which
// made a field addition cost as much as a multiplication.
#if PROOFBOOK_X86_64
inline uint64_t add4(uint64_t* r, const uint64_t* a, const uint64_t* b) {
  unsigned long long o0, o1, o2, o3;
  unsigned char c = _addcarry_u64(0, a[0], b[0], &o0);
  c = _addcarry_u64(c, a[1], b[1], &o1);
  c = _addcarry_u64(c, a[2], b[2], &o2);
  c = _addcarry_u64(c, a[3], b[3], &o3);
  r[0] = o0, r[1] = o1, r[2] = o2, r[3] = o3;
  return c;
}

inline uint64_t sub4(uint64_t* r, const uint64_t* a, const uint64_t* b) {
  unsigned long long o0, o1, o2, o3;
  unsigned char c = _subborrow_u64(0, a[0], b[0], &o0);
  c = _subborrow_u64(c, a[1], b[1], &o1);
  c = _subborrow_u64(c, a[2], b[2], &o2);
  c = _subborrow_u64(c, a[3], b[3], &o3);
  r[0] = o0, r[1] = o1, r[2] = o2, r[3] = o3;
  return c;
}
#else
inline uint64_t add4(uint64_t* r, const uint64_t* a, const uint64_t* b) {
  uint64_t carry = 0;
  for (int i = 0; i < 4; i++) {
    const u128 s = (u128)a[i] + b[i] + carry;
    r[i] = (uint64_t)s;
    carry = (uint64_t)(s >> 64);
  }
  return carry;
}

inline uint64_t sub4(uint64_t* r, const uint64_t* a, const uint64_t* b) {
  uint64_t borrow = 0;
  for (int i = 0; i < 4; i++) {
    const u128 d = (u128)a[i] - b[i] - borrow;
    r[i] = (uint64_t)d;
    borrow = (uint64_t)(d >> 64) & 1;
  }
  return borrow;
}
#endif

inline bool geq4(const uint64_t* a, const uint64_t* b) {
  for (int i = 3; i >= 0; i--)
    if (a[i] != b[i]) return a[i] > b[i];
  return true;
}

// Compile-time helpers for the Montgomery constants.
struct Limbs {
  uint64_t v[4];
};

constexpr Limbs doubleMod(Limbs a, const uint64_t* p) {
  // 2a mod p for a < p < 2^255.
  Limbs r{};
  uint64_t carry = 0;
  for (int i = 0; i < 4; i++) {
    r.v[i] = (a.v[i] << 1) | carry;
    carry = a.v[i] >> 63;
  }
  bool ge = true;
  for (int i = 3; i >= 0; i--) {
    if (r.v[i] != p[i]) {
      ge = r.v[i] > p[i];
      break;
    }
  }
  if (ge) {
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
      const uint64_t d = r.v[i] - p[i] - borrow;
      borrow = (r.v[i] < p[i] || (r.v[i] == p[i] && borrow)) ? 1 : 0;
      r.v[i] = d;
    }
  }
  return r;
}

constexpr Limbs powerOfTwoMod(int k, const uint64_t* p) {
  Limbs r{{1, 0, 0, 0}};
  for (int i = 0; i < k; i++) r = doubleMod(r, p);
  return r;
}

constexpr uint64_t negInverse64(uint64_t p0) {
  uint64_t x = 1;  // Newton: x = x(2 - p0 x), doubling the correct bits each round
  for (int i = 0; i < 6; i++) x *= 2 - p0 * x;
  return 0 - x;
}

template <class Params>
struct Field {
  uint64_t v[4];

  static constexpr const uint64_t* P = Params::P;
  static constexpr uint64_t INV = negInverse64(Params::P[0]);
  static constexpr Limbs R1 = powerOfTwoMod(256, Params::P);
  static constexpr Limbs R2 = powerOfTwoMod(512, Params::P);

  static Field zero() { return Field{{0, 0, 0, 0}}; }
  static Field one() { return Field{{R1.v[0], R1.v[1], R1.v[2], R1.v[3]}}; }

  bool isZero() const { return (v[0] | v[1] | v[2] | v[3]) == 0; }
  bool operator==(const Field& o) const { return v[0] == o.v[0] && v[1] == o.v[1] && v[2] == o.v[2] && v[3] == o.v[3]; }
  bool operator!=(const Field& o) const { return !(*this == o); }

  // r = cond ? a : b without a branch (reductions are coin tosses, badly predicted).
  static inline void select(uint64_t* r, uint64_t cond, const uint64_t* a, const uint64_t* b) {
    const uint64_t mask = 0 - cond;
    for (int i = 0; i < 4; i++) r[i] = (a[i] & mask) | (b[i] & ~mask);
  }

  friend inline Field operator+(const Field& a, const Field& b) {
    Field r;
    uint64_t s[4], d[4];
    add4(s, a.v, b.v);  // p < 2^254: no carry out
    select(r.v, sub4(d, s, P), s, d);
    return r;
  }

  friend inline Field operator-(const Field& a, const Field& b) {
    Field r;
    uint64_t s[4], d[4];
    const uint64_t borrow = sub4(s, a.v, b.v);
    add4(d, s, P);
    select(r.v, borrow, d, s);
    return r;
  }

  Field operator-() const { return isZero() ? *this : Field::zero() - *this; }
  Field dbl() const { return *this + *this; }

#if PROOFBOOK_MULX
  // Montgomery product a·b·R^-1 (CIOS) with mulx and the two carry chains of adcx/adox: per limb
  // b_i, t += a·b_i, then m = t_0·(-p^-1) and t = (t + m·p) / 2^64, the five words of t rotating
  // through registers instead of moving. p's top limb is below 2^62, so t stays below 2p.
  friend inline __attribute__((always_inline)) Field operator*(const Field& x, const Field& y) {
    uint64_t t0, t1, t2, t3, t4, lo, hi;
    asm(PROOFBOOK_MUL_FIRST("0", t0, t1, t2, t3, t4) PROOFBOOK_REDUCE(t0, t1, t2, t3, t4)
            PROOFBOOK_MUL_NEXT("8", t1, t2, t3, t4, t0) PROOFBOOK_REDUCE(t1, t2, t3, t4, t0)
                PROOFBOOK_MUL_NEXT("16", t2, t3, t4, t0, t1) PROOFBOOK_REDUCE(t2, t3, t4, t0, t1)
                    PROOFBOOK_MUL_NEXT("24", t3, t4, t0, t1, t2) PROOFBOOK_REDUCE(t3, t4, t0, t1, t2)
                        PROOFBOOK_REDUCE_FINAL(t4, t0, t1, t2)
        : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4), [lo] "=&r"(lo), [hi] "=&r"(hi)
        : [a] "r"(x.v), [b] "r"(y.v), [p] "r"(P), [inv] "r"(INV), "m"(x.v), "m"(y.v)
        : "rax", "rdx", "cc");
    return Field{{t4, t0, t1, t2}};
  }
#else
  static inline void madd(uint64_t& hi, uint64_t& lo, uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
    const u128 r = (u128)a * b + c + d;
    lo = (uint64_t)r;
    hi = (uint64_t)(r >> 64);
  }

  // Montgomery product a·b·R^-1 (CIOS): p's top limb is below 2^62, so no extra carry word.
  friend inline __attribute__((always_inline)) Field operator*(const Field& x, const Field& y) {
    const uint64_t p0 = P[0], p1 = P[1], p2 = P[2], p3 = P[3];
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    for (int i = 0; i < 4; i++) {
      uint64_t yi = y.v[i], a, c, m, lo;
      madd(a, t0, x.v[0], yi, t0, 0);
      m = t0 * INV;
      madd(c, lo, m, p0, t0, 0);
      madd(a, t1, x.v[1], yi, t1, a);
      madd(c, t0, m, p1, t1, c);
      madd(a, t2, x.v[2], yi, t2, a);
      madd(c, t1, m, p2, t2, c);
      madd(a, t3, x.v[3], yi, t3, a);
      madd(c, t2, m, p3, t3, c);
      t3 = c + a;
    }
    Field r;
    uint64_t t[4] = {t0, t1, t2, t3}, s[4];
    select(r.v, sub4(s, t, P), t, s);
    return r;
  }
#endif

  Field square() const { return *this * *this; }

  // From a number below p in normal form, and back.
  static Field fromNormal(const uint64_t* n) {
    Field a, r2{{R2.v[0], R2.v[1], R2.v[2], R2.v[3]}};
    memcpy(a.v, n, 32);
    return a * r2;
  }
  void toNormal(uint64_t* out) const {
    const Field one{{1, 0, 0, 0}};
    const Field n = *this * one;
    memcpy(out, n.v, 32);
  }
  static Field fromU64(uint64_t x) {
    const uint64_t n[4] = {x, 0, 0, 0};
    return fromNormal(n);
  }
  static bool belowModulus(const uint64_t* n) { return !geq4(n, P); }

  Field pow(const uint64_t* e, int limbs = 4) const {
    Field r = one(), b = *this;
    for (int i = 0; i < limbs * 64; i++) {
      if ((e[i / 64] >> (i % 64)) & 1) r = r * b;
      b = b.square();
    }
    return r;
  }
  // a^(p-2); 0 for 0.
  Field inverse() const {
    uint64_t e[4];
    const uint64_t two[4] = {2, 0, 0, 0};
    sub4(e, P, two);
    return pow(e);
  }
};

struct FqParams {
  static constexpr uint64_t P[4] = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL};
};
struct FrParams {
  static constexpr uint64_t P[4] = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL};
};

// BN254's base field and scalar field (the prime order of G1 and G2).
typedef Field<FqParams> Fq;
typedef Field<FrParams> Fr;

// Fq2 = Fq[u] / (u^2 + 1).
struct Fq2 {
  Fq c0, c1;

  static Fq2 zero() { return Fq2{Fq::zero(), Fq::zero()}; }
  static Fq2 one() { return Fq2{Fq::one(), Fq::zero()}; }
  bool isZero() const { return c0.isZero() && c1.isZero(); }
  bool operator==(const Fq2& o) const { return c0 == o.c0 && c1 == o.c1; }
  bool operator!=(const Fq2& o) const { return !(*this == o); }
  friend inline Fq2 operator+(const Fq2& a, const Fq2& b) { return Fq2{a.c0 + b.c0, a.c1 + b.c1}; }
  friend inline Fq2 operator-(const Fq2& a, const Fq2& b) { return Fq2{a.c0 - b.c0, a.c1 - b.c1}; }
  Fq2 operator-() const { return Fq2{-c0, -c1}; }
  Fq2 dbl() const { return Fq2{c0.dbl(), c1.dbl()}; }
  friend inline Fq2 operator*(const Fq2& a, const Fq2& b) {
    const Fq t0 = a.c0 * b.c0, t1 = a.c1 * b.c1;
    return Fq2{t0 - t1, (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1};
  }
  Fq2 square() const {
    const Fq t = c0 * c1;
    return Fq2{(c0 + c1) * (c0 - c1), t.dbl()};
  }
  Fq2 inverse() const {
    const Fq t = (c0.square() + c1.square()).inverse();
    return Fq2{c0 * t, -(c1 * t)};
  }
};

}  // namespace groth16
