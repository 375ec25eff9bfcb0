// The `cpu` backend (cpu_backend.hpp): per (image, group), col = Wᵀ·X in float through Eigen's GEMM, scattered into
// the output (col2im), then bias, storage rounding and the simd/ epilogue.
#include "verify/cpu_backend.hpp"

#include <Eigen/Core>

#include "core/dtype.hpp"
#include "simd/gelu_epilogue.hpp"
#include "verify/tf32.hpp"

namespace gate::verify {

HostTensor run_cpu_backend(const Problem& p, const HostTensor& x, const HostTensor& weight, const HostTensor* bias) {
  using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  HostTensor y = make_tensor(y_shape(p), p.dtype, "y");
  const int64_t Hout = out_h(p), Wout = out_w(p), HW = p.H * p.W, HWout = Hout * Wout;
  const int64_t Cin_g = p.Cin / p.groups, Cout_g = p.Cout / p.groups, K = Cout_g * p.kH * p.kW;

  // TF32 contract: operands rounded once, up front, as cuDNN converts them.
  std::vector<float> x_tf32, w_tf32;
  const float* xs = x.values.data();
  const float* ws = weight.values.data();
  if (p.precision == Precision::kTf32) {
    x_tf32.resize(x.values.size());
    w_tf32.resize(weight.values.size());
    for (size_t i = 0; i < x_tf32.size(); ++i) x_tf32[i] = tf32_round_nearest(x.values[i]);
    for (size_t i = 0; i < w_tf32.size(); ++i) w_tf32[i] = tf32_round_nearest(weight.values[i]);
    xs = x_tf32.data();
    ws = w_tf32.data();
  }

  const int64_t items = p.N * p.groups;
#pragma omp parallel
  {
    RowMajor col(K, HW);
#pragma omp for schedule(dynamic, 1)
    for (int64_t item = 0; item < items; ++item) {
      const int64_t n = item / p.groups, g = item % p.groups;
      Eigen::Map<const RowMajor> X(xs + (n * p.Cin + g * Cin_g) * HW, Cin_g, HW);
      Eigen::Map<const RowMajor> Wg(ws + g * Cin_g * K, Cin_g, K);
      col.noalias() = Wg.transpose() * X;
      float* out = y.values.data() + (n * p.Cout + g * Cout_g) * HWout;
      for (int64_t co = 0; co < Cout_g; ++co) {
        float* plane = out + co * HWout;
        for (int64_t kh = 0; kh < p.kH; ++kh) {
          for (int64_t kw = 0; kw < p.kW; ++kw) {
            const float* c = col.data() + ((co * p.kH + kh) * p.kW + kw) * HW;
            for (int64_t ih = 0; ih < p.H; ++ih) {
              const int64_t oh = ih * p.stride.h - p.padding.h + kh * p.dilation.h;
              if (oh < 0 || oh >= Hout) continue;
              for (int64_t iw = 0; iw < p.W; ++iw) {
                const int64_t ow = iw * p.stride.w - p.padding.w + kw * p.dilation.w;
                if (ow < 0 || ow >= Wout) continue;
                plane[oh * Wout + ow] += c[ih * p.W + iw];
              }
            }
          }
        }
        const float b = bias ? bias->values[static_cast<size_t>(g * Cout_g + co)] : 0.0f;
        for (int64_t i = 0; i < HWout; ++i) {
          // The conv output as the storage dtype holds it (identity for float32).
          plane[i] = round_to_dtype(plane[i] + b, p.dtype);
        }
        simd::gelu_epilogue_float(plane, static_cast<size_t>(HWout), p.add_value, p.multiply_value, p.dtype, plane);
      }
    }
  }
  return y;
}

}  // namespace gate::verify
