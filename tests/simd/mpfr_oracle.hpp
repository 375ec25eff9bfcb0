// The MPFR oracle of tests/simd/ and its checkers: correctly rounded erf/erfc in float and double, the exact GELU
// epilogue, and ulp distances. MPFR computes at 96 bits, then rounds once to the target format (subnormals included);
// a 96-bit value could misround only where erf comes within 2^-43 ulp of a rounding boundary (for float: 2^-72), which
// the CI sample is not built to hit; the exhaustive checker settles its doubtful cases at 256 bits.
#pragma once

#include <cstdint>

namespace gate::simd_test {

float erf_float_correct(float x);
float erfc_float_correct(float x);
double erf_double_correct(double x);
double erfc_double_correct(double x);

// How far `got` is from the exact multiply·gelu(min(v, 0)) (v already the sum in + add in the path's precision).
// For float: ulp of float32 at the exact value; for double: ulp of double. Where the exact value is below the smallest
// normal of the format, *exact_is_normal is false and the absolute error is returned instead.
struct GeluError {
  double ulp = 0.0;
  double abs = 0.0;
  bool exact_is_normal = true;
};
GeluError gelu_float_error(float got, float v, float multiply_value);
GeluError gelu_double_error(double got, double v, float multiply_value);

// Distance in representable values between two floats/doubles (+0 and -0 are the same point); NaN against NaN is 0,
// NaN against a number is INT64_MAX.
int64_t ulp_distance(float a, float b);
int64_t ulp_distance(double a, double b);

}  // namespace gate::simd_test
