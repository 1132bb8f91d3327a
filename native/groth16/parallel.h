// A parallel for over [0, n) in contiguous ranges, one std::thread per range.
#pragma once

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace groth16 {

template <class Body>
void parallelFor(size_t n, int threads, Body body) {
  const size_t t = std::max<size_t>(1, std::min<size_t>(threads, n));
  if (t == 1) {
    if (n > 0) body(size_t(0), n);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(t - 1);
  const size_t step = (n + t - 1) / t;
  for (size_t i = 1; i < t; i++) {
    const size_t begin = i * step, end = std::min(n, begin + step);
    if (begin < end) pool.emplace_back([=, &body] { body(begin, end); });
  }
  body(0, std::min(n, step));
  for (auto& th : pool) th.join();
}

}  // namespace groth16
