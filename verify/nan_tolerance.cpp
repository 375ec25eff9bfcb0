// The implementation-defined NaN mask (nan_tolerance.hpp).
#include "verify/nan_tolerance.hpp"

#include <cmath>

namespace gate::verify {
namespace {

// True when tap k of an axis reads no input element for output o: (o + pad − k·dil) is negative, not a multiple of
// the stride, or past the input.
bool tap_misses_input(int64_t o, int64_t k, int64_t pad, int64_t dil, int64_t stride, int64_t in_size) {
  const int64_t t = o + pad - k * dil;
  return t < 0 || t % stride != 0 || t / stride >= in_size;
}

}  // namespace

std::vector<uint8_t> padding_nan_mask(const Problem& p, const HostTensor& weight) {
  struct Tap {
    int64_t co, kh, kw;
  };
  std::vector<Tap> taps;
  const int64_t Cin_g = p.Cin / p.groups, Cout_g = p.Cout / p.groups;
  for (int64_t i = 0; i < weight.size(); ++i) {
    if (std::isfinite(weight.values[static_cast<size_t>(i)])) continue;
    const int64_t kw = i % p.kW, kh = (i / p.kW) % p.kH, co_g = (i / (p.kW * p.kH)) % Cout_g;
    const int64_t ci = i / (p.kW * p.kH * Cout_g);
    taps.push_back({(ci / Cin_g) * Cout_g + co_g, kh, kw});
  }
  if (taps.empty()) return {};
  const int64_t Hout = out_h(p), Wout = out_w(p);
  std::vector<uint8_t> mask(static_cast<size_t>(p.N * p.Cout * Hout * Wout), 0);
  for (const Tap& t : taps) {
    for (int64_t oh = 0; oh < Hout; ++oh) {
      const bool miss_h = tap_misses_input(oh, t.kh, p.padding.h, p.dilation.h, p.stride.h, p.H);
      for (int64_t ow = 0; ow < Wout; ++ow) {
        if (!miss_h && !tap_misses_input(ow, t.kw, p.padding.w, p.dilation.w, p.stride.w, p.W)) continue;
        for (int64_t n = 0; n < p.N; ++n) mask[static_cast<size_t>(((n * p.Cout + t.co) * Hout + oh) * Wout + ow)] = 1;
      }
    }
  }
  return mask;
}

std::vector<uint8_t> tf32_flush_nan_mask(const Problem& p, const HostTensor& x, const HostTensor& weight) {
  auto nonfinite = [](float v) { return !std::isfinite(v); };
  auto tiny = [](float v) { return v != 0.0f && std::fabs(v) < kTf32ZeroThreshold; };
  bool any = false;
  for (float v : x.values) any = any || nonfinite(v);
  for (float v : weight.values) any = any || nonfinite(v);
  if (!any) return {};
  const int64_t Hout = out_h(p), Wout = out_w(p), Cin_g = p.Cin / p.groups, Cout_g = p.Cout / p.groups;
  std::vector<uint8_t> mask(static_cast<size_t>(p.N * p.Cout * Hout * Wout), 0);
  for (int64_t n = 0; n < p.N; ++n)
    for (int64_t cin = 0; cin < p.Cin; ++cin)
      for (int64_t ih = 0; ih < p.H; ++ih)
        for (int64_t iw = 0; iw < p.W; ++iw) {
          const float xv = x.values[static_cast<size_t>(((n * p.Cin + cin) * p.H + ih) * p.W + iw)];
          if (!nonfinite(xv) && !tiny(xv)) continue;
          for (int64_t co = 0; co < Cout_g; ++co)
            for (int64_t kh = 0; kh < p.kH; ++kh)
              for (int64_t kw = 0; kw < p.kW; ++kw) {
                const float wv = weight.values[static_cast<size_t>(((cin * Cout_g + co) * p.kH + kh) * p.kW + kw)];
                if (!(nonfinite(xv) && tiny(wv)) && !(tiny(xv) && nonfinite(wv))) continue;
                const int64_t oh = ih * p.stride.h - p.padding.h + kh * p.dilation.h;
                const int64_t ow = iw * p.stride.w - p.padding.w + kw * p.dilation.w;
                if (oh < 0 || oh >= Hout || ow < 0 || ow >= Wout) continue;
                mask[static_cast<size_t>(((n * p.Cout + (cin / Cin_g) * Cout_g + co) * Hout + oh) * Wout + ow)] = 1;
              }
        }
  return mask;
}

}  // namespace gate::verify
