// Tests for verify/allowance.cpp: each named constant of the bound checked against what it claims (verify/README.md,
// "The bound"), inside the claim where the claim is a measurement.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "simd/gelu_epilogue.hpp"
#include "verify/allowance.hpp"
#include "verify/model_candidate.hpp"
#include "verify/tf32.hpp"
#include "verify/ulp.hpp"

using gate::DType;
using gate::Precision;
using namespace gate::verify;

namespace {

double gelu_derivative(double t) {
  const double Phi = 0.5 * std::erfc(-t / std::sqrt(2.0));
  const double phi = std::exp(-0.5 * t * t) / std::sqrt(2.0 * M_PI);
  return Phi + t * phi;
}

double gelu_exact(double z) { return 0.5 * z * std::erfc(-z * M_SQRT1_2); }

// max over a float grid of [lo, 0] of |gelu_float(z) − gelu(z)| / (u·|z|).
template <typename F>
double max_eval_error_in_u(F gelu_float, double lo, int points) {
  double worst = 0;
  for (int i = 0; i <= points; ++i) {
    const float z = static_cast<float>(lo * (1.0 - static_cast<double>(i) / points));
    if (z == 0.0f) continue;
    const double err = std::fabs(static_cast<double>(gelu_float(z)) - gelu_exact(z));
    worst = std::max(worst, err / (kFp32UnitRoundoff * std::fabs(static_cast<double>(z))));
  }
  return worst;
}

}  // namespace

TEST_CASE("allowance: GELU's Lipschitz constant for non-positive arguments is 1/2, its derivative's minimum is at -sqrt(2)",
          "[verify]") {
  double max_abs = 0, min_value = 1, arg_min = 0;
  for (int i = 0; i <= 4000000; ++i) {
    const double t = -40.0 + 40.0 * i / 4000000.0;
    const double d = gelu_derivative(t);
    max_abs = std::max(max_abs, std::fabs(d));
    if (d < min_value) {
      min_value = d;
      arg_min = t;
    }
  }
  CHECK(max_abs <= kGeluLipschitzNonpositive);
  CHECK(gelu_derivative(0.0) == Approx(kGeluLipschitzNonpositive));
  CHECK(gelu_derivative(-std::sqrt(2.0)) == Approx(kGeluDerivativeMinimum).epsilon(1e-12));
  CHECK(arg_min == Approx(-std::sqrt(2.0)).margin(1e-4));
  CHECK(min_value >= kGeluDerivativeMinimum - 1e-15);
}

TEST_CASE("allowance: TF32 rounding errs by at most 2^-11 (nearest) and below 2^-10 (truncation)", "[verify]") {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> mant(1.0f, 2.0f);
  std::uniform_int_distribution<int> expo(-120, 120);
  double worst_nearest = 0, worst_trunc = 0;
  for (int i = 0; i < 200000; ++i) {
    const float v = std::ldexp(mant(rng), expo(rng)) * (i % 2 ? -1.0f : 1.0f);
    worst_nearest = std::max(worst_nearest, std::fabs((tf32_round_nearest(v) - static_cast<double>(v)) / v));
    worst_trunc = std::max(worst_trunc, std::fabs((tf32_truncate(v) - static_cast<double>(v)) / v));
  }
  CHECK(worst_nearest <= 0x1p-11);
  CHECK(worst_trunc < kTf32OperandError);
  CHECK(worst_trunc > 0x1p-11);  // truncation really needs the larger constant
}

TEST_CASE("allowance: float GELUs err by less than 3/4 of kGeluEvalCoefficient·u·|z| between -12 and 0", "[verify]") {
  // Inside the claim (SLEEF-style): the constant keeps a margin over every float GELU we accept.
  constexpr int kPoints = 400000;
  const double erff_form = max_eval_error_in_u(
      [](float z) { return 0.5f * z * (1.0f + std::erf(z * 0.70710678118654752f)); }, -12.0, kPoints);
  const double torch_cpu = max_eval_error_in_u(
      [](float z) { return 0.5f * z * (1.0f + torch_cpu_erf(z * 0.70710678118654752f)); }, -12.0, kPoints);
  const double simd = max_eval_error_in_u(
      [](float z) {
        float out;
        gate::simd::gelu_epilogue_float(&z, 1, 0.0f, 1.0f, DType::kFloat32, &out);
        return out;
      },
      -12.0, kPoints);
  INFO("erff form " << erff_form << " u|z|, PyTorch CPU form " << torch_cpu << " u|z|, simd " << simd << " u|z|");
  CHECK(erff_form < 0.75 * kGeluEvalCoefficient);
  CHECK(torch_cpu < 0.75 * kGeluEvalCoefficient);
  CHECK(simd < 0.75 * kGeluEvalCoefficient);
}

TEST_CASE("allowance: an erf off by 1e-4 errs far beyond the GELU evaluation term", "[verify]") {
  const float z = -1.0f;
  const double err = 0.5 * std::fabs(z) * 1e-4;
  CHECK(err > 100 * kGeluEvalCoefficient * kFp32UnitRoundoff * std::fabs(z));
}

TEST_CASE("allowance: gamma_n is at least n·u and the fp32 contract is the tightest", "[verify]") {
  CHECK(gamma(100, kFp32UnitRoundoff) >= 100 * kFp32UnitRoundoff);
  ErrorContract fp32;
  fp32.terms = 64;
  ErrorContract tf32 = fp32;
  tf32.precision = Precision::kTf32;
  ErrorContract half = fp32;
  half.dtype = DType::kFloat16;
  ErrorContract exact = fp32;
  exact.conv_exact = true;
  const auto k32 = bound_coefficients(fp32), kt = bound_coefficients(tf32), kh = bound_coefficients(half),
             ke = bound_coefficients(exact);
  CHECK(k32.conv_rel == Approx(kGeluLipschitzNonpositive * 66 * kFp32UnitRoundoff).epsilon(1e-5));
  CHECK(kt.conv_rel > kGeluLipschitzNonpositive * 2 * kTf32OperandError);
  CHECK(kh.storage_rel == Approx(kGeluLipschitzNonpositive * kStagedRoundingsBeforeClamp * 0x1p-11).epsilon(1e-3));
  CHECK(k32.storage_rel == 0.0);
  CHECK(ke.conv_rel == 0.0);
  CHECK(ke.epilogue_rel == kGeluEvalCoefficient * kFp32UnitRoundoff);
}

TEST_CASE("allowance: a non-finite scale leaves only the ulp budget", "[verify]") {
  const BoundCoefficients k = bound_coefficients(ErrorContract{});
  CHECK(allowance(k, 0.0, INFINITY) == kDefaultUlpBudget * 0x1p-149);
  CHECK(allowance(k, -0.5, 2.0) == Approx(kDefaultUlpBudget * 0x1p-24 + k.rel_total() * 2.0 + k.underflow_abs));
  const AllowanceTerms t = allowance_terms(k, -0.5, 2.0);
  CHECK(t.total() == Approx(allowance(k, -0.5, 2.0)));
  CHECK(describe(t).find("conv accumulation") != std::string::npos);
}

TEST_CASE("allowance: the underflow term scales with n and |multiply|", "[verify]") {
  ErrorContract c;
  c.terms = 1000;
  c.multiply_abs = 4.0;
  const double expected = 4.0 * (0.5 * 1000 + 2) * 0x1p-150 + 0x1p-150;
  CHECK(bound_coefficients(c).underflow_abs == Approx(expected));
  c.dtype = DType::kFloat16;
  CHECK(bound_coefficients(c).underflow_abs > 4.0 * 0x1p-25);
}
