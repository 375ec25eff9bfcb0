// The bit-careful reference transposed convolution: Eigen, products and sums in double, OpenMP-parallel and bitwise
// identical whatever the thread count. Returns, per output element, the convolution value (bias included, add_value not)
// and the magnitude sum S = Σ|x·w| + |bias| that the comparator's bounds scale with.
// Accuracy (error_bound.hpp): |conv − exact| ≤ reference_conv_error_bound(terms_per_output(p), magnitude), and
// S ≤ magnitude ≤ S·(1 + magnitude_max_rel_excess(n)) + magnitude_abs_excess(n), n = terms_per_output(p);
// tests/reference/transposed_conv_test.cpp checks both against exact MPFR sums.
// Method (phase_gemm.hpp): phase decomposition (phases.hpp); phases that read the same input positions share one im2col
// block and one GEMM with their weights stacked; one double GEMM per (image, group, row-phase group, block of phase
// rows, column-phase group), each output row written by exactly one of them; the list of GEMMs and their shapes
// depend only on p, never on the thread count. The magnitude is a float32 GEMM of |w| and |x| on the same blocks
// (error_bound.hpp says why that suffices).
// Non-finite weights: their terms are added after the GEMMs, so NaN and ±inf appear exactly where PyTorch's definition
// puts them (never from 0·inf with the zeros that stand for input outside the image).
// Memory: the two returned vectors, 16 bytes per output element (4.4 GB on the seed workload), plus per-thread blocks.
// Callers that need only the epilogue's output and S: fused_output.hpp (one pass, float32, 8 bytes per output element)
// and epilogue_scale.hpp (one pass, double, what verify compares against; no zero fill).
#pragma once

#include <vector>

#include "core/problem.hpp"
#include "core/tensor.hpp"
#include "reference/error_bound.hpp"

namespace gate {

struct ConvReference {
  std::vector<double> conv;       // Σ x·w + bias, y_shape(p), C order
  std::vector<double> magnitude;  // Σ |x·w| + |bias|, same shape
};

// x: x_shape(p); weight: weight_shape(p); bias: bias_shape(p) or nullptr when !p.has_bias.
ConvReference reference_transposed_conv(const Problem& p, const HostTensor& x, const HostTensor& weight,
                                        const HostTensor* bias);

}  // namespace gate
