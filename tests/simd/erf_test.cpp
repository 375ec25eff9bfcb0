// Tests of simd/erf.hpp (simd/erf.cc, simd/erf-inl.h): the ulp claims against MPFR on a dense sample, special values,
// bitwise agreement of every Highway target, and the span loop's remainder. The full proofs (all 2^32 floats, 10^8
// doubles) are the separate checkers of this folder.
#include <catch2/catch.hpp>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "simd/erf.hpp"
#include "tests/simd/mpfr_oracle.hpp"
#include "tests/simd/simd_targets.hpp"

namespace {

using gate::simd_test::ulp_distance;

float from_bits(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

// Every 40961st bit pattern (105K floats over all binades, both signs), every 97th subnormal, and the special points.
const std::vector<float>& dense_float_sample() {
  static const std::vector<float> sample = [] {
    std::vector<float> s;
    for (uint64_t b = 0; b < (1ull << 32); b += 40961) s.push_back(from_bits(static_cast<uint32_t>(b)));
    for (uint32_t b = 1; b < 0x00800000u; b += 97 * 1024 + 1) {
      s.push_back(from_bits(b));
      s.push_back(from_bits(b | 0x80000000u));
    }
    for (float f : {0.0f, -0.0f, FLT_MIN, -FLT_MIN, FLT_TRUE_MIN, -FLT_TRUE_MIN, FLT_MAX, -FLT_MAX, 1.0f, -1.0f, 0.5f,
                    -0.5f, 4.0f, -4.0f, 3.9192059f, -3.9192059f, 10.0f, 10.0546f, 10.06f, 27.0f, -27.0f, 0x1p-60f,
                    std::nextafter(1.0f, 0.0f), std::nextafter(1.0f, 2.0f), std::nextafter(4.0f, 0.0f)})
      s.push_back(f);
    // a fine sweep of the region boundaries and the tail
    for (float x = -11.0f; x <= 11.0f; x += 0.000977f) s.push_back(x);
    return s;
  }();
  return sample;
}

template <typename T, typename Oracle>
std::vector<T> oracle_of(const std::vector<T>& xs, Oracle oracle) {
  std::vector<T> y(xs.size());
  for (size_t i = 0; i < xs.size(); ++i) y[i] = oracle(xs[i]);
  return y;
}

template <typename T>
int64_t max_ulp(const std::vector<T>& got, const std::vector<T>& want, const std::vector<T>& xs, T* worst_x) {
  int64_t worst = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const int64_t d = ulp_distance(got[i], want[i]);
    if (d > worst) {
      worst = d;
      *worst_x = xs[i];
    }
  }
  return worst;
}

// 10^5 doubles: uniform exponent in [2^-30, 2^5] both signs (the binades where erf/erfc vary), plus tiny ones.
const std::vector<double>& double_sample() {
  static const std::vector<double> sample = [] {
    std::mt19937_64 rng(20261125);
    std::uniform_real_distribution<double> mant(1.0, 2.0), expo(-30.0, 5.0);
    std::vector<double> s;
    for (int i = 0; i < 100000; ++i) {
      const double v = std::ldexp(mant(rng), static_cast<int>(std::floor(expo(rng))));
      s.push_back(i % 2 ? -v : v);
    }
    for (double v : {0.0, -0.0, 0.5, -0.5, 8.0, 27.0, 27.2, 26.6, 5.9, 6.0, 0x1p-1022, 0x1p-1074, 1e-300, -1e-300,
                     std::nextafter(0.5, 0.0), std::nextafter(8.0, 0.0)})
      s.push_back(v);
    return s;
  }();
  return sample;
}

}  // namespace

TEST_CASE("erf_float is within kErfFloatMaxUlp of MPFR on a dense sample of all floats, on every target", "[simd]") {
  const auto& xs = dense_float_sample();
  static const auto want = oracle_of(xs, gate::simd_test::erf_float_correct);
  FOR_EACH_SIMD_TARGET {
    std::vector<float> got(xs.size());
    gate::simd::erf_float(xs.data(), xs.size(), got.data());
    float worst_x = 0;
    const int64_t worst = max_ulp(got, want, xs, &worst_x);
    INFO("worst x = " << worst_x);
    REQUIRE(worst <= gate::simd::kErfFloatMaxUlp);
  }
}

TEST_CASE("erfc_float is within kErfcFloatMaxUlp of MPFR on a dense sample of all floats, on every target", "[simd]") {
  const auto& xs = dense_float_sample();
  static const auto want = oracle_of(xs, gate::simd_test::erfc_float_correct);
  FOR_EACH_SIMD_TARGET {
    std::vector<float> got(xs.size());
    gate::simd::erfc_float(xs.data(), xs.size(), got.data());
    float worst_x = 0;
    const int64_t worst = max_ulp(got, want, xs, &worst_x);
    INFO("worst x = " << worst_x);
    REQUIRE(worst <= gate::simd::kErfcFloatMaxUlp);
  }
}

TEST_CASE("erf_double and erfc_double are within 1 ulp of MPFR on 1e5 random doubles, on every target", "[simd]") {
  const auto& xs = double_sample();
  static const auto want_erf = oracle_of(xs, gate::simd_test::erf_double_correct);
  static const auto want_erfc = oracle_of(xs, gate::simd_test::erfc_double_correct);
  FOR_EACH_SIMD_TARGET {
    std::vector<double> got(xs.size());
    double worst_x = 0;
    gate::simd::erf_double(xs.data(), xs.size(), got.data());
    int64_t worst = max_ulp(got, want_erf, xs, &worst_x);
    INFO("erf worst x = " << worst_x);
    REQUIRE(worst <= gate::simd::kErfDoubleMaxUlp);
    gate::simd::erfc_double(xs.data(), xs.size(), got.data());
    worst = max_ulp(got, want_erfc, xs, &worst_x);
    INFO("erfc worst x = " << worst_x);
    REQUIRE(worst <= gate::simd::kErfcDoubleMaxUlp);
  }
}

TEST_CASE("erf and erfc keep the special values: signed zeros, infinities, NaN", "[simd]") {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> xs = {0.0f, -0.0f, inf, -inf, nan};
  FOR_EACH_SIMD_TARGET {
    std::vector<float> e(xs.size()), c(xs.size());
    gate::simd::erf_float(xs.data(), xs.size(), e.data());
    gate::simd::erfc_float(xs.data(), xs.size(), c.data());
    CHECK((e[0] == 0.0f && !std::signbit(e[0])));
    CHECK((e[1] == 0.0f && std::signbit(e[1])));
    CHECK(e[2] == 1.0f);
    CHECK(e[3] == -1.0f);
    CHECK(std::isnan(e[4]));
    CHECK(c[0] == 1.0f);
    CHECK(c[1] == 1.0f);
    CHECK((c[2] == 0.0f && !std::signbit(c[2])));
    CHECK(c[3] == 2.0f);
    CHECK(std::isnan(c[4]));
    const std::vector<double> xd(xs.begin(), xs.end());
    std::vector<double> ed(xd.size()), cd(xd.size());
    gate::simd::erf_double(xd.data(), xd.size(), ed.data());
    gate::simd::erfc_double(xd.data(), xd.size(), cd.data());
    CHECK((ed[0] == 0.0 && !std::signbit(ed[0])));
    CHECK((ed[1] == 0.0 && std::signbit(ed[1])));
    CHECK(ed[2] == 1.0);
    CHECK(ed[3] == -1.0);
    CHECK(std::isnan(ed[4]));
    CHECK(cd[0] == 1.0);
    CHECK(cd[1] == 1.0);
    CHECK((cd[2] == 0.0 && !std::signbit(cd[2])));
    CHECK(cd[3] == 2.0);
    CHECK(std::isnan(cd[4]));
  }
}

TEST_CASE("every target returns the same bits as the portable scalar baseline for erf and erfc", "[simd]") {
  const auto& xs = dense_float_sample();
  const auto& xd = double_sample();
  const auto targets = gate::simd::supported_targets();
  REQUIRE(targets.size() >= 2);  // on x86: at least SSSE3 and the scalar baseline besides the CPU's best
  std::vector<float> base_erf(xs.size()), base_erfc(xs.size());
  std::vector<double> base_erf_d(xd.size()), base_erfc_d(xd.size());
  {
    const gate::simd_test::TargetPin pin(targets.back());  // the last is the scalar baseline (HWY_SCALAR)
    gate::simd::erf_float(xs.data(), xs.size(), base_erf.data());
    gate::simd::erfc_float(xs.data(), xs.size(), base_erfc.data());
    gate::simd::erf_double(xd.data(), xd.size(), base_erf_d.data());
    gate::simd::erfc_double(xd.data(), xd.size(), base_erfc_d.data());
  }
  FOR_EACH_SIMD_TARGET {
    std::vector<float> a(xs.size()), b(xs.size());
    std::vector<double> c(xd.size()), d(xd.size());
    gate::simd::erf_float(xs.data(), xs.size(), a.data());
    gate::simd::erfc_float(xs.data(), xs.size(), b.data());
    gate::simd::erf_double(xd.data(), xd.size(), c.data());
    gate::simd::erfc_double(xd.data(), xd.size(), d.data());
    // memcmp: the same bits, NaN payloads and signed zeros included
    CHECK(std::memcmp(a.data(), base_erf.data(), a.size() * sizeof(float)) == 0);
    CHECK(std::memcmp(b.data(), base_erfc.data(), b.size() * sizeof(float)) == 0);
    CHECK(std::memcmp(c.data(), base_erf_d.data(), c.size() * sizeof(double)) == 0);
    CHECK(std::memcmp(d.data(), base_erfc_d.data(), d.size() * sizeof(double)) == 0);
  }
}

TEST_CASE("erf of a short or misaligned span equals erf of the same values inside a long one, in place too", "[simd]") {
  std::vector<float> xs(100);
  for (size_t i = 0; i < xs.size(); ++i) xs[i] = -5.0f + 0.1f * static_cast<float>(i);
  std::vector<float> full(xs.size());
  gate::simd::erf_float(xs.data(), xs.size(), full.data());
  for (size_t start : {0, 1, 3}) {
    for (size_t n = 0; n + start <= 40; ++n) {
      std::vector<float> part(xs.begin() + start, xs.begin() + start + n);
      gate::simd::erf_float(part.data(), n, part.data());  // in place
      for (size_t i = 0; i < n; ++i) REQUIRE(ulp_distance(part[i], full[start + i]) == 0);
    }
  }
}
