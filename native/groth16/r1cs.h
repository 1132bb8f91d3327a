// A circuit's constraints as circom writes them (.r1cs, iden3 binfile "r1cs" version 1: section 1
// the header, section 2 per constraint the linear combinations A, B, C as (u32 wire, 32-byte
// coefficient in normal form) terms), read in place from a read-only map. Used to refuse a witness
// that does not satisfy A·B = C before any MSM: the zkey holds no C matrix.
#pragma once

#include <string>
#include <vector>

#include "field.h"
#include "mapped-file.h"
#include "parallel.h"

namespace groth16 {

struct R1cs {
  MappedFile file;
  uint32_t nWires = 0, nConstraints = 0;
  const uint8_t* constraints = nullptr;
  size_t constraintsBytes = 0;

  static R1cs* open(const std::string& path) {
    R1cs* r = new R1cs();
    try {
      r->file.open(path, "r1cs", "R1CS");
      r->parse(path);
    } catch (...) {
      delete r;
      throw;
    }
    return r;
  }

  // Throws WITNESS_UNSATISFIED naming the first constraint A·B != C (witness: nWires values, normal form).
  void check(const uint8_t* witness, int threads) const {
    // Each thread walks the whole list of constraints to find its range's start: the terms are of
    // variable length. One pass first records where every 4,096th constraint starts.
    std::vector<size_t> starts;
    size_t at = 0;
    for (uint32_t i = 0; i < nConstraints; i++) {
      if (i % 4096 == 0) starts.push_back(at);
      for (int m = 0; m < 3; m++) at += 4 + 36 * (size_t)MappedFile::u32(constraints + at);
    }
    std::vector<uint32_t> failed(starts.size(), UINT32_MAX);
    parallelFor(starts.size(), threads, [&](size_t begin, size_t end) {
      for (size_t block = begin; block < end; block++) {
        size_t p = starts[block];
        const uint32_t last = std::min<uint64_t>(nConstraints, (uint64_t)(block + 1) * 4096);
        for (uint32_t i = (uint32_t)block * 4096; i < last; i++) {
          Fr lc[3];
          for (int m = 0; m < 3; m++) {
            const uint32_t terms = MappedFile::u32(constraints + p);
            p += 4;
            Fr sum = Fr::zero();
            for (uint32_t t = 0; t < terms; t++, p += 36) {
              uint64_t coef[4], value[4];
              memcpy(coef, constraints + p + 4, 32);
              memcpy(value, witness + 32 * (size_t)MappedFile::u32(constraints + p), 32);
              sum = sum + Fr::fromNormal(coef) * Fr::fromNormal(value);
            }
            lc[m] = sum;
          }
          if (lc[0] * lc[1] != lc[2]) {
            failed[block] = i;
            break;
          }
        }
      }
    });
    for (uint32_t f : failed)
      if (f != UINT32_MAX) throw InputError{"WITNESS_UNSATISFIED", "the witness does not satisfy constraint " + std::to_string(f) + " (A·B != C): refused before proving"};
  }

 private:
  static bool coefficientBelowR(const uint8_t* bytes) {
    uint64_t v[4];
    memcpy(v, bytes, 32);
    return Fr::belowModulus(v);
  }

  void parse(const std::string& path) {
    if (MappedFile::u32(file.base + 4) != 1) throw InputError{"R1CS_FORMAT", path + ": not an r1cs of version 1"};
    if (!file.sections[1] || !file.sections[2]) throw InputError{"R1CS_TRUNCATED", path + ": no header or constraints section"};
    const uint8_t* h = file.sections[1];
    if (file.sizes[1] < 4 + 32 + 28 || MappedFile::u32(h) != 32 || memcmp(h + 4, FrParams::P, 32) != 0)
      throw InputError{"R1CS_FORMAT", path + ": not an r1cs over BN254's scalar field"};
    nWires = MappedFile::u32(h + 36);
    nConstraints = MappedFile::u32(h + 36 + 24);
    constraints = file.sections[2];
    constraintsBytes = file.sizes[2];
    // Every term inside the section, every wire below nWires: checked once, so check() reads freely.
    size_t at = 0;
    for (uint32_t i = 0; i < nConstraints; i++) {
      for (int m = 0; m < 3; m++) {
        if (at + 4 > constraintsBytes) throw InputError{"R1CS_TRUNCATED", path + ": constraint " + std::to_string(i) + " runs past its section"};
        const uint32_t terms = MappedFile::u32(constraints + at);
        at += 4;
        if ((uint64_t)terms * 36 > constraintsBytes - at) throw InputError{"R1CS_TRUNCATED", path + ": constraint " + std::to_string(i) + " runs past its section"};
        for (uint32_t t = 0; t < terms; t++, at += 36)
          if (MappedFile::u32(constraints + at) >= nWires || !coefficientBelowR(constraints + at + 4))
            throw InputError{"R1CS_FORMAT", path + ": constraint " + std::to_string(i) + " names a wire or coefficient out of range"};
      }
    }
  }
};

}  // namespace groth16
