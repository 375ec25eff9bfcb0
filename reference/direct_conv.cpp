// The plain scatter-loop transposed convolution (direct_conv.hpp): PyTorch's definition written out, serial, in double.
// It shares nothing with the Eigen reference but the problem struct, which is what makes it a cross-check.
#include "reference/direct_conv.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace gate {

ConvReference direct_transposed_conv(const Problem& p, const HostTensor& x, const HostTensor& weight,
                                     const HostTensor* bias) {
  validate(p);
  if (x.shape != x_shape(p) || weight.shape != weight_shape(p) ||
      (p.has_bias && (bias == nullptr || bias->shape != bias_shape(p)))) {
    throw std::invalid_argument("direct_transposed_conv: tensor shapes do not match the problem " + describe(p));
  }
  const int64_t Hout = out_h(p), Wout = out_w(p);
  const int64_t Cin_g = p.Cin / p.groups, Cout_g = p.Cout / p.groups;
  const int64_t y_count = element_count(y_shape(p), "y");
  ConvReference out;
  out.conv.assign(static_cast<size_t>(y_count), 0.0);
  out.magnitude.assign(static_cast<size_t>(y_count), 0.0);

  for (int64_t n = 0; n < p.N; ++n)
    for (int64_t c = 0; c < p.Cout; ++c) {
      const double b = p.has_bias ? static_cast<double>(bias->values[c]) : 0.0;
      for (int64_t k = 0; k < Hout * Wout; ++k) {
        out.conv[(n * p.Cout + c) * Hout * Wout + k] = b;
        out.magnitude[(n * p.Cout + c) * Hout * Wout + k] = std::fabs(b);
      }
    }

  for (int64_t n = 0; n < p.N; ++n)
    for (int64_t g = 0; g < p.groups; ++g)
      for (int64_t ci = 0; ci < Cin_g; ++ci)
        for (int64_t ih = 0; ih < p.H; ++ih)
          for (int64_t iw = 0; iw < p.W; ++iw) {
            const double xv = x.values[((n * p.Cin + g * Cin_g + ci) * p.H + ih) * p.W + iw];
            for (int64_t co = 0; co < Cout_g; ++co)
              for (int64_t kh = 0; kh < p.kH; ++kh) {
                const int64_t oh = ih * p.stride.h - p.padding.h + kh * p.dilation.h;
                if (oh < 0 || oh >= Hout) continue;
                for (int64_t kw = 0; kw < p.kW; ++kw) {
                  const int64_t ow = iw * p.stride.w - p.padding.w + kw * p.dilation.w;
                  if (ow < 0 || ow >= Wout) continue;
                  const double wv = weight.values[(((g * Cin_g + ci) * Cout_g + co) * p.kH + kh) * p.kW + kw];
                  const int64_t o = ((n * p.Cout + g * Cout_g + co) * Hout + oh) * Wout + ow;
                  out.conv[o] += xv * wv;  // exact product of two floats, one rounding in the sum
                  out.magnitude[o] += std::fabs(xv * wv);
                }
              }
          }
  return out;
}

}  // namespace gate
