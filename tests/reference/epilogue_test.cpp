// Tests of reference/epilogue.cpp against MPFR at 200 bits: GELU on a dense set of [-40, 0], ±0, subnormals, NaN and
// ±inf; the whole epilogue in double and rounded to float32, float16 and bfloat16; DESIGN.md's special values.
#include "reference/epilogue.hpp"

#include <mpfr.h>

#include <catch2/catch.hpp>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <limits>
#include <vector>

#include "core/dtype.hpp"
#include "tests/reference/fill.hpp"

namespace gate {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kU = 0x1p-53;

// Exact multiply · gelu(min(conv + add, 0)) at 200 bits; gelu(t) = t/2 · erfc(−t/√2).
struct Mpfr200 {
  mpfr_t t, z, r, sqrt2;
  Mpfr200() {
    mpfr_inits2(200, t, z, r, sqrt2, static_cast<mpfr_ptr>(nullptr));
    mpfr_sqrt_ui(sqrt2, 2, MPFR_RNDN);
  }
  ~Mpfr200() { mpfr_clears(t, z, r, sqrt2, static_cast<mpfr_ptr>(nullptr)); }
  // Sets r to the exact epilogue of a finite conv value; returns the clamped t as a double (for the bounds).
  double epilogue(double conv, double add, double mul) {
    mpfr_set_d(t, conv, MPFR_RNDN);
    mpfr_add_d(t, t, add, MPFR_RNDN);  // exact at 200 bits
    if (mpfr_sgn(t) > 0) mpfr_set_zero(t, 1);
    gelu_of_t();
    mpfr_mul_d(r, r, mul, MPFR_RNDN);
    return mpfr_get_d(t, MPFR_RNDN);
  }
  void gelu(double v) {
    mpfr_set_d(t, v, MPFR_RNDN);
    gelu_of_t();
  }
  void gelu_of_t() {
    mpfr_neg(z, t, MPFR_RNDN);
    mpfr_div(z, z, sqrt2, MPFR_RNDN);
    mpfr_erfc(r, z, MPFR_RNDN);
    mpfr_mul(r, r, t, MPFR_RNDN);
    mpfr_div_2ui(r, r, 1, MPFR_RNDN);
  }
  // |r − got|, rounded up.
  double abs_err(double got) {
    mpfr_t d;
    mpfr_init2(d, 200);
    mpfr_sub_d(d, r, got, MPFR_RNDN);
    const double e = std::fabs(mpfr_get_d(d, MPFR_RNDA));
    mpfr_clear(d);
    return e;
  }
};

// ULP of dtype at the exact value's binade (subnormal-aware): 2^(max(e, emin) − p + 1), |x| in [2^e, 2^(e+1)).
double dtype_ulp(mpfr_t x, DType dtype) {
  const int p = dtype == DType::kFloat32 ? 24 : dtype == DType::kFloat16 ? 11 : 8;
  const int emin = dtype == DType::kFloat32 ? -126 : dtype == DType::kFloat16 ? -14 : -126;
  const long e = mpfr_zero_p(x) ? emin : mpfr_get_exp(x) - 1;  // MPFR's exponent is that of [0.5, 1)
  return std::ldexp(1.0, static_cast<int>(std::max<long>(e, emin)) - p + 1);
}

// The inputs of the dense GELU check: [-40, 0] by 2^-9 plus every power of two down to the smallest subnormal.
std::vector<double> gelu_points() {
  std::vector<double> v;
  for (int i = 0; i <= 40 * 512; ++i) v.push_back(-i / 512.0);  // i = 0 gives +0.0; -0.0 is below
  for (int e = 5; e >= -1074; --e) v.push_back(-std::ldexp(1.0, e));
  v.push_back(-0.0);
  for (double s : {DBL_MIN, DBL_MIN / 3.0, 3.0 * DBL_TRUE_MIN, DBL_TRUE_MIN}) v.push_back(-s);
  return v;
}

}  // namespace

TEST_CASE("epilogue: gelu_erf is within its stated bound of MPFR from -40 to 0 and at subnormals", "[reference]") {
  Mpfr200 m;
  double max_rel = 0;
  for (double v : gelu_points()) {
    const double got = gelu_erf(v);
    m.gelu(v);
    const double exact = mpfr_get_d(m.r, MPFR_RNDN);
    const double err = m.abs_err(got);
    INFO("v = " << v << " got " << got << " exact " << exact << " err " << err);
    REQUIRE(err <= gelu_erf_max_rel_err(v) * std::fabs(exact) + kGeluErfMaxAbsErr);
    if (v >= kGeluErfRelErrFloor && std::fabs(exact) >= DBL_MIN) max_rel = std::max(max_rel, err / std::fabs(exact));
    if (std::signbit(v)) REQUIRE(std::signbit(got));  // gelu(v) <= 0 for v <= 0, and -0.0 where it underflows
  }
  REQUIRE(gelu_erf_max_rel_err(kGeluErfRelErrFloor) <= kGeluErfMaxRelErr);
  REQUIRE(max_rel <= kGeluErfMaxRelErr);
  REQUIRE(max_rel > 0);  // the check compared non-trivial values
  WARN("gelu_erf: max relative error seen on [kGeluErfRelErrFloor, 0]: " << max_rel);
}

TEST_CASE("epilogue: special values follow DESIGN.md", "[reference]") {
  REQUIRE(std::isnan(clamp_nonpositive(kNaN)));
  REQUIRE(clamp_nonpositive(kInf) == 0.0);
  REQUIRE(!std::signbit(clamp_nonpositive(kInf)));
  REQUIRE(clamp_nonpositive(-kInf) == -kInf);
  REQUIRE(std::signbit(clamp_nonpositive(-0.0)));  // min(-0.0, +0.0) = -0.0
  REQUIRE(!std::signbit(clamp_nonpositive(0.0)));
  REQUIRE(clamp_nonpositive(3.5) == 0.0);
  REQUIRE(clamp_nonpositive(-2.5) == -2.5);

  REQUIRE(std::isnan(gelu_erf(-kInf)));
  REQUIRE(std::isnan(gelu_erf(kNaN)));
  REQUIRE(gelu_erf(-0.0) == 0.0);
  REQUIRE(std::signbit(gelu_erf(-0.0)));
  REQUIRE(!std::signbit(gelu_erf(0.0)));
  REQUIRE(gelu_erf(kInf) == kInf);

  for (DType d : {DType::kFloat32, DType::kFloat16, DType::kBFloat16}) {
    REQUIRE(std::isnan(epilogue_rounded(kNaN, 0.5f, 2.0f, d)));
    REQUIRE(epilogue_rounded(kInf, 0.5f, 2.0f, d) == 0.0f);   // min(+inf, 0) = 0, gelu(0) = 0
    REQUIRE(std::isnan(epilogue_rounded(-kInf, 0.5f, 2.0f, d)));  // gelu(-inf) = NaN
    REQUIRE(std::signbit(epilogue_rounded(-0.0, -0.0f, 2.0f, d)));  // -0 + -0 = -0, stays -0 through min and gelu
    REQUIRE(epilogue_rounded(5.0, 0.5f, 2.0f, d) == 0.0f);
    REQUIRE(std::signbit(epilogue_rounded(-1000.0, 0.0f, 2.0f, d)));  // a negative result too small for any dtype
  }
}

TEST_CASE("epilogue: the double epilogue and its rounding to each dtype are within their bounds of MPFR", "[reference]") {
  Mpfr200 m;
  const std::vector<float> adds = {0.0f, 0.5f, -1.25f, 3.0f};
  const std::vector<float> muls = {2.0f, 1.0f, -0.75f, 1e-3f};
  const DType dtypes[] = {DType::kFloat32, DType::kFloat16, DType::kBFloat16};
  double worst_ulp[3] = {0, 0, 0};
  int64_t checked = 0;
  for (int i = -45 * 64; i <= 8 * 64; ++i) {
    // conv on a 1/64 grid, nudged off it by a hashed fraction so that conv + add is not always exact.
    const double frac = static_cast<double>(test::hash_index(1, static_cast<uint64_t>(i + 20000)) >> 11) * 0x1p-53;
    const double conv = (i + frac) / 64.0;
    for (float add : adds)
      for (float mul : muls) {
        const double t = m.epilogue(conv, add, mul);
        const double got = epilogue(conv, add, mul);
        INFO("conv " << conv << " add " << add << " mul " << mul);
        if (t >= kGeluErfRelErrFloor) {
          REQUIRE(m.abs_err(got) <= epilogue_max_rel_err(t) * std::fabs(mpfr_get_d(m.r, MPFR_RNDN)) +
                                         std::fabs(mul) * kGeluErfMaxAbsErr);
        }
        for (int d = 0; d < 3; ++d) {
          const float r = epilogue_rounded(conv, add, mul, dtypes[d]);
          REQUIRE(r == round_to_dtype(r, dtypes[d]));  // a value of the dtype
          const double ulps = m.abs_err(r) / dtype_ulp(m.r, dtypes[d]);
          worst_ulp[d] = std::max(worst_ulp[d], ulps);
          REQUIRE(ulps <= kEpilogueRoundedMaxUlp);
        }
        ++checked;
      }
  }
  REQUIRE(checked > 50000);
  for (double w : worst_ulp) REQUIRE(w > 0.25);
  WARN("epilogue_rounded: worst error in ULP, float32 " << worst_ulp[0] << ", float16 " << worst_ulp[1] << ", bfloat16 "
                                                       << worst_ulp[2]);  // the rounding was exercised, not only exact zeros
}

}  // namespace gate

namespace gate {

TEST_CASE("epilogue: the tensor form equals the scalar form bit for bit, specials included", "[reference]") {
  std::vector<double> conv = {kNaN, kInf, -kInf, 0.0, -0.0, 1e-300, -1e-300, -0.5, -0.5000001, 3.0, -7.25, -40.0};
  for (int i = 0; i < 5000; ++i) conv.push_back(-60.0 + 70.0 * static_cast<double>(test::hash_index(5, i) >> 11) * 0x1p-53);
  for (DType d : {DType::kFloat32, DType::kFloat16, DType::kBFloat16})
    for (float mul : {2.0f, -0.5f}) {
      std::vector<float> out(conv.size());
      epilogue_rounded(conv, 0.5f, mul, d, out);
      for (size_t i = 0; i < conv.size(); ++i) {
        const float want = epilogue_rounded(conv[i], 0.5f, mul, d);
        INFO("conv " << conv[i] << " dtype " << to_string(d) << " mul " << mul);
        REQUIRE(std::memcmp(&out[i], &want, sizeof(float)) == 0);
      }
    }
  std::vector<float> wrong(3);
  REQUIRE_THROWS_AS(epilogue_rounded(conv, 0.5f, 2.0f, DType::kFloat32, wrong), std::invalid_argument);
}

}  // namespace gate
