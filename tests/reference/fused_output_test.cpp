// Tests of reference/fused_output.cpp: the one-pass reference equals, bit for bit, the epilogue of the two-pass one and
// its magnitude rounded up to float32 (on random shapes covering every parameter, every dtype, non-finite inputs), is
// bitwise identical for 1, 2 and 7 threads, and round_up_to_float is the smallest float32 not below its argument.
#include "reference/fused_output.hpp"


#include <catch2/catch.hpp>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "reference/epilogue.hpp"
#include "reference/transposed_conv.hpp"
#include "tests/reference/fill.hpp"
#include "tests/reference/thread_determinism.hpp"

namespace gate {
namespace {

using test::Inputs;

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// The contract of fused_output.hpp, element by element.
void check_against_two_pass(const Problem& p, const Inputs& in) {
  const FusedReference fused = reference_fused_output(p, in.x, in.weight, in.bias_ptr(p));
  const ConvReference ref = reference_transposed_conv(p, in.x, in.weight, in.bias_ptr(p));
  REQUIRE(fused.y.size() == ref.conv.size());
  REQUIRE(fused.magnitude.size() == ref.conv.size());
  for (size_t i = 0; i < ref.conv.size(); ++i) {
    INFO(describe(p) << " output " << i << " conv " << ref.conv[i] << " magnitude " << ref.magnitude[i]);
    REQUIRE(same_bits(fused.y[i], epilogue_rounded(ref.conv[i], p.add_value, p.multiply_value, p.dtype)));
    REQUIRE(same_bits(fused.magnitude[i], round_up_to_float(ref.magnitude[i])));
  }
}

TEST_CASE("fused_output: equals the two-pass reference bit for bit on random shapes and every dtype", "[reference]") {
  std::mt19937_64 rng(2024);
  const DType dtypes[] = {DType::kFloat32, DType::kFloat16, DType::kBFloat16};
  for (int trial = 0; trial < 120; ++trial) {
    Problem p = test::random_problem(rng);
    p.dtype = dtypes[trial % 3];
    // Mixed signs around the clamp: about half the outputs take the GELU path.
    p.add_value = trial % 2 ? 0.25f : -0.5f;
    p.multiply_value = trial % 4 < 2 ? 2.0f : -0.75f;
    Inputs in = test::make_inputs(p);
    test::fill_trial(in, trial);
    check_against_two_pass(p, in);
  }
}

TEST_CASE("fused_output: the seed workload's shape on a small batch, and non-finite inputs", "[reference]") {
  Problem p;
  p.N = 2, p.Cin = 8, p.Cout = 16, p.H = 12, p.W = 11, p.kH = 4, p.kW = 4, p.stride = {2, 2};
  p.add_value = 0.5f, p.multiply_value = 2.0f;
  Inputs in = test::make_inputs(p);
  test::fill_uniform(in.x, 7, -1.0f, 1.0f);
  test::fill_uniform(in.weight, 8, -0.25f, 0.25f);
  test::fill_uniform(in.bias, 9, -0.25f, 0.25f);
  check_against_two_pass(p, in);
  // NaN and ±inf in x and in the weights: the two-pass route, with the same results.
  in.x.values[5] = std::numeric_limits<float>::quiet_NaN();
  in.x.values[300] = std::numeric_limits<float>::infinity();
  in.weight.values[17] = -std::numeric_limits<float>::infinity();
  check_against_two_pass(p, in);
}

TEST_CASE("fused_output: bitwise identical for 1, 2 and 7 threads", "[reference]") {
  test::require_same_bytes_for_1_2_7_threads(
      [](const Problem& p, const test::Inputs& in) { return reference_fused_output(p, in.x, in.weight, in.bias_ptr(p)); },
      [](const FusedReference& r) { return std::vector{test::bytes_of(r.y), test::bytes_of(r.magnitude)}; });
}

TEST_CASE("fused_output: round_up_to_float is the smallest float32 not below its argument", "[reference]") {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 200000; ++i) {
    // Doubles of every exponent float32 has (subnormals included) and beyond, plus exact floats.
    const int e = static_cast<int>(rng() % 290) - 155;
    double v = std::ldexp(1.0 + static_cast<double>(rng() >> 11) * 0x1p-53, e);
    if (i % 5 == 0) v = static_cast<float>(v);
    const float f = round_up_to_float(v);
    INFO("v " << v << " f " << f);
    REQUIRE(static_cast<double>(f) >= v);
    if (f != 0.0f) REQUIRE(static_cast<double>(std::nextafter(f, 0.0f)) < v);
    if (i % 5 == 0 && v <= FLT_MAX) REQUIRE(static_cast<double>(f) == v);
  }
  REQUIRE(same_bits(round_up_to_float(0.0), 0.0f));
  REQUIRE(round_up_to_float(0x1p-160) == std::numeric_limits<float>::denorm_min());
  REQUIRE(round_up_to_float(static_cast<double>(FLT_MAX)) == FLT_MAX);
  REQUIRE(std::isinf(round_up_to_float(static_cast<double>(FLT_MAX) * (1.0 + 0x1p-40))));
  REQUIRE(std::isinf(round_up_to_float(std::numeric_limits<double>::infinity())));
  REQUIRE(std::isnan(round_up_to_float(std::numeric_limits<double>::quiet_NaN())));
}

}  // namespace
}  // namespace gate
