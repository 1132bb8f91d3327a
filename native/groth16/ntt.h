// Number-theoretic transforms over Fr with ffjavascript's conventions (snarkjs' prover): the
// 2^k-th root of unity is w_k = 5^((r-1)/2^28) squared 28-k times (5 is Fr's smallest quadratic
// non-residue), the forward transform is a_j -> Σ_i a_i·w^(ij) in natural order, and the inverse
// one divides by n.
#pragma once

#include <vector>

#include "field.h"
#include "parallel.h"

namespace groth16 {

constexpr int FR_TWO_ADICITY = 28;

// w_k: a primitive 2^k-th root of unity of Fr, for k <= 28.
inline Fr rootOfUnity(int k) {
  // t = (r - 1) / 2^28
  uint64_t t[4];
  const uint64_t* r = FrParams::P;
  for (int i = 0; i < 4; i++) t[i] = (r[i] >> FR_TWO_ADICITY) | (i < 3 ? r[i + 1] << (64 - FR_TWO_ADICITY) : 0);
  Fr w = Fr::fromU64(5).pow(t);
  for (int i = FR_TWO_ADICITY; i > k; i--) w = w.square();
  return w;
}

inline size_t reverseBits(size_t x, int bits) {
  size_t r = 0;
  for (int i = 0; i < bits; i++, x >>= 1) r = (r << 1) | (x & 1);
  return r;
}

// The powers w^k and w^-k (k < n/2) of a primitive n-th root w, n = 2^bits: computed once per
// domain and shared by every transform over it (a proof makes six).
struct Twiddles {
  int bits = 0;
  std::vector<Fr> forward, inverse;
  Fr nInverse;

  Twiddles(int bits_, const Fr& w, int threads) : bits(bits_), forward((size_t)1 << bits_ >> 1), inverse(forward.size()) {
    nInverse = Fr::fromU64((uint64_t)1 << bits).inverse();
    powers(forward, w, threads);
    powers(inverse, w.inverse(), threads);
  }

  static void powers(std::vector<Fr>& table, const Fr& root, int threads) {
    parallelFor(table.size(), threads, [&](size_t begin, size_t end) {
      uint64_t e[4] = {begin, 0, 0, 0};
      Fr x = root.pow(e);
      for (size_t k = begin; k < end; k++, x = x * root) table[k] = x;
    });
  }
};

// In place, n = 2^tw.bits: a_j <- Σ_i a_i·w^(ij), or with `inverse` (1/n)·Σ_i a_i·w^(-ij); radix 2,
// decimation in time.
inline void ntt(Fr* a, const Twiddles& tw, bool inverse, int threads) {
  const int bits = tw.bits;
  const size_t n = (size_t)1 << bits;
  if (n == 1) return;
  parallelFor(n, threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; i++) {
      const size_t j = reverseBits(i, bits);
      if (i < j) std::swap(a[i], a[j]);
    }
  });
  // The stage of half-size m uses roots[k·n/(2m)].
  const std::vector<Fr>& roots = inverse ? tw.inverse : tw.forward;
  for (size_t m = 1; m < n; m <<= 1) {
    const size_t stride = n / (2 * m);
    parallelFor(n / 2, threads, [&](size_t begin, size_t end) {
      for (size_t b = begin; b < end; b++) {
        const size_t k = b & (m - 1), i = ((b - k) << 1) + k;
        const Fr t = a[i + m] * roots[k * stride];
        a[i + m] = a[i] - t;
        a[i] = a[i] + t;
      }
    });
  }
  if (inverse)
    parallelFor(n, threads, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; i++) a[i] = a[i] * tw.nInverse;
    });
}

}  // namespace groth16
