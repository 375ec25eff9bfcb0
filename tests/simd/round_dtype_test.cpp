// Tests of simd/round_dtype.hpp (simd/round_dtype.cc, simd/round_dtype-inl.h): bitwise gate::round_to_dtype on every
// float whose dropped bits sit at a rounding decision (just below, at and just above the tie, both parities of the kept
// last bit) in every binade, float16's subnormals and overflow included, on every target.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/dtype.hpp"
#include "simd/round_dtype.hpp"
#include "tests/simd/simd_targets.hpp"

namespace {

// All floats whose low `dropped` bits are one of the decision patterns, for every value of the bits above them.
std::vector<float> decision_points(int dropped) {
  const uint32_t tie = 1u << (dropped - 1), mask = (1u << dropped) - 1;
  const uint32_t lows[] = {0, 1, tie - 1, tie, tie + 1, mask};
  std::vector<float> v;
  for (uint64_t high = 0; high < (1ull << 32); high += (1ull << dropped)) {
    for (uint32_t low : lows) {
      const uint32_t b = static_cast<uint32_t>(high) | low;
      float f;
      std::memcpy(&f, &b, 4);
      v.push_back(f);
    }
  }
  return v;
}

size_t mismatches(const std::vector<float>& in, const std::vector<float>& got, gate::DType dt) {
  size_t bad = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const float want = gate::round_to_dtype(in[i], dt);
    if (std::isnan(want)) {
      bad += !std::isnan(got[i]);
    } else {
      bad += std::memcmp(&want, &got[i], 4) != 0;
    }
  }
  return bad;
}

}  // namespace

TEST_CASE("round_to_dtype_float equals gate::round_to_dtype bit for bit at every float16 rounding decision", "[simd]") {
  // float16 keeps 10 of float's 23 fraction bits in its normal range: 13 dropped bits (more below 2^-14, where the
  // same patterns still include every tie of its subnormal grid up to a shift)
  static const std::vector<float> in = decision_points(13);
  FOR_EACH_SIMD_TARGET {
    std::vector<float> got(in.size());
    gate::simd::round_to_dtype_float(in.data(), in.size(), gate::DType::kFloat16, got.data());
    CHECK(mismatches(in, got, gate::DType::kFloat16) == 0);
  }
}

TEST_CASE("round_to_dtype_float equals gate::round_to_dtype bit for bit at every bfloat16 rounding decision", "[simd]") {
  static const std::vector<float> in = decision_points(16);
  FOR_EACH_SIMD_TARGET {
    std::vector<float> got(in.size());
    gate::simd::round_to_dtype_float(in.data(), in.size(), gate::DType::kBFloat16, got.data());
    CHECK(mismatches(in, got, gate::DType::kBFloat16) == 0);
  }
}

TEST_CASE("float16 rounding is exact on float16's subnormal grid: every float below 2^-14 on a 2^-30 lattice", "[simd]") {
  std::vector<float> in;
  for (int i = -(1 << 16); i <= (1 << 16); ++i) in.push_back(std::ldexp(static_cast<float>(i), -30));
  FOR_EACH_SIMD_TARGET {
    std::vector<float> got(in.size());
    gate::simd::round_to_dtype_float(in.data(), in.size(), gate::DType::kFloat16, got.data());
    CHECK(mismatches(in, got, gate::DType::kFloat16) == 0);
  }
}
