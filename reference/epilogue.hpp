// The reference epilogue on a double convolution value: v + add → min(·, 0) → GELU (exact erf form) → × multiply,
// evaluated in double with GELU in the erfc form for negative arguments (no cancellation of 1 + erf(x/√2) for x ≪ 0),
// then one rounding to the output dtype. Special values as DESIGN.md lists them (PyTorch 2.11, CUDA):
// min(NaN, 0) = NaN; min(+inf, 0) = 0; gelu(-inf) = NaN; gelu(NaN) = NaN; gelu(-0.0) = -0.0; min(-0.0, +0.0) = -0.0.
#pragma once

#include "core/problem.hpp"

namespace gate {

// min(v, 0) with PyTorch's semantics: NaN propagates, -0.0 stays -0.0, +0.0 and positives give +0.0.
double clamp_nonpositive(double v);
// GELU(v) = 0.5 · v · erfc(-v / √2), accurate for every v <= 0 (and correct for v > 0); gelu(-inf) = NaN.
double gelu_erf(double v);
// The whole epilogue in double: multiply · gelu(min(conv + add, 0)). add and multiply are the case's float32 scalars.
double epilogue(double conv, float add_value, float multiply_value);
// The epilogue then one rounding to dtype.
float epilogue_rounded(double conv, float add_value, float multiply_value, DType dtype);

}  // namespace gate
