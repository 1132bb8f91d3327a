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

inline void bitReverse(Fr* a, int bits, int threads) {
  parallelFor((size_t)1 << bits, threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; i++) {
      const size_t j = reverseBits(i, bits);
      if (i < j) std::swap(a[i], a[j]);
    }
  });
}

// Radix-2 decimation in frequency (Gentleman-Sande), in place, without the scaling: natural order
// in, bit-reversed order out. The stage of half-size m uses roots[k·n/(2m)]. With `scale`, the last
// stage multiplies each output by scale at its place (one pass over the values fewer).
inline void nttDif(Fr* a, const std::vector<Fr>& roots, int bits, int threads, const Fr* scale = nullptr) {
  const size_t n = (size_t)1 << bits;
  for (size_t m = n >> 1; m >= 1; m >>= 1) {
    const size_t stride = n / (2 * m);
    parallelFor(n / 2, threads, [&](size_t begin, size_t end) {
      if (m == 1 && scale) {  // roots[0] = 1
        for (size_t i = 2 * begin; i < 2 * end; i += 2) {
          const Fr u = a[i], v = a[i + 1];
          a[i] = (u + v) * scale[i];
          a[i + 1] = (u - v) * scale[i + 1];
        }
        return;
      }
      for (size_t b = begin; b < end; b++) {
        const size_t k = b & (m - 1), i = ((b - k) << 1) + k;
        const Fr u = a[i], v = a[i + m];
        a[i] = u + v;
        a[i + m] = (u - v) * roots[k * stride];
      }
    });
  }
}

// Radix-2 decimation in time (Cooley-Tukey), in place: bit-reversed order in, natural order out.
inline void nttDit(Fr* a, const std::vector<Fr>& roots, int bits, int threads) {
  const size_t n = (size_t)1 << bits;
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

// In place, n = 2^tw.bits: a_j <- Σ_i a_i·w^(ij), or with `inverse` (1/n)·Σ_i a_i·w^(-ij), natural
// order in and out. The prover does without the bit reversals (prover.h step 2): the inverse
// transform by nttDif, its output in bit-reversed order is the input nttDit takes.
inline void ntt(Fr* a, const Twiddles& tw, bool inverse, int threads) {
  const int bits = tw.bits;
  const size_t n = (size_t)1 << bits;
  if (n == 1) return;
  if (!inverse) {
    bitReverse(a, bits, threads);
    nttDit(a, tw.forward, bits, threads);
    return;
  }
  nttDif(a, tw.inverse, bits, threads);
  bitReverse(a, bits, threads);
  parallelFor(n, threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; i++) a[i] = a[i] * tw.nInverse;
  });
}

}  // namespace groth16
