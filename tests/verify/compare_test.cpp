// Tests for verify/compare.cpp with planted faults (STYLE.md §9): inside the bound passes, just over fails, NaN against
// a number fails, the wrong infinity fails, signed zero is counted and passes, and the report names the worst element
// and the bound it broke.
#include <catch2/catch.hpp>

#include <omp.h>

#include <cmath>
#include <limits>
#include <vector>

#include "verify/compare.hpp"
#include "verify/ulp.hpp"

using gate::DType;
using namespace gate::verify;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct Arrays {
  std::vector<float> candidate;
  std::vector<double> reference, scale;
  std::vector<int64_t> shape;
  CompareResult run(const ErrorContract& c = ErrorContract{}) const {
    return compare(CompareInput{candidate, reference, scale, shape}, c);
  }
};

// 2×3×2×2 outputs, reference values in GELU's range, candidate = reference rounded to float.
Arrays make_arrays() {
  Arrays a;
  a.shape = {2, 3, 2, 2};
  for (int i = 0; i < 24; ++i) {
    const double r = -0.15 * std::sin(0.3 * i + 0.1);
    a.reference.push_back(r);
    a.candidate.push_back(static_cast<float>(r));
    a.scale.push_back(4.0 + i);
  }
  return a;
}

}  // namespace

TEST_CASE("compare: the reference rounded to float passes with small utilisation", "[verify]") {
  const CompareResult r = make_arrays().run();
  CHECK(r.passed());
  CHECK(r.violations == 0);
  CHECK(r.max_ulp <= 0.5);
  CHECK(r.max_utilisation < 0.2);
  CHECK_FALSE(r.low_trust);
}

TEST_CASE("compare: an error just inside the allowance passes and just over it fails", "[verify]") {
  Arrays a = make_arrays();
  const ErrorContract c;
  const BoundCoefficients k = bound_coefficients(c);
  const size_t i = 17;
  const double allowed = allowance(k, a.reference[i], a.scale[i]);
  // Plant the largest float error below the allowance, then the smallest above it.
  float inside = static_cast<float>(a.reference[i] - allowed * 0.999);
  a.candidate[i] = inside;
  CHECK(a.run(c).passed());
  float over = static_cast<float>(a.reference[i] - allowed);
  while (std::fabs(over - a.reference[i]) <= allowed) over = std::nextafter(over, -1.0f);
  a.candidate[i] = over;
  const CompareResult r = a.run(c);
  CHECK_FALSE(r.passed());
  CHECK(r.violations == 1);
  CHECK(r.max_utilisation > 1.0);
  CHECK(r.max_utilisation < 1.0 + 0x1p-24 * 0.15 / allowed * 2);  // one float step over
  REQUIRE(r.has_worst);
  CHECK(r.worst.flat_index == 17);
  CHECK(r.worst.index == std::vector<int64_t>{1, 1, 0, 1});  // 17 = ((1·3 + 1)·2 + 0)·2 + 1
  CHECK(r.worst.verdict == "exceeds bound");
  CHECK(describe(r.worst.allowance).find("conv accumulation") != std::string::npos);
  CHECK(r.worst.allowance.total() == Approx(allowed));
}

TEST_CASE("compare: NaN matches only NaN", "[verify]") {
  Arrays a = make_arrays();
  a.reference[3] = kNaN;
  a.candidate[3] = NAN;
  CHECK(a.run().passed());
  a.candidate[3] = 0.0f;
  CompareResult r = a.run();
  CHECK_FALSE(r.passed());
  CHECK(r.nonfinite_mismatches == 1);
  CHECK(r.worst.flat_index == 3);
  CHECK(r.worst.verdict == "NaN expected, got a number");
  a.candidate[3] = NAN;
  a.candidate[5] = NAN;
  r = a.run();
  CHECK_FALSE(r.passed());
  CHECK(r.worst.flat_index == 5);
  CHECK(r.worst.verdict == "unexpected NaN");
}

TEST_CASE("compare: an infinity matches only the same infinity", "[verify]") {
  Arrays a = make_arrays();
  a.reference[7] = kInf;
  a.candidate[7] = INFINITY;
  CHECK(a.run().passed());
  a.candidate[7] = -INFINITY;
  CompareResult r = a.run();
  CHECK_FALSE(r.passed());
  CHECK(r.worst.verdict == "wrong infinity");
  a.candidate[7] = std::numeric_limits<float>::max();
  CHECK_FALSE(a.run().passed());
  a.candidate[7] = INFINITY;
  a.candidate[8] = -INFINITY;
  r = a.run();
  CHECK_FALSE(r.passed());
  CHECK(r.worst.verdict == "unexpected infinity");
}

TEST_CASE("compare: +0 against -0 is counted but passes", "[verify]") {
  Arrays a = make_arrays();
  a.reference[0] = 0.0;
  a.candidate[0] = -0.0f;
  const CompareResult r = a.run();
  CHECK(r.passed());
  CHECK(r.signed_zero_mismatches == 1);
  CHECK(r.reference_zeros == 1);
}

TEST_CASE("compare: PyTorch's float GELU flushing to -0 in the tail passes, a wrong value there fails", "[verify]") {
  // gelu(-6) = -5.92e-9; PyTorch returns -0.0 there. S = |multiply|·6 at least: the allowance scales with S.
  Arrays a;
  a.shape = {1, 1, 1, 2};
  a.reference = {2.0 * -5.9195e-9, 2.0 * -1.1e-7};
  a.scale = {2.0 * 6.0, 2.0 * 5.5};
  a.candidate = {-0.0f, 0.0f};
  CHECK(a.run().passed());
  a.candidate[0] = -1e-5f;
  CHECK_FALSE(a.run().passed());
}

TEST_CASE("compare: a mostly-zero reference is low-trust", "[verify]") {
  Arrays a = make_arrays();
  for (int i = 0; i < 18; ++i) {
    a.reference[static_cast<size_t>(i)] = 0.0;
    a.candidate[static_cast<size_t>(i)] = 0.0f;
  }
  const CompareResult r = a.run();
  CHECK(r.passed());
  CHECK(r.zero_fraction == Approx(0.75));
  CHECK(r.low_trust);
}

TEST_CASE("compare: the result does not depend on the thread count", "[verify]") {
  Arrays a = make_arrays();
  for (size_t i = 0; i < a.candidate.size(); i += 3) a.candidate[i] = static_cast<float>(a.reference[i] * 1.01);
  omp_set_num_threads(1);
  const CompareResult one = a.run();
  omp_set_num_threads(2);
  const CompareResult two = a.run();
  omp_set_num_threads(omp_get_num_procs());
  CHECK(one.violations == two.violations);
  CHECK(one.worst.flat_index == two.worst.flat_index);
  CHECK(one.max_utilisation == two.max_utilisation);
  CHECK(one.max_ulp == two.max_ulp);
}

TEST_CASE("compare: mismatched sizes are refused", "[verify]") {
  Arrays a = make_arrays();
  a.scale.pop_back();
  CHECK_THROWS_AS(a.run(), std::invalid_argument);
  Arrays b = make_arrays();
  b.shape = {2, 3, 2, 3};
  CHECK_THROWS_AS(b.run(), std::invalid_argument);
}

TEST_CASE("compare: a NaN is tolerated only where the mask allows it, and never replaces an expected NaN", "[verify]") {
  Arrays a = make_arrays();
  std::vector<uint8_t> mask(a.candidate.size(), 0);
  mask[9] = 1;
  a.candidate[9] = NAN;
  a.candidate[10] = NAN;
  CompareResult r = compare(CompareInput{a.candidate, a.reference, a.scale, a.shape, mask}, ErrorContract{});
  CHECK(r.violations == 1);
  CHECK(r.tolerated_nans == 1);
  CHECK(r.worst.flat_index == 10);
  a.candidate[10] = static_cast<float>(a.reference[10]);
  r = compare(CompareInput{a.candidate, a.reference, a.scale, a.shape, mask}, ErrorContract{});
  CHECK(r.passed());
  a.reference[9] = kNaN;  // an expected NaN must still be NaN
  a.candidate[9] = 0.0f;
  r = compare(CompareInput{a.candidate, a.reference, a.scale, a.shape, mask}, ErrorContract{});
  CHECK_FALSE(r.passed());
  mask.pop_back();
  CHECK_THROWS_AS(compare(CompareInput{a.candidate, a.reference, a.scale, a.shape, mask}, ErrorContract{}),
                  std::invalid_argument);
}
