// ULP arithmetic in the output dtype (ulp.hpp).
#include "verify/ulp.hpp"

#include <cmath>

namespace gate::verify {

int significand_bits(DType dtype) {
  switch (dtype) {
    case DType::kFloat32: return 24;
    case DType::kFloat16: return 11;
    case DType::kBFloat16: return 8;
  }
  return 24;
}

int min_normal_exponent(DType dtype) { return dtype == DType::kFloat16 ? -14 : -126; }

double ulp_in_dtype(double value, DType dtype) {
  const int p = significand_bits(dtype);
  const int emin = min_normal_exponent(dtype);
  const double a = std::fabs(value);
  int e = emin;
  if (a >= std::ldexp(1.0, emin)) {
    int exp2 = 0;
    std::frexp(a, &exp2);  // a = f * 2^exp2 with f in [0.5, 1): the binade is [2^(exp2-1), 2^exp2)
    e = exp2 - 1;
  }
  return std::ldexp(1.0, e - p + 1);
}

double unit_roundoff(DType dtype) { return std::ldexp(1.0, -significand_bits(dtype)); }

double min_subnormal(DType dtype) {
  return std::ldexp(1.0, min_normal_exponent(dtype) - significand_bits(dtype) + 1);
}

double ulp_error(double candidate, double reference, DType dtype) {
  return std::fabs(candidate - reference) / ulp_in_dtype(reference, dtype);
}

}  // namespace gate::verify
