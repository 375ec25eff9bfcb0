// The configurable float model of the operation (model_candidate.hpp). Every output element gathers its products in
// the canonical order (ci, kh, kw), sums them in the configured order, then runs the float epilogue.
#include "verify/model_candidate.hpp"

#include <cmath>
#include <vector>

#include "core/dtype.hpp"
#include "verify/tf32.hpp"

namespace gate::verify {
namespace {

struct Term {
  float x, w;
};

float round_operand(float v, OperandRounding r) {
  switch (r) {
    case OperandRounding::kNone: return v;
    case OperandRounding::kTf32Nearest: return tf32_round_nearest(v);
    case OperandRounding::kTf32Truncate: return tf32_truncate(v);
  }
  return v;
}

// acc + t in float, then rounded to the accumulator type (identity for float32).
float accumulate(float acc, float t, DType accumulator) { return round_to_dtype(acc + t, accumulator); }

float sum_range(const std::vector<Term>& terms, size_t lo, size_t hi, DType accumulator) {
  float acc = 0.0f;
  for (size_t i = lo; i < hi; ++i) acc = accumulate(acc, terms[i].x * terms[i].w, accumulator);
  return acc;
}

float sum_pairwise(const std::vector<Term>& terms, size_t lo, size_t hi, DType accumulator) {
  if (hi - lo <= 2) return sum_range(terms, lo, hi, accumulator);
  const size_t mid = lo + (hi - lo) / 2;
  return accumulate(sum_pairwise(terms, lo, mid, accumulator), sum_pairwise(terms, mid, hi, accumulator), accumulator);
}

float sum_terms(const std::vector<Term>& terms, SumOrder order, DType accumulator) {
  switch (order) {
    case SumOrder::kForward: return sum_range(terms, 0, terms.size(), accumulator);
    case SumOrder::kReverse: {
      float acc = 0.0f;
      for (size_t i = terms.size(); i-- > 0;) acc = accumulate(acc, terms[i].x * terms[i].w, accumulator);
      return acc;
    }
    case SumOrder::kPairwise: return terms.empty() ? 0.0f : sum_pairwise(terms, 0, terms.size(), accumulator);
    case SumOrder::kBlocked8: {
      float acc = 0.0f;
      for (size_t lo = 0; lo < terms.size(); lo += 8) {
        acc = accumulate(acc, sum_range(terms, lo, std::min(terms.size(), lo + 8), accumulator), accumulator);
      }
      return acc;
    }
    case SumOrder::kFmaForward: {
      float acc = 0.0f;
      for (const Term& t : terms) acc = round_to_dtype(std::fma(t.x, t.w, acc), accumulator);
      return acc;
    }
  }
  return 0.0f;
}

float gelu(float z, GeluForm form) {
  constexpr float kSqrtHalf = 0.70710678118654752f;
  switch (form) {
    case GeluForm::kErff: return 0.5f * z * (1.0f + std::erf(z * kSqrtHalf));
    case GeluForm::kTorchCpuVector: return 0.5f * z * (1.0f + torch_cpu_erf(z * kSqrtHalf));
    case GeluForm::kTanh: {
      constexpr float kBeta = 0.7978845608028654f;  // √(2/π)
      const float inner = kBeta * (z + 0.044715f * z * z * z);
      return 0.5f * z * (1.0f + std::tanh(inner));
    }
    case GeluForm::kErfOffBy1e4: {
      const float e = std::fmin(std::erf(z * kSqrtHalf) + 1e-4f, 1.0f);
      return 0.5f * z * (1.0f + e);
    }
  }
  return z;
}

float clamp(float v, ClampForm form) {
  if (form == ClampForm::kFmin) return std::fmin(v, 0.0f);
  if (std::isnan(v)) return v;
  return v > 0.0f ? 0.0f : v;
}

}  // namespace

float torch_cpu_erf(float x) {
  constexpr float p = 0.3275911f, p1 = 0.254829592f, p2 = -0.284496736f, p3 = 1.421413741f, p4 = -1.453152027f,
                  p5 = 1.061405429f;
  const float a = std::fabs(x);
  const float t = 1.0f / std::fma(p, a, 1.0f);
  const float r = std::fma(std::fma(std::fma(std::fma(p5, t, p4), t, p3), t, p2), t, p1);
  const float e = std::exp(-(x * x));
  const float y = std::fma(t * -e, r, 1.0f);
  return std::copysign(y, x);
}

HostTensor run_model(const Problem& p, const HostTensor& x, const HostTensor& weight, const HostTensor* bias,
                     const ModelConfig& cfg) {
  HostTensor y = make_tensor(y_shape(p), p.dtype, "y");
  const int64_t Hout = out_h(p), Wout = out_w(p);
  const int64_t Cin_g = p.Cin / p.groups, Cout_g = p.Cout / p.groups;
  const int64_t rows = p.N * p.Cout * Hout;
#pragma omp parallel for schedule(dynamic, 4)
  for (int64_t row = 0; row < rows; ++row) {
    const int64_t oh = row % Hout, co = (row / Hout) % p.Cout, n = row / (Hout * p.Cout);
    const int64_t g = co / Cout_g, co_g = co % Cout_g;
    std::vector<Term> terms;
    for (int64_t ow = 0; ow < Wout; ++ow) {
      terms.clear();
      for (int64_t ci = g * Cin_g; ci < (g + 1) * Cin_g; ++ci) {
        for (int64_t kh = 0; kh < p.kH; ++kh) {
          const int64_t th = oh + p.padding.h - kh * p.dilation.h;
          const int64_t ih = th / p.stride.h;
          const bool miss_h = th < 0 || th % p.stride.h != 0 || ih >= p.H;
          if (miss_h && !cfg.zero_fill_taps) continue;
          if (!miss_h && cfg.drop_last_input_row && ih == p.H - 1) continue;
          for (int64_t kw = 0; kw < p.kW; ++kw) {
            const int64_t tw = ow + p.padding.w - kw * p.dilation.w;
            const int64_t iw = tw / p.stride.w;
            const bool miss = miss_h || tw < 0 || tw % p.stride.w != 0 || iw >= p.W;
            if (miss && !cfg.zero_fill_taps) continue;
            const int64_t wkh = cfg.flip_kernel ? p.kH - 1 - kh : kh, wkw = cfg.flip_kernel ? p.kW - 1 - kw : kw;
            const float xv = miss ? 0.0f : x.values[static_cast<size_t>(((n * p.Cin + ci) * p.H + ih) * p.W + iw)];
            const float wv = weight.values[static_cast<size_t>(((ci * Cout_g + co_g) * p.kH + wkh) * p.kW + wkw)];
            terms.push_back({round_operand(xv, cfg.operands), round_operand(wv, cfg.operands)});
          }
        }
      }
      float v = sum_terms(terms, cfg.order, cfg.accumulator);
      const bool with_bias = bias != nullptr && !cfg.drop_bias;
      const float b = with_bias ? bias->values[static_cast<size_t>(co)] : 0.0f;
      if (cfg.staged_dtype && cfg.bias_after_rounding) {
        v = round_to_dtype(round_to_dtype(v, p.dtype) + b, p.dtype);
      } else {
        v = accumulate(v, b, cfg.accumulator);
        if (cfg.staged_dtype) v = round_to_dtype(v, p.dtype);
      }
      v = v + p.add_value;
      if (cfg.staged_dtype) v = round_to_dtype(v, p.dtype);
      float g_value = gelu(clamp(v, cfg.clamp), cfg.gelu);
      if (cfg.staged_dtype) g_value = round_to_dtype(g_value, p.dtype);
      y.values[static_cast<size_t>(row * Wout + ow)] = round_to_dtype(g_value * p.multiply_value, p.dtype);
    }
  }
  if (cfg.bump_largest && y.size() > 0) {
    size_t worst = 0;
    for (size_t i = 1; i < y.values.size(); ++i) {
      if (std::fabs(y.values[i]) > std::fabs(y.values[worst])) worst = i;
    }
    y.values[worst] = round_to_dtype(y.values[worst] * 1.001f, p.dtype);
  }
  return y;
}

}  // namespace gate::verify
