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

// In place: a_j <- Σ_i a_i·w^(ij), w a primitive n-th root (n = 2^bits); radix 2, decimation in time.
inline void ntt(Fr* a, int bits, const Fr& w, int threads) {
  const size_t n = (size_t)1 << bits;
  if (n == 1) return;
  parallelFor(n, threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; i++) {
      const size_t j = reverseBits(i, bits);
      if (i < j) std::swap(a[i], a[j]);
    }
  });
  // roots[k] = w^k for k < n/2: the stage of half-size m uses roots[k·n/(2m)].
  std::vector<Fr> roots(n / 2);
  parallelFor(n / 2, threads, [&](size_t begin, size_t end) {
    uint64_t e[4] = {begin, 0, 0, 0};
    Fr x = w.pow(e);
    for (size_t k = begin; k < end; k++, x = x * w) roots[k] = x;
  });
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
}

inline void inverseNtt(Fr* a, int bits, const Fr& w, int threads) {
  ntt(a, bits, w.inverse(), threads);
  const Fr nInv = Fr::fromU64((uint64_t)1 << bits).inverse();
  parallelFor((size_t)1 << bits, threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; i++) a[i] = a[i] * nInv;
  });
}

}  // namespace groth16
