// The Eigen reference transposed convolution (transposed_conv.hpp): the phase-GEMM engine (phase_gemm.hpp) with a sink
// that streams conv and magnitude rows to the two double outputs, then the terms of non-finite operands.
#include "reference/transposed_conv.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "reference/phase_gemm.hpp"
#include "reference/stream_store.hpp"

namespace gate {
namespace {

void check_shape(const HostTensor& t, const std::vector<int64_t>& want, const char* what) {
  if (t.shape != want || t.size() != element_count(want, what)) {
    throw std::invalid_argument(std::string("reference_transposed_conv: ") + what + " has shape " +
                                shape_string(t.shape) + ", expected " + shape_string(want));
  }
}

// Non-finite operands. The GEMMs multiply every weight of a phase by every im2col entry, including the zeros that
// stand for input positions outside the image; 0·inf = NaN there would put a NaN where PyTorch's definition has no term
// at all. So the GEMMs get non-finite weights AND non-finite inputs as 0 (a zeroed weight must not meet an infinite
// input either), and this pass adds their real terms x·w (and |x·w|) afterwards: every term with a non-finite weight,
// then every term with a non-finite input and a finite weight (so none is added twice). Images in parallel (their
// outputs are disjoint), operands and taps in a fixed order, so it stays deterministic. Results there are ±inf or NaN,
// where the error bound does not apply.
void add_nonfinite_terms(const Problem& p, const HostTensor& x, const HostTensor& weight, ConvReference& out) {
  std::vector<int64_t> bad_w;  // indices into weight.values
  for (int64_t i = 0; i < weight.size(); ++i)
    if (!std::isfinite(weight.values[i])) bad_w.push_back(i);
  bool any_bad_x = false;
  for (float v : x.values) any_bad_x = any_bad_x || !std::isfinite(v);
  if (bad_w.empty() && !any_bad_x) return;
  const int64_t Hout = out_h(p), Wout = out_w(p), Cin_g = p.Cin / p.groups, Cout_g = p.Cout / p.groups;
  // Adds x[n, cin, ih, iw]·w[cin, co, kh, kw] to the output it reaches, if any.
  auto add_term = [&](int64_t n, int64_t cin, int64_t ih, int64_t iw, int64_t co, int64_t kh, int64_t kw) {
    const int64_t oh = ih * p.stride.h - p.padding.h + kh * p.dilation.h;
    const int64_t ow = iw * p.stride.w - p.padding.w + kw * p.dilation.w;
    if (oh < 0 || oh >= Hout || ow < 0 || ow >= Wout) return;
    const double prod = static_cast<double>(x.values[((n * p.Cin + cin) * p.H + ih) * p.W + iw]) *
                        static_cast<double>(weight.values[((cin * Cout_g + co) * p.kH + kh) * p.kW + kw]);
    const int64_t o = ((n * p.Cout + (cin / Cin_g) * Cout_g + co) * Hout + oh) * Wout + ow;
    out.conv[o] += prod;
    out.magnitude[o] += std::fabs(prod);
  };
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t n = 0; n < p.N; ++n) {
    for (int64_t idx : bad_w) {
      const int64_t kw = idx % p.kW, kh = (idx / p.kW) % p.kH, co = (idx / (p.kW * p.kH)) % Cout_g;
      const int64_t cin = idx / (p.kW * p.kH * Cout_g);
      for (int64_t ih = 0; ih < p.H; ++ih)
        for (int64_t iw = 0; iw < p.W; ++iw) add_term(n, cin, ih, iw, co, kh, kw);
    }
    if (!any_bad_x) continue;
    for (int64_t cin = 0; cin < p.Cin; ++cin)
      for (int64_t ih = 0; ih < p.H; ++ih)
        for (int64_t iw = 0; iw < p.W; ++iw) {
          if (std::isfinite(x.values[((n * p.Cin + cin) * p.H + ih) * p.W + iw])) continue;
          for (int64_t co = 0; co < Cout_g; ++co)
            for (int64_t kh = 0; kh < p.kH; ++kh)
              for (int64_t kw = 0; kw < p.kW; ++kw) {
                if (std::isfinite(weight.values[((cin * Cout_g + co) * p.kH + kh) * p.kW + kw])) {
                  add_term(n, cin, ih, iw, co, kh, kw);
                }
              }
        }
  }
}

}  // namespace

void detail::check_operands(const Problem& p, const HostTensor& x, const HostTensor& weight, const HostTensor* bias) {
  validate(p);
  check_shape(x, x_shape(p), "x");
  check_shape(weight, weight_shape(p), "weight");
  if (p.has_bias) {
    if (bias == nullptr) throw std::invalid_argument("reference_transposed_conv: problem has a bias, none given");
    check_shape(*bias, bias_shape(p), "bias");
  }
}

bool detail::has_nonfinite(const HostTensor& t) {
  for (float v : t.values)
    if (!std::isfinite(v)) return true;
  return false;
}

ConvReference reference_transposed_conv(const Problem& p, const HostTensor& x, const HostTensor& weight,
                                        const HostTensor* bias) {
  detail::check_operands(p, x, weight, bias);
  const int64_t Hout = out_h(p), Wout = out_w(p);
  const int64_t y_count = element_count(y_shape(p), "y");
  ConvReference out;
  // The two zero-fills run on two threads at once: on the seed workload they are 2 × 2.2 GB of fresh pages, whose
  // first touch is a good part of the cold run's time (bench/RESULTS.md). Transparent huge pages (MADV_HUGEPAGE) were
  // tried and measured: 0.2 s faster when the process reuses freed memory, 3 s slower on a cold start, so not used.
  // (std::vector<double> always value-initialises; fused_output.hpp's arrays skip the fill.)
#pragma omp parallel sections num_threads(std::min(2, omp_get_max_threads()))
  {
#pragma omp section
    out.conv.resize(static_cast<size_t>(y_count));
#pragma omp section
    out.magnitude.resize(static_cast<size_t>(y_count));
  }
  double* conv = out.conv.data();
  double* mag = out.magnitude.data();
  detail::run_phase_gemms(p, x.values.data(), weight.values.data(), p.has_bias ? bias->values.data() : nullptr,
                          [&](int64_t n, int64_t c, int64_t oh, const double* conv_row, const double* mag_row) {
                            const int64_t row_base = ((n * p.Cout + c) * Hout + oh) * Wout;
                            detail::stream_copy(conv + row_base, conv_row, Wout);
                            detail::stream_copy(mag + row_base, mag_row, Wout);
                          });
  add_nonfinite_terms(p, x, weight, out);
  return out;
}

}  // namespace gate
