// The fused GELU epilogue over spans, vectorized with Highway (dynamic dispatch): out = multiply · gelu(min(in + add, 0)),
// GELU in the exact erf form (erfc form for negative arguments: no cancellation in the tail). Vector-free header; the
// dispatched implementation is simd/gelu_epilogue.cc. Special values as DESIGN.md: NaN propagates, min(+inf,0)=0,
// gelu(-inf)=NaN, gelu(-0.0)=-0.0. Results are bitwise identical on every target and the scalar path.
#pragma once

#include <cstddef>

#include "core/problem.hpp"

namespace gate::simd {

// Float path (the CPU candidate's epilogue): computed in float, then rounded to out_dtype (float16/bfloat16 results are
// stored as floats holding the rounded value). in and out may alias.
void gelu_epilogue_float(const float* in, std::size_t count, float add_value, float multiply_value, DType out_dtype,
                         float* out);

// Double path (the reference's epilogue): result in double, before any rounding to the output dtype.
void gelu_epilogue_double(const double* in, std::size_t count, float add_value, float multiply_value, double* out);

}  // namespace gate::simd
