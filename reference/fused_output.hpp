// The reference in one pass, for callers that need the epilogue's output and the magnitude in float32 but not the
// double conv values (reference_bench; verify's double y and scale come from epilogue_scale.hpp, the same engine):
// each output row leaves the phase-GEMM engine (phase_gemm.hpp) as the epilogue's result and the magnitude, both
// float32, while it is still in L1. No 2.2 GB double conv array, no separate epilogue pass, no zero fill, half the
// magnitude's bytes.
// Contract, bit for bit, with r = reference_transposed_conv(p, x, weight, bias) (tests/reference/fused_output_test.cpp):
//   y[i]         == epilogue_rounded(r.conv[i], p.add_value, p.multiply_value, p.dtype)
//   magnitude[i] == round_up_to_float(r.magnitude[i])
// so the conv's error bound and determinism carry over, and S ≤ magnitude ≤ S·(1 + magnitude_float_max_rel_excess(n))
// + magnitude_float_abs_excess(n) (error_bound.hpp). Inputs with NaN or ±inf take the two-pass route (the non-finite
// terms need the conv array; transposed_conv.cpp says why), with the same results.
#pragma once

#include <bit>
#include <cstdint>

#include "core/problem.hpp"
#include "core/tensor.hpp"
#include "reference/uninit_vector.hpp"

namespace gate {

struct FusedReference {
  UninitVector<float> y;          // multiply·gelu(min(conv + add, 0)) rounded once to p.dtype; y_shape(p), C order
  UninitVector<float> magnitude;  // Σ|x·w| + |bias|, rounded up to float32; same shape
};

FusedReference reference_fused_output(const Problem& p, const HostTensor& x, const HostTensor& weight,
                                      const HostTensor* bias);

// The smallest float32 ≥ v, for v ≥ 0, +inf or NaN (NaN stays NaN; above FLT_MAX gives +inf). Branch-free so that
// a row of them vectorises: round to nearest, then one step up where that fell below v.
inline float round_up_to_float(double v) {
  const float f = static_cast<float>(v);
  return std::bit_cast<float>(std::bit_cast<uint32_t>(f) + static_cast<uint32_t>(static_cast<double>(f) < v));
}

}  // namespace gate
