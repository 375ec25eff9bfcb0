// The one-pass reference (fused_output.hpp): the phase-GEMM engine with a sink that applies the epilogue and rounds
// the magnitude up to float32 on each row, then streams both rows out.
#include "reference/fused_output.hpp"

#include <span>

#include "reference/epilogue.hpp"
#include "reference/phase_gemm.hpp"
#include "reference/prefault.hpp"
#include "reference/row_outputs.hpp"
#include "reference/transposed_conv.hpp"

namespace gate {

FusedReference reference_fused_output(const Problem& p, const HostTensor& x, const HostTensor& weight,
                                      const HostTensor* bias) {
  detail::check_operands(p, x, weight, bias);
  const size_t y_count = static_cast<size_t>(element_count(y_shape(p), "y"));
  FusedReference out;
  out.y.resize(y_count);  // uninitialised (uninit_vector.hpp): the rows below write every element
  out.magnitude.resize(y_count);
  detail::prefault(out.y.data(), y_count);
  detail::prefault(out.magnitude.data(), y_count);

  if (detail::has_nonfinite(x) || detail::has_nonfinite(weight)) {
    const ConvReference r = reference_transposed_conv(p, x, weight, bias);
    epilogue_rounded(r.conv, p.add_value, p.multiply_value, p.dtype, out.y);
    const int64_t n = static_cast<int64_t>(y_count);
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i) out.magnitude[i] = round_up_to_float(r.magnitude[i]);
    return out;
  }

  // conv + add > 0 gives one value, computed once by the same function (epilogue_rounded's span form does the same).
  const float positive_out = epilogue_rounded(1.0, 0.0f, p.multiply_value, p.dtype);
  detail::run_rows_to_outputs(
      p, x, weight, bias, out.y.data(), out.magnitude.data(), positive_out,
      [&](double conv) { return epilogue_rounded(conv, p.add_value, p.multiply_value, p.dtype); },
      [](double s) { return round_up_to_float(s); });
  return out;
}

}  // namespace gate
