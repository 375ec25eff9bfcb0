// Test inputs for tests/reference/: values are a hash of (seed, index), so they never depend on the thread count or the
// order of filling (benchdnn's fill_data does the same with fixed chunks), and a random small problem generator.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

#include "core/problem.hpp"
#include "core/tensor.hpp"

namespace gate::test {

inline uint64_t hash_index(uint64_t seed, uint64_t i) {
  uint64_t z = seed * 0x9E3779B97F4A7C15ull + i + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Uniform float in [lo, hi) (24 random bits).
inline void fill_uniform(HostTensor& t, uint64_t seed, float lo, float hi) {
  for (int64_t i = 0; i < t.size(); ++i) {
    const float u01 = static_cast<float>(hash_index(seed, static_cast<uint64_t>(i)) >> 40) * 0x1p-24f;
    t.values[i] = lo + (hi - lo) * u01;
  }
}

// Integers in [lo, hi]: with them every sum of the exact tier is exact in double (and in float32).
inline void fill_integers(HostTensor& t, uint64_t seed, int lo, int hi) {
  for (int64_t i = 0; i < t.size(); ++i) {
    t.values[i] = static_cast<float>(lo + static_cast<int>(hash_index(seed, static_cast<uint64_t>(i)) %
                                                           static_cast<uint64_t>(hi - lo + 1)));
  }
}

// Values of mixed sign and widely spread exponents (2^-20 .. 2^4): sums with heavy cancellation, the case that
// stresses the accumulation bound.
inline void fill_spread(HostTensor& t, uint64_t seed) {
  for (int64_t i = 0; i < t.size(); ++i) {
    const uint64_t h = hash_index(seed, static_cast<uint64_t>(i));
    const float mant = 1.0f + static_cast<float>(h >> 41) * 0x1p-23f;
    const int e = static_cast<int>((h >> 8) % 25) - 20;
    t.values[i] = ((h & 1) ? -1.0f : 1.0f) * std::ldexp(mant, e);
  }
}

// A random valid small problem covering every parameter: stride, padding, output_padding, dilation, groups,
// non-square kernels, bias on or off.
inline Problem random_problem(std::mt19937_64& rng) {
  auto pick = [&rng](int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1)); };
  for (;;) {
    Problem p;
    p.name = "random";
    p.N = pick(1, 2);
    p.groups = pick(1, 3);
    p.Cin = p.groups * pick(1, 3);
    p.Cout = p.groups * pick(1, 3);
    p.H = pick(1, 7);
    p.W = pick(1, 7);
    p.kH = pick(1, 4);
    p.kW = pick(1, 4);
    p.stride = {pick(1, 3), pick(1, 3)};
    p.dilation = {pick(1, 3), pick(1, 3)};
    p.padding = {pick(0, p.dilation.h * (p.kH - 1)), pick(0, p.dilation.w * (p.kW - 1))};
    p.output_padding = {pick(0, std::max(p.stride.h, p.dilation.h) - 1), pick(0, std::max(p.stride.w, p.dilation.w) - 1)};
    p.has_bias = pick(0, 1) == 1;
    if (out_h(p) <= 0 || out_w(p) <= 0) continue;
    validate(p);
    return p;
  }
}

struct Inputs {
  HostTensor x, weight, bias;
  const HostTensor* bias_ptr(const Problem& p) const { return p.has_bias ? &bias : nullptr; }
};

inline Inputs make_inputs(const Problem& p) {
  return {make_tensor(x_shape(p), DType::kFloat32, "x"), make_tensor(weight_shape(p), DType::kFloat32, "weight"),
          make_tensor(bias_shape(p), DType::kFloat32, "bias")};
}

// The inputs of random trial number `trial`: hash-spread values (fill_spread) on odd trials, uniform in [−1, 1) on
// even ones, each tensor with its own seed.
inline void fill_trial(Inputs& in, int trial) {
  if (trial % 2) {
    fill_spread(in.x, 100 + trial);
    fill_spread(in.weight, 200 + trial);
    fill_spread(in.bias, 300 + trial);
  } else {
    fill_uniform(in.x, 100 + trial, -1.0f, 1.0f);
    fill_uniform(in.weight, 200 + trial, -1.0f, 1.0f);
    fill_uniform(in.bias, 300 + trial, -1.0f, 1.0f);
  }
}

}  // namespace gate::test
