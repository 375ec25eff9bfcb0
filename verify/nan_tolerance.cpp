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

}  // namespace gate::verify
