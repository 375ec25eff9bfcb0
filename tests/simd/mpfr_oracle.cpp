// See tests/simd/mpfr_oracle.hpp.
#include "tests/simd/mpfr_oracle.hpp"

#include <mpfr.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>

namespace gate::simd_test {
namespace {

constexpr mpfr_prec_t kBits = 96;

struct Mp {
  mpfr_t v;
  Mp() { mpfr_init2(v, kBits); }
  ~Mp() { mpfr_clear(v); }
  Mp(const Mp&) = delete;
  Mp& operator=(const Mp&) = delete;
};

// multiply·0.5·v·erfc(-v/√2) for v <= 0 (the caller applies min(·, 0)), into r.
void exact_gelu(Mp& r, double v, double multiply_value) {
  Mp z, t;
  mpfr_set_d(z.v, v, MPFR_RNDN);
  mpfr_sqrt_ui(t.v, 2, MPFR_RNDN);
  mpfr_div(z.v, z.v, t.v, MPFR_RNDN);
  mpfr_neg(z.v, z.v, MPFR_RNDN);
  mpfr_erfc(t.v, z.v, MPFR_RNDN);
  mpfr_mul_d(t.v, t.v, v, MPFR_RNDN);
  mpfr_mul_d(t.v, t.v, 0.5, MPFR_RNDN);
  mpfr_mul_d(r.v, t.v, multiply_value, MPFR_RNDN);
}

GeluError error_against(const Mp& exact, double got, int mantissa_bits, int min_exponent) {
  GeluError e;
  Mp diff;
  mpfr_sub_d(diff.v, exact.v, got, MPFR_RNDN);
  mpfr_abs(diff.v, diff.v, MPFR_RNDN);
  e.abs = mpfr_get_d(diff.v, MPFR_RNDU);
  if (mpfr_zero_p(exact.v) || mpfr_get_exp(exact.v) - 1 < min_exponent) {  // |exact| < 2^min_exponent
    e.exact_is_normal = false;
    return e;
  }
  // ulp = 2^(floor(log2|exact|) - mantissa_bits); mpfr_get_exp is floor(log2|x|) + 1.
  mpfr_mul_2si(diff.v, diff.v, -(mpfr_get_exp(exact.v) - 1 - mantissa_bits), MPFR_RNDN);
  e.ulp = mpfr_get_d(diff.v, MPFR_RNDU);
  return e;
}

template <typename Int, typename T>
Int ordered(T x) {
  Int i;
  std::memcpy(&i, &x, sizeof(T));
  return i < 0 ? -(i & std::numeric_limits<Int>::max()) : i;
}

}  // namespace

float erf_float_correct(float x) {
  Mp m;
  mpfr_set_flt(m.v, x, MPFR_RNDN);
  mpfr_erf(m.v, m.v, MPFR_RNDN);
  return mpfr_get_flt(m.v, MPFR_RNDN);
}

float erfc_float_correct(float x) {
  Mp m;
  mpfr_set_flt(m.v, x, MPFR_RNDN);
  mpfr_erfc(m.v, m.v, MPFR_RNDN);
  return mpfr_get_flt(m.v, MPFR_RNDN);
}

double erf_double_correct(double x) {
  Mp m;
  mpfr_set_d(m.v, x, MPFR_RNDN);
  mpfr_erf(m.v, m.v, MPFR_RNDN);
  return mpfr_get_d(m.v, MPFR_RNDN);
}

double erfc_double_correct(double x) {
  Mp m;
  mpfr_set_d(m.v, x, MPFR_RNDN);
  mpfr_erfc(m.v, m.v, MPFR_RNDN);
  return mpfr_get_d(m.v, MPFR_RNDN);
}

GeluError gelu_float_error(float got, float v, float multiply_value) {
  Mp exact;
  exact_gelu(exact, std::fmin(static_cast<double>(v), 0.0), multiply_value);
  return error_against(exact, got, 23, -126);
}

GeluError gelu_double_error(double got, double v, float multiply_value) {
  Mp exact;
  exact_gelu(exact, std::fmin(v, 0.0), multiply_value);
  return error_against(exact, got, 52, -1022);
}

int64_t ulp_distance(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : INT64_MAX;
  const int64_t d = static_cast<int64_t>(ordered<int32_t>(a)) - ordered<int32_t>(b);
  return d < 0 ? -d : d;
}

int64_t ulp_distance(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : INT64_MAX;
  const int64_t ia = ordered<int64_t>(a), ib = ordered<int64_t>(b);
  // both within ±2^63: the difference fits unless the signs differ at huge magnitudes, which erf never produces
  const int64_t d = ia - ib;
  return d < 0 ? -d : d;
}

}  // namespace gate::simd_test
