// A Groth16 proving key as snarkjs writes it (src/zkey_utils.js): a binfile "zkey" whose sections
// are read in place from a read-only memory map, one map per file and process however many proofs
// use it. Sections: 1 protocol (1 = Groth16), 2 header (curve primes, sizes, alpha1, beta1, beta2,
// gamma2, delta1, delta2), 4 the A and B coefficients of the QAP (matrix, constraint, signal,
// value·R^2), 5 A, 6 B1, 7 B2, 8 C, 9 H points (affine, Montgomery form).
#pragma once

#include <string>

#include "curve.h"
#include "mapped-file.h"

namespace groth16 {

struct Zkey {
  MappedFile file;
  uint32_t nVars = 0, nPublic = 0, domainSize = 0, nCoefs = 0;
  int domainBits = 0;
  G1Affine alpha1, beta1, delta1;
  G2Affine beta2, gamma2, delta2;
  const uint8_t* coefs = nullptr;  // nCoefs × (u32 matrix, u32 constraint, u32 signal, 32-byte value)
  // snarkjs writes the coefficients constraint by constraint (zkey_new.js): then a range of
  // constraints is a range of coefficients, found by binary search (coefsFrom).
  bool coefsSorted = true;
  const uint8_t *pointsA = nullptr, *pointsB1 = nullptr, *pointsB2 = nullptr, *pointsC = nullptr, *pointsH = nullptr;

  static uint32_t u32(const uint8_t* p) { return MappedFile::u32(p); }

  // With coefsSorted: the index of the first coefficient at a constraint >= `at`.
  size_t coefsFrom(size_t at) const {
    size_t lo = 0, hi = nCoefs;
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (u32(coefs + mid * 44 + 4) < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  // Maps and checks `path`; throws InputError.
  static Zkey* open(const std::string& path) {
    Zkey* z = new Zkey();
    try {
      z->file.open(path, "zkey", "ZKEY");
      z->parse(path);
    } catch (...) {
      delete z;
      throw;
    }
    return z;
  }

 private:
  void parse(const std::string& path) {
    const uint8_t* const* sections = file.sections;
    const uint64_t* sizes = file.sizes;
    for (int s : {1, 2, 4, 5, 6, 7, 8, 9})
      if (!sections[s]) throw InputError{"ZKEY_TRUNCATED", path + ": no section " + std::to_string(s) + " (truncated?)"};
    if (sizes[1] < 4 || u32(sections[1]) != 1) throw InputError{"ZKEY_FORMAT", path + " is not a Groth16 key"};
    const uint8_t* h = sections[2];
    const size_t headerSize = 4 + 32 + 4 + 32 + 12 + 3 * 64 + 3 * 128;
    if (sizes[2] < 8 || u32(h) != 32 || memcmp(h + 4, FqParams::P, 32) != 0 || u32(h + 36) != 32 || memcmp(h + 40, FrParams::P, 32) != 0)
      throw InputError{"ZKEY_CURVE", path + " is for another curve than BN254 (bn128)"};
    if (sizes[2] != headerSize) throw InputError{"ZKEY_FORMAT", path + ": header section of " + std::to_string(sizes[2]) + " bytes"};
    nVars = u32(h + 72);
    nPublic = u32(h + 76);
    domainSize = u32(h + 80);
    while (((uint64_t)1 << domainBits) < domainSize) domainBits++;
    if (domainSize == 0 || ((uint64_t)1 << domainBits) != domainSize || domainBits >= FR_BITS_LIMIT || nPublic + 1 > nVars)
      throw InputError{"ZKEY_FORMAT", path + ": inconsistent sizes (nVars " + std::to_string(nVars) + ", nPublic " + std::to_string(nPublic) + ", domain " + std::to_string(domainSize) + ")"};
    const uint8_t* p = h + 84;
    memcpy(&alpha1, p, 64);
    memcpy(&beta1, p + 64, 64);
    memcpy(&beta2, p + 128, 128);
    memcpy(&gamma2, p + 256, 128);
    memcpy(&delta1, p + 384, 64);
    memcpy(&delta2, p + 448, 128);
    nCoefs = sizes[4] >= 4 ? u32(sections[4]) : 0;
    coefs = sections[4] + 4;
    const auto expect = [&](int s, uint64_t bytes, const char* what) {
      if (sizes[s] != bytes)
        throw InputError{"ZKEY_FORMAT", path + ": section " + std::to_string(s) + " (" + what + ") has " + std::to_string(sizes[s]) + " bytes, the header implies " + std::to_string(bytes)};
    };
    expect(4, 4 + (uint64_t)nCoefs * 44, "coefficients");
    expect(5, (uint64_t)nVars * 64, "A points");
    expect(6, (uint64_t)nVars * 64, "B1 points");
    expect(7, (uint64_t)nVars * 128, "B2 points");
    expect(8, (uint64_t)(nVars - nPublic - 1) * 64, "C points");
    expect(9, (uint64_t)domainSize * 64, "H points");
    for (uint32_t i = 0, previous = 0; i < nCoefs; i++) {
      const uint8_t* c = coefs + (size_t)i * 44;
      if (u32(c) > 1 || u32(c + 4) >= domainSize || u32(c + 8) >= nVars)
        throw InputError{"ZKEY_FORMAT", path + ": coefficient " + std::to_string(i) + " is out of range"};
      if (u32(c + 4) < previous) coefsSorted = false;
      previous = u32(c + 4);
    }
    pointsA = sections[5];
    pointsB1 = sections[6];
    pointsB2 = sections[7];
    pointsC = sections[8];
    pointsH = sections[9];
  }
  static constexpr int FR_BITS_LIMIT = 28;
};

}  // namespace groth16
