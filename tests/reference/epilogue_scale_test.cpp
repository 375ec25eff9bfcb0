// Tests of reference/epilogue_scale.cpp: the one-pass route verify uses gives, bit for bit, what verify computed before
// it (reference_transposed_conv, then a loop of epilogue() and |multiply|·(S + |add|) over its two double arrays): on
// random shapes covering every parameter, rows wider than the sink's chunk, every dtype, both precisions, NaN and ±inf
// in x, the weights, the bias and the scalars; and it is bitwise identical for 1, 2 and 7 threads.
#include "reference/epilogue_scale.hpp"


#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "reference/epilogue.hpp"
#include "reference/transposed_conv.hpp"
#include "tests/reference/fill.hpp"
#include "tests/reference/thread_determinism.hpp"

namespace gate {
namespace {

using test::Inputs;

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// The oracle: verify/case_run.cpp's compute_reference as it was before the one-pass route, typed out here on purpose
// (not epilogue_scale()), so that a change of either expression shows.
struct TwoPass {
  std::vector<double> y, scale;
};
TwoPass two_pass(const Problem& p, const Inputs& in) {
  ConvReference conv = reference_transposed_conv(p, in.x, in.weight, in.bias_ptr(p));
  TwoPass out{std::move(conv.conv), std::move(conv.magnitude)};
  const double add_abs = std::fabs(static_cast<double>(p.add_value));
  const double mul_abs = std::fabs(static_cast<double>(p.multiply_value));
  for (size_t i = 0; i < out.y.size(); ++i) {
    out.y[i] = epilogue(out.y[i], p.add_value, p.multiply_value);
    out.scale[i] = mul_abs * (out.scale[i] + add_abs);
  }
  return out;
}

// Returns the number of outputs compared (so callers can assert the shapes were not empty).
size_t check_against_two_pass(const Problem& p, const Inputs& in) {
  const EpilogueScaleReference one = reference_epilogue_and_scale(p, in.x, in.weight, in.bias_ptr(p));
  const TwoPass ref = two_pass(p, in);
  REQUIRE(one.y.size() == ref.y.size());
  REQUIRE(one.scale.size() == ref.y.size());
  for (size_t i = 0; i < ref.y.size(); ++i) {
    INFO(describe(p) << " output " << i << " y " << ref.y[i] << " scale " << ref.scale[i]);
    REQUIRE(same_bits(one.y[i], ref.y[i]));
    REQUIRE(same_bits(one.scale[i], ref.scale[i]));
  }
  return ref.y.size();
}

TEST_CASE("epilogue_scale: equals verify's two-pass computation bit for bit on random shapes", "[reference]") {
  std::mt19937_64 rng(2026);
  const DType dtypes[] = {DType::kFloat32, DType::kFloat16, DType::kBFloat16};
  const float adds[] = {0.25f, -0.5f, 0.0f, -3.0f};
  const float muls[] = {2.0f, -0.75f, 1.0f, -0.0f};
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  size_t compared = 0, finite_trials = 0;
  for (int trial = 0; trial < 240; ++trial) {
    Problem p = test::random_problem(rng);
    p.dtype = dtypes[trial % 3];
    p.precision = (trial / 3) % 2 ? Precision::kTf32 : Precision::kFp32;
    p.add_value = adds[trial % 4];
    p.multiply_value = muls[(trial / 4) % 4];
    Inputs in = test::make_inputs(p);
    test::fill_trial(in, trial);
    // Every fifth trial: NaN or ±inf in x or the weights (the two-pass fallback), every seventh one in the bias (the
    // engine adds the bias: no fallback).
    if (trial % 5 == 1) in.x.values[rng() % in.x.values.size()] = static_cast<float>(nan);
    if (trial % 5 == 2) in.weight.values[rng() % in.weight.values.size()] = trial % 2 ? inf : -inf;
    if (trial % 5 == 3) {
      in.x.values[rng() % in.x.values.size()] = -inf;
      in.weight.values[rng() % in.weight.values.size()] = static_cast<float>(nan);
    }
    if (trial % 7 == 3 && p.has_bias) {
      in.bias.values[rng() % in.bias.values.size()] = trial % 2 ? inf : static_cast<float>(nan);
    }
    if (trial % 5 == 0 || trial % 5 == 4) ++finite_trials;
    compared += check_against_two_pass(p, in);
  }
  REQUIRE(finite_trials >= 90);
  REQUIRE(compared > 10000);
}

TEST_CASE("epilogue_scale: rows wider than the sink's chunk, both GELU branches, non-finite scalars", "[reference]") {
  Problem p;
  p.N = 2, p.Cin = 6, p.Cout = 5, p.H = 9, p.W = 301, p.kH = 4, p.kW = 4, p.stride = {2, 2}, p.padding = {1, 1};
  p.add_value = -0.125f, p.multiply_value = 2.0f;
  REQUIRE(out_w(p) > 512);  // two full chunks of 256 and a partial one per row
  Inputs in = test::make_inputs(p);
  test::fill_uniform(in.x, 7, -1.0f, 1.0f);
  test::fill_uniform(in.weight, 8, -0.25f, 0.25f);
  test::fill_uniform(in.bias, 9, -0.25f, 0.25f);
  for (DType d : {DType::kFloat32, DType::kBFloat16}) {
    for (Precision pr : {Precision::kFp32, Precision::kTf32}) {
      p.dtype = d, p.precision = pr;
      check_against_two_pass(p, in);
    }
  }
  // Non-finite add and multiply: 0·inf = NaN on the positive side, inf scale; the same in both routes.
  p.multiply_value = std::numeric_limits<float>::infinity();
  check_against_two_pass(p, in);
  p.multiply_value = 2.0f, p.add_value = -std::numeric_limits<float>::infinity();
  check_against_two_pass(p, in);
  p.add_value = std::numeric_limits<float>::quiet_NaN();
  check_against_two_pass(p, in);
  // The seed workload's scalars on this shape (most outputs clamped), then NaN and ±inf inputs: the fallback.
  p.add_value = 0.5f;
  check_against_two_pass(p, in);
  in.x.values[5] = std::numeric_limits<float>::quiet_NaN();
  in.x.values[3000] = std::numeric_limits<float>::infinity();
  in.weight.values[17] = -std::numeric_limits<float>::infinity();
  check_against_two_pass(p, in);
}

TEST_CASE("epilogue_scale: bitwise identical for 1, 2 and 7 threads", "[reference]") {
  test::require_same_bytes_for_1_2_7_threads(
      [](const Problem& p, const test::Inputs& in) {
        return reference_epilogue_and_scale(p, in.x, in.weight, in.bias_ptr(p));
      },
      [](const EpilogueScaleReference& r) { return std::vector{test::bytes_of(r.y), test::bytes_of(r.scale)}; });
}

}  // namespace
}  // namespace gate
