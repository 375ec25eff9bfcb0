// Tests for verify/ulp.cpp: ULP spacing in float32, float16 and bfloat16, normal and subnormal.
#include <catch2/catch.hpp>

#include <cmath>

#include "verify/ulp.hpp"

using gate::DType;
using namespace gate::verify;

TEST_CASE("ulp: the spacing at 1 is 2^-23, 2^-10 and 2^-7", "[verify]") {
  CHECK(ulp_in_dtype(1.0, DType::kFloat32) == 0x1p-23);
  CHECK(ulp_in_dtype(1.0, DType::kFloat16) == 0x1p-10);
  CHECK(ulp_in_dtype(1.0, DType::kBFloat16) == 0x1p-7);
  CHECK(ulp_in_dtype(-1.5, DType::kFloat32) == 0x1p-23);
  CHECK(ulp_in_dtype(0.99, DType::kFloat32) == 0x1p-24);
}

TEST_CASE("ulp: below the normal range the spacing is the smallest subnormal, also at zero", "[verify]") {
  CHECK(ulp_in_dtype(0.0, DType::kFloat32) == 0x1p-149);
  CHECK(ulp_in_dtype(1e-40, DType::kFloat32) == 0x1p-149);
  CHECK(ulp_in_dtype(0.0, DType::kFloat16) == 0x1p-24);
  CHECK(ulp_in_dtype(0.0, DType::kBFloat16) == 0x1p-133);
  CHECK(min_subnormal(DType::kFloat16) == 0x1p-24);
  CHECK(ulp_in_dtype(0x1p-14, DType::kFloat16) == 0x1p-24);
}

TEST_CASE("ulp: the error in ULP is measured in the reference's binade", "[verify]") {
  CHECK(ulp_error(1.0 + 0x1p-22, 1.0, DType::kFloat32) == 2.0);
  CHECK(ulp_error(std::nextafter(0.5f, 1.0f), 0.5, DType::kFloat32) == 1.0);
  CHECK(unit_roundoff(DType::kFloat16) == 0x1p-11);
}
