// ULP arithmetic in the output dtype: the spacing of float32 / float16 / bfloat16 numbers at a value, and the distance
// between a candidate and the (double) reference in those units. First step of compare: every report figure in ULP
// comes from here.
#pragma once

#include "core/problem.hpp"

namespace gate::verify {

// Significand bits (implicit bit included) and the smallest normal exponent of each dtype.
int significand_bits(DType dtype);   // 24, 11, 8
int min_normal_exponent(DType dtype);  // -126, -14, -126

// The spacing of dtype numbers in the binade that holds |value|: 2^(e - p + 1) for 2^e <= |value| < 2^(e+1), and the
// subnormal spacing 2^(emin - p + 1) below the normal range (so ulp(0) is the smallest subnormal). value must be finite.
double ulp_in_dtype(double value, DType dtype);

// Unit roundoff of dtype (half the ulp of 1): 2^-24, 2^-11, 2^-8.
double unit_roundoff(DType dtype);

// The smallest positive subnormal of dtype: 2^-149, 2^-24, 2^-133.
double min_subnormal(DType dtype);

// |candidate - reference| / ulp_in_dtype(reference): the error in ULP of the reference's binade. Both finite.
double ulp_error(double candidate, double reference, DType dtype);

}  // namespace gate::verify
