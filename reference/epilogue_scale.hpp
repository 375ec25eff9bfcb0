// The reference in one pass as verify's comparator wants it (verify/case_run.cpp): per output element the epilogue's
// exact output in double and the scale S' = |multiply|·(S + |add|), S the magnitude, both written per output row by
// the phase-GEMM engine (phase_gemm.hpp) while the row is in L1. No conv array, no second pass over 4.4 GB, no zero
// fill. Contract, bit for bit, with r = reference_transposed_conv(p, x, weight, bias)
// (tests/reference/epilogue_scale_test.cpp):
//   y[i]     == epilogue(r.conv[i], p.add_value, p.multiply_value)
//   scale[i] == |double(p.multiply_value)| · (r.magnitude[i] + |double(p.add_value)|)
// so the conv's error bound and the magnitude's (S ≤ magnitude, error_bound.hpp) carry over unchanged: nothing here
// is rounded to float. Inputs with NaN or ±inf take the two-pass route (the non-finite terms need the conv array;
// transposed_conv.cpp says why), with the same results. (fused_output.hpp is the float32 sibling, for y rounded to the
// dtype and S rounded up.)
#pragma once

#include "core/problem.hpp"
#include "core/tensor.hpp"
#include "reference/uninit_vector.hpp"

namespace gate {

struct EpilogueScaleReference {
  UninitVector<double> y;      // multiply·gelu(min(conv + add, 0)) in double, not rounded; y_shape(p), C order
  UninitVector<double> scale;  // |multiply|·(Σ|x·w| + |bias| + |add|), the magnitude as reference_transposed_conv's
};

EpilogueScaleReference reference_epilogue_and_scale(const Problem& p, const HostTensor& x, const HostTensor& weight,
                                                    const HostTensor* bias);

// The scale of one element from its magnitude, the one expression both routes use (keep them identical).
inline double epilogue_scale(double magnitude, double add_abs, double multiply_abs) {
  return multiply_abs * (magnitude + add_abs);
}

}  // namespace gate
