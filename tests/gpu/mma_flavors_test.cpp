// Tests of gpu/mma_flavors.cuh's Flavor3xTf32 through its kernel (fused_v2_mma_3xtf32, fp32 contract): the operands
// that the TF32 big + small split cannot carry (infinities, subnormals and values below kSplitMin = 2^-50, whose
// products fall below 2^-126) must give what IEEE float32 gives, judged by verify's comparator against the double
// reference; operands just inside kSplitMin stay on the tensor core and within the bound. The first two failed on the
// H100 before the fix, as `verify --all` did (specials: NaN for 0; clamp_boundary_tiny: 0 for -5.9e-39).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "gpu/fused.hpp"
#include "gpu/kernel_shape.hpp"
#include "tests/gpu/gpu_case.hpp"

namespace {

using gate::Problem;

constexpr const char* kVariant = "fused_v2_mma_3xtf32";
constexpr int64_t kPairsCin = gate::gpu::kBf16PairsMinTerms / 4;  // n = 4·Cin: the fewest for Flavor3xTf32Bf16Pairs

// Stride 2, kernel 4: the phase-GEMM path (2×2 taps per phase, K = Cin·4). Cin 8 (n = 32 products an output) runs
// Flavor3xTf32, Cin 32 (n = 128 = kBf16PairsMinTerms) Flavor3xTf32Bf16Pairs: both take the same k-steps to fp32 fma.
Problem small_problem(const char* name, int64_t cin) {
  Problem p;
  p.name = name;
  p.N = 2, p.Cin = cin, p.Cout = 8, p.H = 6, p.W = 6, p.kH = 4, p.kW = 4;
  p.stride = {2, 2};
  p.multiply_value = 1.0f;
  return p;
}

float tf32_truncated(float v) {  // low 13 mantissa bits cleared: the split's small part of this value is 0
  uint32_t u;
  std::memcpy(&u, &v, 4);
  u &= 0xFFFFE000u;
  std::memcpy(&v, &u, 4);
  return v;
}

bool is_subnormal(double v) { return v != 0 && std::fabs(v) < double(std::numeric_limits<float>::min()); }

void check_3xtf32(const Problem& p, const gate::gpu_test::Inputs& in, const gate::gpu_test::Expected& expected) {
  const auto variants = gate::gpu::kernel_variants(p);
  REQUIRE(std::find(variants.begin(), variants.end(), kVariant) != variants.end());
  const auto r = gate::gpu_test::run_and_compare(p, in, expected, kVariant);
  INFO(gate::describe(p) << "\n" << gate::gpu_test::summary(kVariant, r));
  CHECK(r.passed());
  CHECK(r.nonfinite_mismatches == 0);
}

}  // namespace

TEST_CASE("gpu 3xTF32: an infinite input meets TF32-exact and subnormal weights as inf, not NaN", "[gpu]") {
  const int64_t cin = GENERATE(int64_t(8), kPairsCin);
  Problem p = small_problem("inf_operand", cin);
  p.add_value = -0.5f;  // finite outputs end negative (GELU non-zero); only a +inf conv gives exactly 0
  auto in = gate::gpu_test::make_inputs(p, 31);
  // Every weight a TF32 value (small part 0: inf·small would be inf·0), a few subnormal or tiny.
  for (float& w : in.weight.values) w = tf32_truncated(w);
  const float sub = std::numeric_limits<float>::denorm_min();
  in.weight.values[3] = sub;
  in.weight.values[70] = -1000 * sub;
  in.weight.values[200] = std::ldexp(1.0f, -60);
  in.weight.values[300] = 3 * sub;
  const float inf = std::numeric_limits<float>::infinity();
  in.x.values[7] = inf;
  in.x.values[50] = -inf;
  in.x.values[131] = inf;
  in.x.values[300] = std::ldexp(1.0f, 100);  // huge but finite: products of 2^100·w, still finite
  const auto expected = gate::gpu_test::make_expected(p, in);
  int64_t zeros_from_inf = 0;
  for (double y : expected.y) zeros_from_inf += (y == 0);
  REQUIRE(zeros_from_inf > 0);  // the case the old split turned into NaN is present
  check_3xtf32(p, in, expected);
}

TEST_CASE("gpu 3xTF32: subnormal and tiny inputs keep IEEE float32 gradual underflow", "[gpu]") {
  const int64_t cin = GENERATE(int64_t(8), kPairsCin);
  Problem p = small_problem("tiny_operands", cin);
  p.add_value = 0.0f;
  p.has_bias = false;
  auto in = gate::gpu_test::make_inputs(p, 32);
  // Weights ≡ 1 or 2^-30, so conv values sit at the clamp boundary: sums of subnormals, of ±2^-126, and products of
  // normals (2^-100·2^-30) that underflow to subnormals. The output is about conv/2: subnormal itself.
  const float sub = std::numeric_limits<float>::denorm_min();
  const float values[] = {0.0f, -0.0f, sub, -sub, 7 * sub, -7 * sub, std::ldexp(1.0f, -126), -std::ldexp(1.0f, -126),
                          std::ldexp(1.0f, -127), -std::ldexp(1.0f, -127), std::ldexp(1.0f, -100),
                          -std::ldexp(1.0f, -100), std::ldexp(1.0f, -51), -std::ldexp(1.0f, -50)};
  constexpr size_t kCount = sizeof values / sizeof values[0];
  // Channels past the first 8 hold signed zeros and the first 8 the values of the Cin = 8 case at the same place, so
  // that the sums (and the subnormal outputs) are that case's while Cin = 32 runs the pairs flavour.
  const size_t plane = size_t(p.H * p.W);
  for (size_t i = 0; i < in.x.values.size(); ++i) {
    const size_t ci = i / plane % size_t(cin), n = i / (plane * size_t(cin)), j = (n * 8 + ci) * plane + i % plane;
    in.x.values[i] = ci < 8 ? values[(j * 7 + j / 5) % kCount] : ((i & 1) ? -0.0f : 0.0f);
  }
  for (size_t i = 0; i < in.weight.values.size(); ++i) in.weight.values[i] = (i % 3 == 2) ? std::ldexp(1.0f, -30) : 1.0f;
  const auto expected = gate::gpu_test::make_expected(p, in);
  int64_t subnormal_outputs = 0;
  for (double y : expected.y) subnormal_outputs += is_subnormal(y);
  REQUIRE(subnormal_outputs > 0);
  check_3xtf32(p, in, expected);
}

TEST_CASE("gpu 3xTF32: operands at the bottom of the tensor-core range (kSplitMin) stay within the fp32 bound",
          "[gpu]") {
  // Every operand inside [2^-50, 2^-49): all products go through the mma, as small as 2^-100, with cancellation.
  const int64_t cin = GENERATE(int64_t(8), kPairsCin);
  Problem p = small_problem("split_min", cin);
  p.add_value = 0.0f;
  p.has_bias = false;
  auto in = gate::gpu_test::make_inputs(p, 33, -1.0f, 1.0f);
  for (float& x : in.x.values) x = std::copysign(std::ldexp(1.0f + std::fabs(x) * 0.99f, -50), x);
  for (float& w : in.weight.values) w = std::copysign(std::ldexp(1.0f + std::fabs(w), -50), w);
  const auto expected = gate::gpu_test::make_expected(p, in);
  check_3xtf32(p, in, expected);
}
