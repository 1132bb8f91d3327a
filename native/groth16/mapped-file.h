// A read-only memory map of a whole file, and the iden3 binfile section table (zkey, r1cs, wtns:
// a 4-byte magic, u32 version, u32 section count, then u32 type, u64 size and the data per section).
#pragma once

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

namespace groth16 {

// A refused input: `code` names the kind (ZKEY_*, R1CS_*, WITNESS_*), `message` says what.
struct InputError {
  std::string code, message;
};

struct MappedFile {
  const uint8_t* base = nullptr;
  size_t size = 0;
  const uint8_t* sections[11] = {};
  uint64_t sizes[11] = {};

  MappedFile() = default;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() {
    if (base) munmap((void*)base, size);
  }

  // Drops the map's resident pages (they are read again from the file if touched): a read-only
  // private map that was never written loses nothing, and the process' memory shrinks by them.
  void release() const {
    if (base) madvise((void*)base, size, MADV_DONTNEED);
  }

  static uint32_t u32(const uint8_t* p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
  }

  // Maps `path` and reads its section table; `kind` ("ZKEY", "R1CS") prefixes the error codes.
  void open(const std::string& path, const char* magic, const std::string& kind) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw InputError{kind + "_UNREADABLE", "cannot open " + path + ": " + strerror(errno)};
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < 12) {
      ::close(fd);
      throw InputError{kind + "_TRUNCATED", path + " is too short for a binfile"};
    }
    void* map = mmap(nullptr, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED) throw InputError{kind + "_UNREADABLE", "cannot map " + path + ": " + strerror(errno)};
    base = (const uint8_t*)map;
    size = (size_t)st.st_size;
    if (memcmp(base, magic, 4) != 0) throw InputError{kind + "_FORMAT", path + " is not a " + magic + " file (no \"" + magic + "\" magic)"};
    const uint32_t nSections = u32(base + 8);
    size_t at = 12;
    for (uint32_t i = 0; i < nSections; i++) {
      if (at + 12 > size) throw InputError{kind + "_TRUNCATED", path + " ends inside its section table"};
      const uint32_t type = u32(base + at);
      uint64_t len;
      memcpy(&len, base + at + 4, 8);
      at += 12;
      if (len > size - at) throw InputError{kind + "_TRUNCATED", path + ": section " + std::to_string(type) + " runs past the end of the file (truncated?)"};
      if (type < 11) sections[type] = base + at, sizes[type] = len;
      at += len;
    }
  }
};

}  // namespace groth16
