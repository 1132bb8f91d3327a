// Multi-scalar multiplication Σ k_i·P_i by the bucket (Pippenger) method with signed windows.
//
// Scalars are recoded once into signed c-bit digits (window-major, int16), and the recoding is
// shared by every MSM over the same scalars (a proof's A, B1, B2 and C all take the witness).
// Circom witnesses are mostly 0, 1 and small values: a zero digit costs a compare, so a bit costs
// one addition in all, a full scalar one per window. Windows are independent and run on threads.
#pragma once

#include <atomic>
#include <cmath>
#include <cstring>
#include <vector>

#include "curve.h"
#include "parallel.h"

namespace groth16 {

struct Digits {
  int c = 1;       // window bits
  int windows = 0;
  size_t n = 0;
  std::vector<int16_t> d;  // d[w * n + i], in [-(2^(c-1) - 1), 2^(c-1)]
  const int16_t* window(int w) const { return d.data() + (size_t)w * n; }
};

// Window size minimising windows × (additions + bucket sums) for `nonzero` full-size scalars.
inline int windowBits(size_t nonzero) {
  int best = 2;
  double bestCost = 1e300;
  for (int c = 2; c <= 15; c++) {  // 15: a digit of 2^(c-1) still fits an int16
    const double cost = std::ceil(255.0 / c) * ((double)nonzero + 2.0 * (double)(1u << (c - 1)));
    if (cost < bestCost) bestCost = cost, best = c;
  }
  return best;
}

// Signed digits of n scalars (each 4 little-endian limbs in normal form, below 2^254), read with
// memcpy so that `scalars` may be unaligned.
inline Digits recode(const uint8_t* scalars, size_t n, int threads) {
  Digits out;
  size_t nonzero = 0;
  for (size_t i = 0; i < n; i++) {
    uint64_t k[4];
    memcpy(k, scalars + 32 * i, 32);
    if (k[0] | k[1] | k[2] | k[3]) nonzero++;
  }
  out.c = windowBits(std::max<size_t>(nonzero, 1));
  out.windows = (254 + out.c) / out.c;  // at least one spare bit on top for the last carry
  out.n = n;
  out.d.assign((size_t)out.windows * n, 0);
  const int c = out.c;
  const uint64_t mask = (1ull << c) - 1, half = 1ull << (c - 1);
  parallelFor(n, threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; i++) {
      uint64_t k[5] = {0, 0, 0, 0, 0};
      memcpy(k, scalars + 32 * i, 32);
      if (!(k[0] | k[1] | k[2] | k[3])) continue;
      uint64_t carry = 0;
      for (int w = 0; w < out.windows; w++) {
        const int bit = w * c, limb = bit / 64, shift = bit % 64;
        uint64_t bits = k[limb] >> shift;
        if (shift + c > 64 && limb < 4) bits |= k[limb + 1] << (64 - shift);
        uint64_t digit = (bits & mask) + carry;
        carry = digit > half ? 1 : 0;
        out.d[(size_t)w * n + i] = (int16_t)(carry ? (int64_t)digit - (int64_t)(1ull << c) : (int64_t)digit);
      }
    }
  });
  return out;
}

// Loads affine point i of a zkey section (x then y, Montgomery form; maybe unaligned).
template <class F>
inline Affine<F> loadAffine(const uint8_t* points, size_t i) {
  Affine<F> p;
  memcpy(&p, points + sizeof(Affine<F>) * i, sizeof(Affine<F>));
  return p;
}

// Σ digits(k_{offset+i})·P_i for i < count: `points` holds count affine points.
template <class F>
Jacobian<F> msm(const uint8_t* points, const Digits& digits, size_t offset, size_t count, int threads) {
  typedef Jacobian<F> J;
  const int c = digits.c;
  const size_t nBuckets = (size_t)1 << (c - 1);
  std::vector<J> windowSums(digits.windows, J::infinity());
  std::atomic<int> next{0};
  const int workers = std::max(1, std::min(threads, digits.windows));
  parallelFor((size_t)workers, workers, [&](size_t, size_t) {
    std::vector<J> buckets(nBuckets);
    for (int w; (w = next.fetch_add(1)) < digits.windows;) {
      const int16_t* d = digits.window(w) + offset;
      bool any = false;
      for (size_t i = 0; i < count && !any; i++) any = d[i] != 0;
      if (!any) continue;
      std::fill(buckets.begin(), buckets.end(), J::infinity());
      for (size_t i = 0; i < count; i++) {
        const int16_t di = d[i];
        if (di == 0) continue;
        const Affine<F> p = loadAffine<F>(points, i);
        if (di > 0) buckets[di - 1] = buckets[di - 1].addMixed(p);
        else buckets[-di - 1] = buckets[-di - 1].addMixed(p.neg());
      }
      J running = J::infinity(), sum = J::infinity();
      for (size_t b = nBuckets; b-- > 0;) {
        running = running.add(buckets[b]);
        sum = sum.add(running);
      }
      windowSums[w] = sum;
    }
  });
  J acc = J::infinity();
  for (int w = digits.windows - 1; w >= 0; w--) {
    for (int i = 0; i < c; i++) acc = acc.dbl();
    acc = acc.add(windowSums[w]);
  }
  return acc;
}

}  // namespace groth16
