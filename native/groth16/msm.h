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

// A run of points to be summed: scratch[start, start + len), for target slot `slot`.
struct Run {
  uint32_t slot, start, len;
};

// Halves every run by pairwise affine additions, all pairs of a round in one batch, until one
// point (the run's sum) is left at its start.
template <class F>
void reduceRuns(std::vector<Affine<F>>& scratch, std::vector<Run>& runs, AffineAdder<F>& adder) {
  for (bool more = true; more;) {
    more = false;
    for (const Run& r : runs) {
      Affine<F>* s = scratch.data() + r.start;
      for (uint32_t j = 0; 2 * j + 1 < r.len; j++) adder.add(s + j, s + 2 * j, s + 2 * j + 1);
    }
    adder.flush();
    for (Run& r : runs) {
      if (r.len & 1 && r.len > 1) scratch[r.start + r.len / 2] = scratch[r.start + r.len - 1];
      r.len = (r.len + 1) / 2;
      if (r.len > 1) more = true;
    }
  }
}

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
      reduceRuns(scratch_, runs_, adder_);
      for (const Run& r : runs_) buckets_[r.slot] = scratch_[r.start];
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
      if (count_[r.slot] != r.start) scratch_[r.start] = buckets_[r.slot];
    for (size_t i = begin; i < end; i++) {
      const int16_t di = d[i];
      if (di == 0) continue;
      const Affine<F> p = loadAffine<F>(points, i);
      scratch_[count_[std::abs(di) - 1]++] = di > 0 ? p : p.neg();
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

// Scalars that repeat, grouped: Σ k_i·P_i = Σ_v v·(Σ_{k_i = v} P_i). A circom witness repeats
// many of its values (a batch of `large`: 978k values, 362k distinct, most of the rest twice), so
// an MSM over it first sums each group's points (one addition per repeat), then runs the buckets
// over the distinct values: 2.3x fewer additions for that witness. Zero scalars belong to no group.
struct ScalarGroups {
  std::vector<uint8_t> values;    // the distinct nonzero scalars, 32 bytes each, ascending
  std::vector<uint32_t> start;    // group g's scalars are member[start[g] .. start[g + 1])
  std::vector<uint32_t> member;   // scalar indices, ascending within a group
  size_t nonzero = 0;
  size_t groups() const { return start.empty() ? 0 : start.size() - 1; }

  // Groups n scalars (4 little-endian limbs each, maybe unaligned) by a sort on `threads` threads.
  static ScalarGroups of(const uint8_t* scalars, size_t n, int threads) {
    struct Entry {
      uint64_t k[4];
      uint32_t i;
      bool operator<(const Entry& o) const {
        for (int l = 3; l >= 0; l--)
          if (k[l] != o.k[l]) return k[l] < o.k[l];
        return i < o.i;
      }
    };
    std::vector<Entry> e;
    e.reserve(n);
    for (size_t i = 0; i < n; i++) {
      Entry x;
      memcpy(x.k, scalars + 32 * i, 32);
      x.i = (uint32_t)i;
      if (x.k[0] | x.k[1] | x.k[2] | x.k[3]) e.push_back(x);
    }
    // Sorted in `parts` ranges on threads, then merged.
    const size_t parts = std::max<size_t>(1, std::min<size_t>(threads, e.size() / 4096 + 1));
    std::vector<size_t> cut(parts + 1);
    for (size_t p = 0; p <= parts; p++) cut[p] = e.size() * p / parts;
    parallelFor(parts, (int)parts, [&](size_t begin, size_t end) {
      for (size_t p = begin; p < end; p++) std::sort(e.begin() + cut[p], e.begin() + cut[p + 1]);
    });
    for (size_t width = 1; width < parts; width *= 2)
      for (size_t p = 0; p + width < parts; p += 2 * width)
        std::inplace_merge(e.begin() + cut[p], e.begin() + cut[p + width], e.begin() + cut[std::min(parts, p + 2 * width)]);
    ScalarGroups g;
    g.nonzero = e.size();
    g.member.resize(e.size());
    for (size_t j = 0; j < e.size(); j++) {
      if (j == 0 || memcmp(e[j].k, e[j - 1].k, 32) != 0) {
        g.start.push_back((uint32_t)j);
        g.values.insert(g.values.end(), (const uint8_t*)e[j].k, (const uint8_t*)e[j].k + 32);
      }
      g.member[j] = e[j].i;
    }
    g.start.push_back((uint32_t)e.size());
    return g;
  }

  // Whether summing groups first saves additions: at least one scalar in eight is a repeat.
  bool worthIt() const { return nonzero - groups() >= nonzero / 8 && nonzero - groups() > 0; }
};

// Group g's sum Σ P_(i - offset) over its scalar indices i in [offset, offset + count), for every
// group (infinity for a group with none there), by runs of batched affine additions on threads.
template <class F>
std::vector<Affine<F>> groupSums(const uint8_t* points, const ScalarGroups& g, size_t offset, size_t count, int threads) {
  const Affine<F> inf{F::zero(), F::zero()};
  std::vector<Affine<F>> out(g.groups(), inf);
  parallelFor(g.groups(), threads, [&](size_t begin, size_t end) {
    AffineAdder<F> adder;
    std::vector<Affine<F>> scratch;
    std::vector<Run> runs;
    constexpr size_t CHUNK = (size_t)1 << 16;  // points per round of runs
    for (size_t from = begin; from < end;) {
      scratch.clear(), runs.clear();
      size_t to = from;
      for (; to < end && scratch.size() < CHUNK; to++) {
        const uint32_t at = (uint32_t)scratch.size();
        for (uint32_t m = g.start[to]; m < g.start[to + 1]; m++) {
          const size_t i = g.member[m];
          if (i >= offset && i - offset < count) scratch.push_back(loadAffine<F>(points, i - offset));
        }
        const uint32_t len = (uint32_t)scratch.size() - at;
        if (len == 1) out[to] = scratch[at];
        else if (len > 1) runs.push_back(Run{(uint32_t)to, at, len});
      }
      reduceRuns(scratch, runs, adder);
      for (const Run& r : runs) out[r.slot] = scratch[r.start];
      from = to;
    }
  });
  return out;
}

// Σ k_(offset+i)·P_i for i < count, `points` holding count affine points, the scalars' digits
// (and, when given, their groups: then the digits are the groups' values) shared by the caller's
// MSMs. Several of these run together through Msms; `prepare` sums the groups first.
template <class F>
struct GroupedMsm {
  const uint8_t* points;
  const Digits* digits;
  const ScalarGroups* groups;  // nullptr: no grouping
  size_t offset, count;
  std::vector<Affine<F>> sums;  // the groups' point sums, when grouped

  MsmJob<F> job(int threads) {
    if (!groups) return MsmJob<F>{points, digits, offset, count, {}};
    sums = groupSums<F>(points, *groups, offset, count, threads);
    return MsmJob<F>{(const uint8_t*)sums.data(), digits, 0, sums.size(), {}};
  }
};

enum class Grouping { NEVER, AUTO, ALWAYS };

// Σ k_i·P_i for n scalars and n affine points (zkey layout); AUTO groups repeated scalars when
// ScalarGroups::worthIt (the prover's choice for the witness).
template <class F>
Jacobian<F> msm(const uint8_t* points, const uint8_t* scalars, size_t n, Grouping grouping, int threads) {
  ScalarGroups groups;
  if (grouping != Grouping::NEVER) groups = ScalarGroups::of(scalars, n, threads);
  const bool group = grouping == Grouping::ALWAYS || (grouping == Grouping::AUTO && groups.worthIt());
  const Digits digits = group ? recode(groups.values.data(), groups.groups(), threads) : recode(scalars, n, threads);
  GroupedMsm<F> grouped{points, &digits, group ? &groups : nullptr, 0, n, {}};
  Msms msms;
  MsmJob<F>& job = msms.add(grouped.job(threads));
  msms.run(threads);
  return job.sum();
}

}  // namespace groth16
