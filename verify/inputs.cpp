// Input generation per distribution (inputs.hpp). What each distribution is for is in verify/README.md; the comments
// here say how it gets there.
#include "verify/inputs.hpp"

#include <cmath>
#include <functional>
#include <limits>

#include "core/dtype.hpp"
#include "verify/terms.hpp"
#include "verify/ulp.hpp"

namespace gate::verify {
namespace {

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// One chunk's generator.
struct Rng {
  uint64_t state;
  uint64_t next() { return splitmix64(state); }
  // Exactly representable float in [0, 1) with 24 random bits (torch.rand's resolution).
  float uniform() { return static_cast<float>(next() >> 40) * 0x1p-24f; }
  double uniform_double() { return static_cast<double>(next() >> 11) * 0x1p-53; }
  int64_t integer(int64_t lo, int64_t hi) {  // inclusive
    return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1));
  }
  double normal() {  // Box–Muller
    const double u1 = (static_cast<double>(next() >> 11) + 1.0) * 0x1p-53;  // (0, 1]
    const double u2 = uniform_double();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // A float in [1, 2) with all 23 stored mantissa bits random.
  float full_mantissa() { return 1.0f + static_cast<float>(next() >> 41) * 0x1p-23f; }
};

enum TensorTag : uint64_t { kX = 1, kWeight = 2, kBias = 3 };

// Fills t chunk by chunk; value(rng, i) makes element i (as a double or float) and the result is rounded to t.dtype.
void fill(HostTensor& t, uint64_t seed, TensorTag tag, const std::function<double(Rng&, int64_t)>& value) {
  const int64_t n = t.size();
  const int64_t chunks = (n + kFillChunk - 1) / kFillChunk;
#pragma omp parallel for schedule(static)
  for (int64_t chunk = 0; chunk < chunks; ++chunk) {
    uint64_t s = seed ^ (tag * 0xD1B54A32D192ED03ull);
    s = splitmix64(s) ^ static_cast<uint64_t>(chunk);
    Rng rng{splitmix64(s)};
    const int64_t end = std::min(n, (chunk + 1) * kFillChunk);
    for (int64_t i = chunk * kFillChunk; i < end; ++i) {
      const double v = value(rng, i);
      // Specials (NaN, ±inf, −0.0) survive both roundings; float16 rounds a double once (no double rounding).
      t.values[static_cast<size_t>(i)] = round_double_to_dtype(v, t.dtype);
    }
  }
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

uint64_t effective_seed(uint64_t case_seed, uint64_t run_seed) {
  if (run_seed == 0) return case_seed;
  uint64_t s = case_seed ^ (run_seed * 0x9E3779B97F4A7C15ull);
  return splitmix64(s);
}

CaseInputs make_inputs(const Case& c, uint64_t run_seed) {
  const Problem& p = c.problem;
  const uint64_t seed = effective_seed(c.inputs.seed, run_seed);
  CaseInputs in;
  in.x = make_tensor(x_shape(p), p.dtype, "x");
  in.weight = make_tensor(weight_shape(p), p.dtype, "weight");
  if (p.has_bias) in.bias = make_tensor(bias_shape(p), p.dtype, "bias");
  const double n_eff = static_cast<double>(max_terms_per_output(p));
  const double spread = c.inputs.spread;
  auto fill_bias = [&](const std::function<double(Rng&, int64_t)>& f) {
    if (in.bias) fill(*in.bias, seed, kBias, f);
  };

  switch (c.inputs.distribution) {
    case Distribution::kKernelBench: {
      // x ~ U[0,1) (torch.rand); weight and bias ~ U(−b, b), b = 1/sqrt(fan_in), fan_in = weight.size(1)·kH·kW =
      // (Cout/groups)·kH·kW: PyTorch's _ConvNd.reset_parameters (kaiming_uniform_ with a = √5) for ConvTranspose.
      const float b = static_cast<float>(1.0 / std::sqrt(static_cast<double>((p.Cout / p.groups) * p.kH * p.kW)));
      fill(in.x, seed, kX, [](Rng& r, int64_t) { return r.uniform(); });
      auto init = [b](Rng& r, int64_t) { return static_cast<double>(-b + 2.0f * b * r.uniform()); };
      fill(in.weight, seed, kWeight, init);
      fill_bias(init);
      break;
    }
    case Distribution::kNormal:
    case Distribution::kTail:
    case Distribution::kSpecials: {
      // conv ≈ N(0, spread²): the case's add_value places it (normal: across the whole of GELU's range; tail: below
      // −6, where float32 GELU underflows).
      const double w_std = spread / std::sqrt(n_eff);
      fill(in.x, seed, kX, [](Rng& r, int64_t) { return r.normal(); });
      fill(in.weight, seed, kWeight, [w_std](Rng& r, int64_t) { return w_std * r.normal(); });
      fill_bias([spread](Rng& r, int64_t) { return 0.25 * spread * r.normal(); });
      if (c.inputs.distribution == Distribution::kSpecials) {
        // About 1 element in 20 of x (1 in 50 of weight, 1 in 4 of bias) becomes NaN, ±inf, ±0 or a subnormal of the
        // dtype (a third of them non-finite); the rest stays normal. Drawn from a separate stream so the normal part is the same as above.
        const double tiny = min_subnormal(p.dtype);
        const double specials[] = {kNaN, kInf, -kInf, -0.0, 0.0, tiny, -tiny, 3 * tiny, -1e3 * tiny};
        auto sprinkle = [&](HostTensor& t, TensorTag tag, uint64_t one_in) {
          HostTensor mask = make_tensor(t.shape, DType::kFloat32, "mask");
          fill(mask, seed ^ 0x5ca1ab1eull, tag, [&](Rng& r, int64_t) {
            return r.integer(0, static_cast<int64_t>(one_in) - 1) == 0 ? 1.0 + static_cast<double>(r.integer(0, 8))
                                                                         : 0.0;
          });
          for (int64_t i = 0; i < t.size(); ++i) {
            const float m = mask.values[static_cast<size_t>(i)];
            if (m > 0) t.values[static_cast<size_t>(i)] = round_double_to_dtype(specials[static_cast<int>(m) - 1], t.dtype);
          }
        };
        sprinkle(in.x, kX, 20);
        sprinkle(in.weight, kWeight, 50);
        if (in.bias) sprinkle(*in.bias, kBias, 4);
        // Every kind at least once in x and in weight, at fixed spread-out positions, whatever the seed.
        for (HostTensor* t : {&in.x, &in.weight}) {
          constexpr int64_t kinds = sizeof specials / sizeof specials[0];
          for (int64_t k = 0; k < kinds && k < t->size(); ++k) {
            t->values[static_cast<size_t>(k * t->size() / kinds)] = round_double_to_dtype(specials[k], t->dtype);
          }
        }
      }
      break;
    }
    case Distribution::kExact: {
      // Small integers times powers of two: x ∈ {−4..4}/4, w ∈ {−4..4}/8, bias ∈ {−8..8}/32. Every product is a
      // multiple of 2^-5 of at most 1/2, so every partial sum of fewer than 2^18 terms is exact in float32 whatever the
      // order, and the operands have at most 3 significant bits (exact in tf32, float16 and bfloat16).
      fill(in.x, seed, kX, [](Rng& r, int64_t) { return static_cast<double>(r.integer(-4, 4)) / 4; });
      fill(in.weight, seed, kWeight, [](Rng& r, int64_t) { return static_cast<double>(r.integer(-4, 4)) / 8; });
      fill_bias([](Rng& r, int64_t) { return static_cast<double>(r.integer(-8, 8)) / 32; });
      break;
    }
    case Distribution::kClampBoundary: {
      // Weights ≡ 1, bias ≡ 0, so the pre-clamp value is Σx + add. With add = 0, x takes values at the clamp
      // boundary (±0, subnormals, the smallest normal, tiny normals) and sums of a few of them stay there. With add ≠ 0,
      // x = −add + k·ulp(add) for k ∈ {−2..2}: with one term per output (Cin = 1, kernel = stride) the pre-clamp value
      // is exactly 0 or ±1, ±2 units of add's last place (Sterbenz: the subtraction is exact).
      const double add = p.add_value;
      fill(in.weight, seed, kWeight, [](Rng&, int64_t) { return 1.0; });
      fill_bias([](Rng&, int64_t) { return 0.0; });
      if (add == 0.0) {
        const double tiny = min_subnormal(p.dtype);
        const double boundary[] = {0.0,     -0.0,      tiny,          -tiny,        7 * tiny,      -7 * tiny,
                                   0x1p-126, -0x1p-126, 0x1p-100,     -0x1p-100,    0x1p-24,       -0x1p-24,
                                   0x1p-10,  -0x1p-10,  std::ldexp(1.0, min_normal_exponent(p.dtype)),
                                   -std::ldexp(1.0, min_normal_exponent(p.dtype))};
        constexpr int64_t count = sizeof boundary / sizeof boundary[0];
        fill(in.x, seed, kX, [&](Rng& r, int64_t) { return boundary[r.integer(0, count - 1)]; });
      } else {
        const double unit = ulp_in_dtype(add, p.dtype);
        fill(in.x, seed, kX, [&](Rng& r, int64_t) { return -add + static_cast<double>(r.integer(-2, 2)) * unit; });
      }
      break;
    }
    case Distribution::kProbe: {
      // Full mantissas: x ∈ [1, 2), w ∈ −[1, 2)·2^-3/2^⌈log2 n⌉ (exact scaling), bias ∈ −[0, 2^-6): the pre-clamp value
      // sits in (−0.6, −0.1), where |gelu'| ≥ 0.1, so an operand rounded to TF32 (2^-11 relative) or a 16-bit
      // accumulator shows through GELU far above the fp32 bound of a 1-to-4-term sum.
      const double scale = std::ldexp(0.125, -static_cast<int>(std::ceil(std::log2(n_eff))));
      fill(in.x, seed, kX, [](Rng& r, int64_t) { return r.full_mantissa(); });
      fill(in.weight, seed, kWeight, [scale](Rng& r, int64_t) { return -scale * r.full_mantissa(); });
      fill_bias([](Rng& r, int64_t) { return -0x1p-6 * (r.full_mantissa() - 1.0); });
      break;
    }
    case Distribution::kLongSum: {
      // n same-sign products: x ∈ U[0.5, 1), w ∈ −U[0.5, 1)/16, so partial sums grow to −n·0.035; the bias cancels the
      // mean, leaving conv ≈ N(−0.25, n·1.6e-4). A float16 or bfloat16 accumulator stagnates or drifts by many units
      // of its last place of ~n·0.035, far beyond γ_n of float32; GELU's slope near 0 carries it to the output. Meant
      // for kernel = stride, padding 0 (every output receives all n products).
      constexpr double kMeanProduct = 0.75 * 0.75 / 16;
      fill(in.x, seed, kX, [](Rng& r, int64_t) { return 0.5 + 0.5 * r.uniform_double(); });
      fill(in.weight, seed, kWeight, [](Rng& r, int64_t) { return -(0.5 + 0.5 * r.uniform_double()) / 16; });
      fill_bias([n_eff](Rng& r, int64_t) { return n_eff * kMeanProduct - 0.25 + 0.01 * r.normal(); });
      break;
    }
  }
  return in;
}

}  // namespace gate::verify
