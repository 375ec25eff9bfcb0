// Tests of simd/gelu_epilogue.hpp (simd/gelu_epilogue.cc): the ulp claims against MPFR over a dense sweep of the
// argument, DESIGN.md's special values, the float16/bfloat16 rounding (bitwise gate::round_to_dtype), and bitwise
// agreement of every Highway target.
#include <catch2/catch.hpp>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "core/dtype.hpp"
#include "simd/gelu_epilogue.hpp"
#include "tests/simd/mpfr_oracle.hpp"
#include "tests/simd/simd_targets.hpp"

namespace {

using gate::DType;

float from_bits(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

bool same_value(float a, float b) {  // NaN matches NaN, zeros must agree in sign
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b && std::signbit(a) == std::signbit(b);
}

// The 8 floats on either side of x (x included).
void push_neighbours(std::vector<float>* s, float x) {
  float lo = x, hi = x;
  s->push_back(x);
  for (int i = 0; i < 8; ++i) {
    lo = std::nextafter(lo, -INFINITY);
    hi = std::nextafter(hi, INFINITY);
    s->push_back(lo);
    s->push_back(hi);
  }
}

// Negative floats every 262147th bit pattern (all binades, down to -inf's neighbours), a fine sweep of [-20, 0] where
// GELU lives, some positives (mapped to 0 by min(·, 0)), and the edges of simd/gelu_float-inl.h's scheme: its pieces
// (v = -(j + 1/2)/4), its exp table steps (v²/2 = (n + 1/2)·ln2/32), its range ends -7.875 and -2^-32.
std::vector<float> gelu_sample() {
  std::vector<float> s;
  for (uint64_t b = 0x80000000u; b < 0xFF800000u; b += 262147) s.push_back(from_bits(static_cast<uint32_t>(b)));
  for (float x = -20.0f; x <= 0.0f; x += 0.002f) s.push_back(x);
  for (uint64_t b = 0; b < 0x7F800000u; b += 1000003) s.push_back(from_bits(static_cast<uint32_t>(b)));
  for (int j = 0; j <= 32; ++j) push_neighbours(&s, -(static_cast<float>(j) + 0.5f) / 4.0f);
  for (int n = 0; n < 1450; ++n) push_neighbours(&s, static_cast<float>(-std::sqrt((n + 0.5) * std::log(2.0) / 16.0)));
  push_neighbours(&s, -7.875f);
  push_neighbours(&s, -0x1p-32f);
  return s;
}

}  // namespace

TEST_CASE("gelu_epilogue_float is within kGeluFloatMaxUlp of MPFR, or FLT_MIN where the result is subnormal",
          "[simd]") {
  // On the CPU's best target; every other target returns the same bits (the bitwise test below).
  static const std::vector<float> xs = gelu_sample();
  struct Scalars {
    float add, multiply;
  };
  // the seed workload's scalars, the identity, and a large multiply that lifts the deep tail into normal floats
  // and the smallest |multiply| the float-lane core takes (2^-80) beside one just below it (the double lanes')
  for (const Scalars sc : {Scalars{0.0f, 1.0f}, Scalars{0.5f, 2.0f}, Scalars{-1.25f, 1e30f}, Scalars{0.0f, -3.0f},
                           Scalars{0.0f, 0x1p-80f}, Scalars{0.0f, -0x1.fffffep-81f}, Scalars{0.0f, 3.3e38f}}) {
    {
      std::vector<float> got(xs.size());
      gate::simd::gelu_epilogue_float(xs.data(), xs.size(), sc.add, sc.multiply, DType::kFloat32, got.data());
      double worst_ulp = 0, worst_abs = 0;
      float worst_x = 0;
      for (size_t i = 0; i < xs.size(); ++i) {
        const float v = xs[i] + sc.add;  // the float32 sum is part of the operation
        const auto e = gate::simd_test::gelu_float_error(got[i], v, sc.multiply);
        if (e.exact_is_normal && e.ulp > worst_ulp) {
          worst_ulp = e.ulp;
          worst_x = xs[i];
        }
        if (!e.exact_is_normal) worst_abs = std::max(worst_abs, e.abs);
      }
      INFO("add " << sc.add << " multiply " << sc.multiply << ": worst x = " << worst_x << ", " << worst_ulp << " ulp");
      CHECK(worst_ulp <= gate::simd::kGeluFloatMaxUlp);
      CHECK(worst_abs <= gate::simd::kGeluFloatSubnormalMaxAbsErr);
    }
  }
}

TEST_CASE("gelu_epilogue_double is within kGeluDoubleMaxUlp of MPFR where the result is a normal double", "[simd]") {
  std::vector<double> xs;
  for (double x = -40.0; x <= 1.0; x += 0.00173) xs.push_back(x);
  for (double x = -1e-3; x < -1e-300; x *= 0.5) xs.push_back(x);
  {
    std::vector<double> got(xs.size());
    gate::simd::gelu_epilogue_double(xs.data(), xs.size(), 0.5f, 2.0f, got.data());
    double worst_ulp = 0;
    double worst_x = 0;
    for (size_t i = 0; i < xs.size(); ++i) {
      const auto e = gate::simd_test::gelu_double_error(got[i], xs[i] + 0.5, 2.0f);
      if (e.exact_is_normal && e.ulp > worst_ulp) {
        worst_ulp = e.ulp;
        worst_x = xs[i];
      }
    }
    INFO("worst x = " << worst_x << ", " << worst_ulp << " ulp");
    CHECK(worst_ulp <= gate::simd::kGeluDoubleMaxUlp);
  }
}

TEST_CASE("gelu epilogue keeps DESIGN.md's special values: -0.0, NaN, +inf to 0, -inf to NaN", "[simd]") {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> xs = {-0.0f, 0.0f, nan, inf, -inf, 3.0f, -100.0f};
  FOR_EACH_SIMD_TARGET {
    for (const DType dt : {DType::kFloat32, DType::kFloat16, DType::kBFloat16}) {
      std::vector<float> y(xs.size());
      // add_value -0.0 leaves every input as it is (-0.0 + +0.0 would be +0.0: IEEE sums of opposite zeros)
      gate::simd::gelu_epilogue_float(xs.data(), xs.size(), -0.0f, 1.0f, dt, y.data());
      CHECK((y[0] == 0.0f && std::signbit(y[0])));   // gelu(-0.0) = -0.0
      CHECK((y[1] == 0.0f && !std::signbit(y[1])));  // min(+0.0, 0) = +0.0
      CHECK(std::isnan(y[2]));                        // min(NaN, 0) = NaN, gelu(NaN) = NaN
      CHECK((y[3] == 0.0f && !std::signbit(y[3])));  // min(+inf, 0) = 0
      CHECK(std::isnan(y[4]));                        // gelu(-inf) = NaN
      CHECK((y[5] == 0.0f && !std::signbit(y[5])));
      CHECK((y[6] == 0.0f && std::signbit(y[6])));   // the true value -1e-2173 rounds to -0.0
    }
    // multiply 0 and inf: IEEE products with gelu(v), as PyTorch's y * multiply gives them
    for (const DType dt : {DType::kFloat32, DType::kBFloat16}) {
      const std::vector<float> vs = {-1.0f, -0.0f, 0.0f};
      std::vector<float> y0(vs.size()), yn0(vs.size()), yinf(vs.size());
      gate::simd::gelu_epilogue_float(vs.data(), vs.size(), -0.0f, 0.0f, dt, y0.data());
      gate::simd::gelu_epilogue_float(vs.data(), vs.size(), -0.0f, -0.0f, dt, yn0.data());
      gate::simd::gelu_epilogue_float(vs.data(), vs.size(), -0.0f, inf, dt, yinf.data());
      CHECK((y0[0] == 0.0f && std::signbit(y0[0])));     // gelu(-1)·(+0) = -0
      CHECK((yn0[0] == 0.0f && !std::signbit(yn0[0])));  // gelu(-1)·(-0) = +0
      CHECK((y0[1] == 0.0f && std::signbit(y0[1])));     // gelu(-0)·(+0) = -0
      CHECK((y0[2] == 0.0f && !std::signbit(y0[2])));
      CHECK((std::isinf(yinf[0]) && yinf[0] < 0));       // gelu(-1)·inf = -inf
      CHECK(std::isnan(yinf[2]));                        // 0·inf = NaN
    }
    const std::vector<double> xd(xs.begin(), xs.end());
    std::vector<double> yd(xd.size());
    gate::simd::gelu_epilogue_double(xd.data(), xd.size(), -0.0f, 1.0f, yd.data());
    CHECK((yd[0] == 0.0 && std::signbit(yd[0])));
    CHECK((yd[1] == 0.0 && !std::signbit(yd[1])));
    CHECK(std::isnan(yd[2]));
    CHECK((yd[3] == 0.0 && !std::signbit(yd[3])));
    CHECK(std::isnan(yd[4]));
    CHECK((yd[5] == 0.0 && !std::signbit(yd[5])));
    CHECK((yd[6] == 0.0 && std::signbit(yd[6])));
  }
}

TEST_CASE("float16 and bfloat16 outputs are the float32 output rounded by gate::round_to_dtype, bit for bit",
          "[simd]") {
  // multiply values that spread the outputs over every float16 binade, its subnormals and its overflow
  static const std::vector<float> xs = gelu_sample();
  FOR_EACH_SIMD_TARGET {
    for (const float mul : {1.0f, 1e-5f, 3e4f, 1e5f, 7.0f}) {
      std::vector<float> f32(xs.size()), f16(xs.size()), bf16(xs.size());
      gate::simd::gelu_epilogue_float(xs.data(), xs.size(), 0.25f, mul, DType::kFloat32, f32.data());
      gate::simd::gelu_epilogue_float(xs.data(), xs.size(), 0.25f, mul, DType::kFloat16, f16.data());
      gate::simd::gelu_epilogue_float(xs.data(), xs.size(), 0.25f, mul, DType::kBFloat16, bf16.data());
      size_t bad16 = 0, badbf = 0;
      for (size_t i = 0; i < xs.size(); ++i) {
        bad16 += !same_value(f16[i], gate::round_to_dtype(f32[i], DType::kFloat16));
        badbf += !same_value(bf16[i], gate::round_to_dtype(f32[i], DType::kBFloat16));
      }
      INFO("multiply " << mul);
      CHECK(bad16 == 0);
      CHECK(badbf == 0);
    }
  }
}

TEST_CASE("every target returns the same bits as the portable scalar baseline for the GELU epilogue", "[simd]") {
  static const std::vector<float> xs = gelu_sample();
  const auto targets = gate::simd::supported_targets();
  // float32 and bfloat16 outputs; the seed's scalars, and a large multiply that keeps the deep tail's products normal
  struct Run {
    DType dtype;
    float add, multiply;
  };
  const std::vector<Run> runs = {{DType::kBFloat16, 0.5f, 2.0f}, {DType::kFloat32, 0.5f, 2.0f},
                                 {DType::kFloat32, -1.25f, 1e30f}};
  std::vector<std::vector<float>> base(runs.size(), std::vector<float>(xs.size()));
  std::vector<double> xd(xs.begin(), xs.end()), base_d(xs.size());
  {
    const gate::simd_test::TargetPin pin(targets.back());
    for (size_t r = 0; r < runs.size(); ++r)
      gate::simd::gelu_epilogue_float(xs.data(), xs.size(), runs[r].add, runs[r].multiply, runs[r].dtype,
                                      base[r].data());
    gate::simd::gelu_epilogue_double(xd.data(), xd.size(), 0.5f, 2.0f, base_d.data());
  }
  FOR_EACH_SIMD_TARGET {
    std::vector<float> y(xs.size());
    std::vector<double> yd(xs.size());
    for (size_t r = 0; r < runs.size(); ++r) {
      gate::simd::gelu_epilogue_float(xs.data(), xs.size(), runs[r].add, runs[r].multiply, runs[r].dtype, y.data());
      INFO("run " << r);
      CHECK(std::memcmp(y.data(), base[r].data(), y.size() * sizeof(float)) == 0);
    }
    gate::simd::gelu_epilogue_double(xd.data(), xd.size(), 0.5f, 2.0f, yd.data());
    CHECK(std::memcmp(yd.data(), base_d.data(), yd.size() * sizeof(double)) == 0);
  }
}
