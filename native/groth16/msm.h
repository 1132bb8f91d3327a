// Multi-scalar multiplication Σ k_i·P_i by the bucket (Pippenger) method with signed windows.
//
// Scalars are recoded once into signed c-bit digits (window-major, int16), and the recoding is
// shared by every MSM over the same scalars (a proof's A, B1, B2 and C all take the witness).
// Circom witnesses are mostly 0, 1 and small values: a zero digit costs a compare, so a bit costs
// one addition in all, a full scalar one per window. Windows are independent and run on threads.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cmath>
#include <cstring>
#include <deque>
#include <memory>
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

// Sums of affine points by batches of affine additions: all the additions of a batch share one
// field inversion (Montgomery's trick), so an addition costs about 6 multiplications instead of a
// mixed Jacobian addition's 11, and the batch's multiplications are independent of each other.
// A pair whose x coordinates agree is a doubling (same y) or cancels (opposite y); either operand
// may be infinity (x = y = 0).
template <class F>
class AffineAdder {
 public:
  // Queues out = a + b. Pointers stay valid until flush(); `out` may alias an operand of this or a
  // later pair only as the in-order tree reduction below uses it (written after its readers).
  void add(Affine<F>* out, const Affine<F>* a, const Affine<F>* b) {
    pairs_.push_back(Pair{out, a, b});
    if (pairs_.size() == BATCH) flush();
  }

  void flush() {
    const size_t n = pairs_.size();
    if (n == 0) return;
    // Denominators: x2 - x1 for an addition, 2y for a doubling; none where the result is an operand or infinity.
    den_.resize(n);
    kind_.resize(n);
    // Montgomery's trick on LANES interleaved running products: the products are chains of
    // dependent multiplications, and independent chains overlap in the CPU.
    F acc[LANES];
    for (F& a : acc) a = F::one();
    prefix_.resize(n);
    for (size_t i = 0; i < n; i++) {
      const Pair& q = pairs_[i];
      uint8_t k;
      if (q.a->isInfinity()) k = B_ONLY;
      else if (q.b->isInfinity()) k = A_ONLY;
      else if (q.a->x != q.b->x) k = ADD, den_[i] = q.b->x - q.a->x;
      else if (q.a->y == q.b->y && !q.a->y.isZero()) k = DOUBLE, den_[i] = q.a->y.dbl();
      else k = NONE;  // P + (-P), or a point of order 2 doubled
      kind_[i] = k;
      F& a = acc[i % LANES];
      prefix_[i] = a;
      if (k == ADD || k == DOUBLE) a = a * den_[i];
    }
    // One inversion for all lanes: 1/acc_l = (Π acc)^-1 · Π_{m != l} acc_m.
    F inv[LANES], left = F::one();
    for (size_t l = 0; l < LANES; l++) inv[l] = left, left = left * acc[l];
    F right = left.inverse();
    for (size_t l = LANES; l-- > 0;) inv[l] = inv[l] * right, right = right * acc[l];
    for (size_t i = n; i-- > 0;) {
      if (kind_[i] != ADD && kind_[i] != DOUBLE) continue;
      F& v = inv[i % LANES];
      const F d = den_[i];
      den_[i] = v * prefix_[i];  // 1 / den_i
      v = v * d;
    }
    // Results, in queue order (see add()), LANES pairs at a time: each step (λ, x3, y3) of the
    // LANES pairs is a run of independent multiplications; a block's operands are read before any
    // of its results is written.
    for (size_t i = 0; i < n; i += LANES) {
      const size_t m = std::min(LANES, n - i);
      Affine<F> a[LANES], b[LANES], r[LANES];
      F num[LANES], lambda[LANES];
      for (size_t l = 0; l < m; l++) {
        a[l] = *pairs_[i + l].a, b[l] = *pairs_[i + l].b;
        if (kind_[i + l] == DOUBLE) {
          const F xx = a[l].x.square();
          num[l] = xx.dbl() + xx;
        } else {
          num[l] = b[l].y - a[l].y;
        }
      }
      for (size_t l = 0; l < m; l++) lambda[l] = num[l] * den_[i + l];
      for (size_t l = 0; l < m; l++) r[l].x = lambda[l].square() - a[l].x - b[l].x;
      for (size_t l = 0; l < m; l++) r[l].y = lambda[l] * (a[l].x - r[l].x) - a[l].y;
      for (size_t l = 0; l < m; l++) {
        const uint8_t k = kind_[i + l];
        *pairs_[i + l].out = k == B_ONLY ? b[l] : k == A_ONLY ? a[l] : k == NONE ? Affine<F>{F::zero(), F::zero()} : r[l];
      }
    }
    pairs_.clear();
  }

 private:
  static constexpr size_t BATCH = 2048, LANES = 4;
  enum : uint8_t { ADD, DOUBLE, A_ONLY, B_ONLY, NONE };
  struct Pair {
    Affine<F>* out;
    const Affine<F>* a;
    const Affine<F>* b;
  };
  std::vector<Pair> pairs_;
  std::vector<F> den_, prefix_;
  std::vector<uint8_t> kind_;
};

// One thread's buckets for one window at a time. Points are taken in chunks: a chunk's points are
// sorted by bucket (a counting sort) behind each bucket's current sum, and every bucket's run is
// then halved round by round by pairwise affine additions (all pairs of a round are independent,
// however many points one bucket gets: a circom witness puts most of its 1s in one bucket).
template <class F>
class BucketSums {
 public:
  explicit BucketSums(size_t nBuckets) : buckets_(nBuckets), count_(nBuckets) {}
  // For windows of another width (MSMs of other sizes share one thread's buckets).
  void resize(size_t nBuckets) { buckets_.resize(nBuckets), count_.resize(nBuckets); }

  // Σ_b (b + 1)·bucket_b of window `d` over points[0..count).
  Jacobian<F> window(const uint8_t* points, const int16_t* d, size_t count) {
    const Affine<F> inf{F::zero(), F::zero()};
    std::fill(buckets_.begin(), buckets_.end(), inf);
    for (size_t begin = 0; begin < count;) {
      // A chunk: up to CHUNK points with a nonzero digit.
      size_t end = begin, taken = 0;
      std::fill(count_.begin(), count_.end(), 0);
      for (; end < count && taken < CHUNK; end++)
        if (d[end] != 0) count_[std::abs(d[end]) - 1]++, taken++;
      sortChunk(points, d, begin, end);
      reduceRuns();
      for (const Run& r : runs_) buckets_[r.bucket] = scratch_[r.start];
      begin = end;
    }
    return weightedSum();
  }

 private:
  // Σ (b+1)·S_b over the buckets S_b. The buckets are cut into K segments of L; segment k keeps a
  // running sum R_k and a sum of running sums U_k from its top down, all K in one batch per step,
  // so U_k = Σ_i (i+1)·S_(kL+i) and the total is Σ_k U_k + L·Σ_k k·R_k (R_k over its whole segment).
  Jacobian<F> weightedSum() {
    const Affine<F> inf{F::zero(), F::zero()};
    const size_t k = std::min<size_t>(buckets_.size(), 512), l = buckets_.size() / k;
    running_.assign(k, inf), sums_.assign(k, inf);
    for (size_t j = l; j-- > 0;) {
      for (size_t s = 0; s < k; s++) adder_.add(&running_[s], &running_[s], &buckets_[s * l + j]);
      adder_.flush();
      for (size_t s = 0; s < k; s++) adder_.add(&sums_[s], &sums_[s], &running_[s]);
      adder_.flush();
    }
    Jacobian<F> total = Jacobian<F>::infinity(), running = Jacobian<F>::infinity(), weighted = Jacobian<F>::infinity();
    for (size_t s = k; s-- > 0;) {
      total = total.addMixed(sums_[s]);
      if (s == 0) break;
      running = running.addMixed(running_[s]);
      weighted = weighted.add(running);
    }
    for (size_t m = l; m > 1; m >>= 1) weighted = weighted.dbl();
    return total.add(weighted);
  }

  static constexpr size_t CHUNK = (size_t)1 << 16;
  struct Run {
    uint32_t bucket, start, len;
  };

  void sortChunk(const uint8_t* points, const int16_t* d, size_t begin, size_t end) {
    runs_.clear();
    size_t at = 0;
    for (size_t b = 0; b < count_.size(); b++) {
      if (!count_[b]) continue;
      const uint32_t held = buckets_[b].isInfinity() ? 0 : 1;  // the bucket's sum so far leads its run
      runs_.push_back(Run{(uint32_t)b, (uint32_t)at, count_[b] + held});
      count_[b] = (uint32_t)at + held;  // from here on: the next free slot of bucket b's run
      at += runs_.back().len;
    }
    scratch_.resize(at);
    for (const Run& r : runs_)
      if (count_[r.bucket] != r.start) scratch_[r.start] = buckets_[r.bucket];
    for (size_t i = begin; i < end; i++) {
      const int16_t di = d[i];
      if (di == 0) continue;
      const Affine<F> p = loadAffine<F>(points, i);
      scratch_[count_[std::abs(di) - 1]++] = di > 0 ? p : p.neg();
    }
  }

  // Halves every run until one point is left at its start.
  void reduceRuns() {
    for (bool more = true; more;) {
      more = false;
      for (const Run& r : runs_) {
        Affine<F>* s = scratch_.data() + r.start;
        for (uint32_t j = 0; 2 * j + 1 < r.len; j++) adder_.add(s + j, s + 2 * j, s + 2 * j + 1);
      }
      adder_.flush();
      for (Run& r : runs_) {
        if (r.len & 1 && r.len > 1) scratch_[r.start + r.len / 2] = scratch_[r.start + r.len - 1];
        r.len = (r.len + 1) / 2;
        if (r.len > 1) more = true;
      }
    }
  }

  std::vector<Affine<F>> buckets_, scratch_, running_, sums_;
  std::vector<uint32_t> count_;
  std::vector<Run> runs_;
  AffineAdder<F> adder_;
};

// One MSM: Σ digits(k_{offset+i})·P_i for i < count, `points` holding count affine points; its
// windows are summed by whichever thread takes them (Msms), then combined by sum().
template <class F>
struct MsmJob {
  const uint8_t* points;
  const Digits* digits;
  size_t offset, count;
  std::vector<Jacobian<F>> windowSums;

  // Window w's Σ (bucket index)·bucket, on `sums` (the calling thread's).
  void window(int w, BucketSums<F>& sums) {
    const int16_t* d = digits->window(w) + offset;
    bool any = false;
    for (size_t i = 0; i < count && !any; i++) any = d[i] != 0;
    if (any) windowSums[w] = sums.window(points, d, count);
  }

  Jacobian<F> sum() const {
    Jacobian<F> acc = Jacobian<F>::infinity();
    for (int w = digits->windows - 1; w >= 0; w--) {
      for (int i = 0; i < digits->c; i++) acc = acc.dbl();
      acc = acc.add(windowSums[w]);
    }
    return acc;
  }
};

// MSMs in G1 and G2 run together: their windows form one queue, G2's (the costliest) first, that
// threads take from one by one, so that no thread idles while another finishes a long MSM.
class Msms {
 public:
  template <class F>
  MsmJob<F>& add(MsmJob<F> job) {
    job.windowSums.assign(job.digits->windows, Jacobian<F>::infinity());
    std::deque<MsmJob<F>>& jobs = list<F>();
    jobs.push_back(std::move(job));
    return jobs.back();
  }

  void run(int threads) {
    struct Task {
      bool g2;
      size_t job;
      int window;
    };
    std::vector<Task> tasks;
    for (size_t j = 0; j < g2_.size(); j++)
      for (int w = 0; w < g2_[j].digits->windows; w++) tasks.push_back({true, j, w});
    for (size_t j = 0; j < g1_.size(); j++)
      for (int w = 0; w < g1_[j].digits->windows; w++) tasks.push_back({false, j, w});
    std::atomic<size_t> next{0};
    const int workers = std::max(1, std::min<int>(threads, (int)tasks.size()));
    parallelFor((size_t)workers, workers, [&](size_t, size_t) {
      std::unique_ptr<BucketSums<Fq>> sums1;
      std::unique_ptr<BucketSums<Fq2>> sums2;
      for (size_t t; (t = next.fetch_add(1)) < tasks.size();) {
        const Task& task = tasks[t];
        if (task.g2) window(g2_[task.job], task.window, sums2);
        else window(g1_[task.job], task.window, sums1);
      }
    });
  }

 private:
  // Window w of `job` on the calling thread's buckets, made (or resized) for the job's width.
  template <class F>
  static void window(MsmJob<F>& job, int w, std::unique_ptr<BucketSums<F>>& sums) {
    if (!sums) sums.reset(new BucketSums<F>(0));
    sums->resize((size_t)1 << (job.digits->c - 1));
    job.window(w, *sums);
  }
  template <class F>
  std::deque<MsmJob<F>>& list();
  std::deque<MsmJob<Fq>> g1_;
  std::deque<MsmJob<Fq2>> g2_;
};
template <>
inline std::deque<MsmJob<Fq>>& Msms::list<Fq>() { return g1_; }
template <>
inline std::deque<MsmJob<Fq2>>& Msms::list<Fq2>() { return g2_; }

// Σ digits(k_{offset+i})·P_i for i < count: `points` holds count affine points.
template <class F>
Jacobian<F> msm(const uint8_t* points, const Digits& digits, size_t offset, size_t count, int threads) {
  Msms msms;
  MsmJob<F>& job = msms.add(MsmJob<F>{points, &digits, offset, count, {}});
  msms.run(threads);
  return job.sum();
}

}  // namespace groth16
