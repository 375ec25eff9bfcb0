// .npy read and write (NumPy format 1.0/2.0/3.0, little-endian, C order). Accepted descrs: '<f4' (float32), '<f2' (float16),
// '<u2' (bfloat16 as raw bit patterns, DESIGN.md). Every malformed file is an NpyError naming the file and what is wrong.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "core/tensor.hpp"

namespace gate {

struct NpyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads a .npy file. expected_dtype picks how '<u2' is read (bfloat16) and the file's descr must agree with it:
// float32 ↔ '<f4', float16 ↔ '<f2', bfloat16 ↔ '<u2'. Refuses (before allocating) a file whose header claims more
// than max_bytes of data, and a file whose size disagrees with its header.
HostTensor read_npy(const std::string& path, DType expected_dtype, uint64_t max_bytes = kDefaultMaxMemoryBytes);

// Writes atomically: to "<path>.tmp.<pid>", then rename, so a reader never sees a partial file.
void write_npy(const std::string& path, const HostTensor& tensor);

}  // namespace gate
