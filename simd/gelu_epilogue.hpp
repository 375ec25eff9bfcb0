// The fused GELU epilogue over spans, vectorized with Highway (dynamic dispatch): out = multiply · gelu(min(in + add, 0)),
// GELU in the exact erf form (erfc form for negative arguments: no cancellation in the tail). Vector-free header; the
// dispatched implementation is simd/gelu_epilogue.cc. Special values as DESIGN.md: NaN propagates, min(+inf,0)=0,
// gelu(-inf)=NaN, gelu(-0.0)=-0.0. Results are bitwise identical on every target and the scalar path.
#pragma once

#include <cstddef>

#include "core/problem.hpp"

namespace gate::simd {

// Accuracy claims for the float path with out_dtype float32, against MPFR's multiply·gelu(v) for v = min(fl32(in + add), 0)
// (the float32 addition is part of the operation, as in PyTorch): at most kGeluFloatMaxUlp ulp where that value is a
// normal float, else an absolute error at most kGeluFloatSubnormalMaxAbsErr (FLT_MIN). float16/bfloat16 outputs are
// that float rounded once more by gate::round_to_dtype. The double path: at most kGeluDoubleMaxUlp ulp of double from
// MPFR's multiply·gelu(min(in + add, 0)) (in + add rounded in double) where that is a normal double.
// The float path's derivation (≤ 1.38 ulp): simd/gelu_float-inl.h. Checked by tests/simd/gelu_epilogue_test.cpp (dense
// sweeps vs MPFR; all targets bitwise equal) and, for float32 with add -0.0 and multiply 1 and -3.7 over every negative
// float down to -37, by build/tests/simd/gate_simd_exhaustive_check 2 --gelu-only.
inline constexpr double kGeluFloatMaxUlp = 2.0;
inline constexpr double kGeluFloatSubnormalMaxAbsErr = 0x1p-126;
inline constexpr double kGeluDoubleMaxUlp = 2.0;

// Float path (the CPU candidate's epilogue): v = in + add in float32 (as PyTorch adds its float32 scalar), min(v, 0),
// then multiply·gelu(v) in float lanes with the products carried as pairs (double lanes for v ≤ -7.875, NaN, -inf and
// multiply 0, ±inf or below 2^-80), rounded once to float, then to out_dtype by gate::round_to_dtype's rule
// (float16/bfloat16 results are stored as floats holding the rounded value). in and out may alias.
void gelu_epilogue_float(const float* in, std::size_t count, float add_value, float multiply_value, DType out_dtype,
                         float* out);

// Double path (the reference's epilogue): result in double, before any rounding to the output dtype.
void gelu_epilogue_double(const double* in, std::size_t count, float add_value, float multiply_value, double* out);

}  // namespace gate::simd
