// Rounding float spans to float16 / bfloat16 values (kept as floats), vectorized with Highway (dynamic dispatch): the
// span form of core's gate::round_to_dtype, bitwise equal to it on every non-NaN input (NaN stays NaN). The GELU
// epilogue applies the same vector code (simd/round_dtype-inl.h) to its results.
#pragma once

#include <cstddef>

#include "core/problem.hpp"

namespace gate::simd {

// out[i] = round_to_dtype(in[i], dtype); identity for float32. in and out may alias.
void round_to_dtype_float(const float* in, std::size_t count, DType dtype, float* out);

}  // namespace gate::simd
