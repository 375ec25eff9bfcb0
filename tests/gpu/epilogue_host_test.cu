// Host-side check of gpu/epilogue.cuh's two GELUs: gelu_nonpositive (float32 outputs) and gelu_nonpositive_fast (the
// 16-bit outputs'), the same formulas evaluated on the CPU — IEEE division where the device uses its approximate
// reciprocal, the C library's exp2f where the fast form uses the hardware's — against reference/epilogue's double
// evaluation, so that CI, which has no GPU, catches an edit that breaks a fit. The device's own errors against the
// claims kGeluMaxUlp and kGeluFastMaxRel are measured by tests/gpu/epilogue_test.cu.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "gpu/epilogue.cuh"
#include "reference/epilogue.hpp"
#include "tests/gpu/float_ulp.hpp"

namespace {

using gate::gpu_test::ulp_of;

// The largest error(y, exact gelu) of gelu(v) over points − low · i / (points − 1), i = 1 .. points − 1, and where.
struct Worst {
  double error = 0;
  float v = 0;
};
template <class Gelu, class Error>
Worst worst_on_sweep(float low, int points, Gelu gelu, Error error) {
  Worst w;
  for (int i = 1; i < points; ++i) {
    const float v = low * float(i) / float(points - 1);
    const double e = error(gelu(v), gate::epilogue(double(v), 0.0f, 1.0f));
    if (e > w.error) w = {e, v};
  }
  return w;
}

}  // namespace

TEST_CASE("gelu_nonpositive evaluated on the host stays inside kGeluMaxUlp on [-14.5, 0]", "[gpu_host]") {
  // Down to -14.5, where the result has been subnormal since about -13.2 and rounds to -0.0 from about -14.33.
  const Worst w = worst_on_sweep(-14.5f, 1 << 22, gate::gpu::gelu_nonpositive,
                                 [](float y, double ref) { return std::fabs(double(y) - ref) / ulp_of(float(ref)); });
  const double max_ulp = w.error;
  INFO("max error " << max_ulp << " ulp at v = " << w.v);
  CHECK(max_ulp <= gate::gpu::kGeluMaxUlp);
  CHECK(max_ulp > 0.5);  // the roundings of a float evaluation, not an exact one by accident (a test of the test)
}

TEST_CASE("gelu_nonpositive on the host: special values, the far tail and tiny inputs", "[gpu_host]") {
  const float inf = std::numeric_limits<float>::infinity();
  CHECK(std::isnan(gate::gpu::gelu_nonpositive(std::numeric_limits<float>::quiet_NaN())));
  CHECK(std::isnan(gate::gpu::gelu_nonpositive(-inf)));  // gelu(-inf) = NaN (DESIGN.md)
  for (const float v : {-14.6f, -20.0f, -1e30f, -std::numeric_limits<float>::max()}) {
    const float y = gate::gpu::gelu_nonpositive(v);  // true values below 2^-150 in magnitude: -0.0
    CHECK((y == 0.0f && std::signbit(y)));
  }
  const float z = gate::gpu::gelu_nonpositive(-0.0f);
  CHECK((z == 0.0f && std::signbit(z)));
  // Tiny inputs: gelu(v) = v/2 to within v²/√(2π); a subnormal input's half rounds once.
  CHECK(gate::gpu::gelu_nonpositive(-1e-30f) == -5e-31f);
  CHECK(gate::gpu::gelu_nonpositive(-0x1p-140f) == -0x1p-141f);
  CHECK(gate::gpu::gelu_nonpositive(-1.0f) == Approx(-0.15865525393145707).epsilon(1e-6));
}

TEST_CASE("gelu_nonpositive_fast evaluated on the host stays inside kGeluFastMaxRel on [-10, 0]", "[gpu_host]") {
  const Worst w = worst_on_sweep(-10.0f, 1 << 20, gate::gpu::gelu_nonpositive_fast,
                                 [](float y, double ref) { return std::fabs(double(y) - ref) / std::fabs(ref); });
  const double max_rel = w.error;
  INFO("max relative error " << max_rel << " at v = " << w.v);
  // 1.0e-5 measured here (2026-11-25), 9.9e-6 on an H200: the device's approximate reciprocal and exp2 add little.
  CHECK(max_rel <= 0.75 * double(gate::gpu::kGeluFastMaxRel));
  CHECK(max_rel > 1e-7);  // the fit's own error in float, not an exact evaluation by accident (a test of the test)
}

TEST_CASE("gelu_nonpositive_fast on the host: the special values of DESIGN.md", "[gpu_host]") {
  const float inf = std::numeric_limits<float>::infinity();
  CHECK(std::isnan(gate::gpu::gelu_nonpositive_fast(std::numeric_limits<float>::quiet_NaN())));
  CHECK(std::isnan(gate::gpu::gelu_nonpositive_fast(-inf)));  // gelu(-inf) = NaN: t = 0 times exp(-inf) = 0
  const float huge = gate::gpu::gelu_nonpositive_fast(-1e30f);
  CHECK((huge == 0.0f && std::signbit(huge)));
  const float tail = gate::gpu::gelu_nonpositive_fast(-20.0f);  // true value -5.5e-88, below float's range
  CHECK((tail == 0.0f && std::signbit(tail)));
  CHECK(gate::gpu::gelu_nonpositive_fast(-1.0f) == Approx(-0.15865525393145707).epsilon(2e-5));
}
