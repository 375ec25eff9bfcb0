// The row sink that both one-pass entry points (fused_output.cpp, epilogue_scale.cpp) hand to the phase-GEMM engine
// (phase_gemm.hpp): each output row, while it is in L1, becomes two output arrays y = epi(conv) and m = mag_of(S),
// computed in chunks of kRowChunk on the stack and written with streaming stores (stream_store.hpp). Elements with
// conv + add > 0 — almost all of the seed workload — take positive_out, the caller's epilogue of such a value computed
// once with the same function (min(·, 0) makes them all +0.0 before GELU); every other element, NaN included (it fails
// the comparison), calls epi. The caller has checked that x and the weights are finite (the engine's precondition).
#pragma once

#include <algorithm>
#include <cstdint>

#include "core/problem.hpp"
#include "core/tensor.hpp"
#include "reference/phase_gemm.hpp"
#include "reference/stream_store.hpp"

namespace gate::detail {

inline constexpr int64_t kRowChunk = 256;

template <class Y, class M, class Epi, class MagOf>
void run_rows_to_outputs(const Problem& p, const HostTensor& x, const HostTensor& weight, const HostTensor* bias, Y* y,
                         M* mag, Y positive_out, Epi epi, MagOf mag_of) {
  const int64_t Hout = out_h(p), Wout = out_w(p);
  const double add = static_cast<double>(p.add_value);
  run_phase_gemms(p, x.values.data(), weight.values.data(), p.has_bias ? bias->values.data() : nullptr,
                  [&](int64_t n, int64_t c, int64_t oh, const double* conv_row, const double* mag_row) {
                    const int64_t row_base = ((n * p.Cout + c) * Hout + oh) * Wout;
                    alignas(64) Y y_buf[kRowChunk];
                    alignas(64) M mag_buf[kRowChunk];
                    for (int64_t j0 = 0; j0 < Wout; j0 += kRowChunk) {
                      const int64_t len = std::min(kRowChunk, Wout - j0);
                      const double* cv = conv_row + j0;
                      int positive = 0;
                      for (int64_t j = 0; j < len; ++j) positive += cv[j] + add > 0.0;
                      if (positive == len) {
                        std::fill(y_buf, y_buf + len, positive_out);
                      } else {
                        for (int64_t j = 0; j < len; ++j) y_buf[j] = cv[j] + add > 0.0 ? positive_out : epi(cv[j]);
                      }
                      for (int64_t j = 0; j < len; ++j) mag_buf[j] = mag_of(mag_row[j0 + j]);
                      stream_copy(y + row_base + j0, y_buf, len);
                      stream_copy(mag + row_base + j0, mag_buf, len);
                    }
                  });
}

}  // namespace gate::detail
