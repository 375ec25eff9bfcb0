// The one-pass reference (fused_output.hpp): the phase-GEMM engine with a sink that applies the epilogue and rounds
// the magnitude up to float32 on each row, then streams both rows out.
#include "reference/fused_output.hpp"

#include <algorithm>
#include <span>

#include "reference/epilogue.hpp"
#include "reference/phase_gemm.hpp"
#include "reference/prefault.hpp"
#include "reference/stream_store.hpp"
#include "reference/transposed_conv.hpp"

namespace gate {
namespace {

// Output values a sink converts at once: two float buffers of this size stay in L1.
constexpr int64_t kChunk = 256;

}  // namespace

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

  const int64_t Hout = out_h(p), Wout = out_w(p);
  const double add = static_cast<double>(p.add_value);
  // conv + add > 0 (almost every element of the seed workload) gives one value, computed once by the same function
  // (epilogue_rounded's span form does the same); every other element (NaN included) takes the scalar path.
  const float positive_out = epilogue_rounded(1.0, 0.0f, p.multiply_value, p.dtype);
  float* y = out.y.data();
  float* mag = out.magnitude.data();
  detail::run_phase_gemms(
      p, x.values.data(), weight.values.data(), p.has_bias ? bias->values.data() : nullptr,
      [&](int64_t n, int64_t c, int64_t oh, const double* conv_row, const double* mag_row) {
        const int64_t row_base = ((n * p.Cout + c) * Hout + oh) * Wout;
        alignas(64) float y_buf[kChunk];
        alignas(64) float mag_buf[kChunk];
        for (int64_t j0 = 0; j0 < Wout; j0 += kChunk) {
          const int64_t len = std::min(kChunk, Wout - j0);
          const double* cv = conv_row + j0;
          int positive = 0;
          for (int64_t j = 0; j < len; ++j) positive += cv[j] + add > 0.0;
          if (positive == len) {
            std::fill(y_buf, y_buf + len, positive_out);
          } else {
            for (int64_t j = 0; j < len; ++j)
              y_buf[j] = cv[j] + add > 0.0 ? positive_out
                                           : epilogue_rounded(cv[j], p.add_value, p.multiply_value, p.dtype);
          }
          for (int64_t j = 0; j < len; ++j) mag_buf[j] = round_up_to_float(mag_row[j0 + j]);
          detail::stream_copy(y + row_base + j0, y_buf, len);
          detail::stream_copy(mag + row_base + j0, mag_buf, len);
        }
      });
  return out;
}

}  // namespace gate
