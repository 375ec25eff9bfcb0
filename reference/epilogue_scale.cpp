// The one-pass reference for verify (epilogue_scale.hpp): the phase-GEMM engine with a sink that applies the double
// epilogue and the scale to each row, then streams both rows out.
#include "reference/epilogue_scale.hpp"

#include <cmath>

#include "reference/epilogue.hpp"
#include "reference/phase_gemm.hpp"
#include "reference/prefault.hpp"
#include "reference/row_outputs.hpp"
#include "reference/transposed_conv.hpp"

namespace gate {

EpilogueScaleReference reference_epilogue_and_scale(const Problem& p, const HostTensor& x, const HostTensor& weight,
                                                    const HostTensor* bias) {
  detail::check_operands(p, x, weight, bias);
  const size_t y_count = static_cast<size_t>(element_count(y_shape(p), "y"));
  const double add_abs = std::fabs(static_cast<double>(p.add_value));
  const double mul_abs = std::fabs(static_cast<double>(p.multiply_value));
  EpilogueScaleReference out;
  out.y.resize(y_count);  // uninitialised (uninit_vector.hpp): every element is written below
  out.scale.resize(y_count);
  detail::prefault(out.y.data(), y_count);
  detail::prefault(out.scale.data(), y_count);

  if (detail::has_nonfinite(x) || detail::has_nonfinite(weight)) {
    // Briefly four arrays instead of two: only small cases carry NaN or ±inf (data/cases).
    const ConvReference r = reference_transposed_conv(p, x, weight, bias);
    const int64_t n = static_cast<int64_t>(y_count);
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i) {
      out.y[i] = epilogue(r.conv[i], p.add_value, p.multiply_value);
      out.scale[i] = epilogue_scale(r.magnitude[i], add_abs, mul_abs);
    }
    return out;
  }

  // conv + add > 0 gives min(·, 0) = +0.0, gelu(+0.0) = +0.0, then +0.0 · multiply: one value, computed once by the
  // same function (0 · inf = NaN included).
  const double positive_out = epilogue(1.0, 0.0f, p.multiply_value);
  detail::run_rows_to_outputs(
      p, x, weight, bias, out.y.data(), out.scale.data(), positive_out,
      [&](double conv) { return epilogue(conv, p.add_value, p.multiply_value); },
      [&](double s) { return epilogue_scale(s, add_abs, mul_abs); });
  return out;
}

}  // namespace gate
