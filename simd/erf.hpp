// erf and erfc for float and double over spans, vectorized with Highway (dynamic dispatch). Accuracy claims and the
// commands that check them sit beside the implementation (simd/erf-inl.h) and in simd/README.md.
#pragma once

#include <cstddef>

namespace gate::simd {

// Accuracy claims: the largest distance, in ulp of the result type, from the correctly rounded erf/erfc. What checks them:
//  - float, over all 2^32 inputs: build/tests/simd/gate_simd_exhaustive_check (oracle: glibc's double erf/erfc rounded
//    to float, every doubtful rounding settled by MPFR); in CI a dense sample against MPFR (tests/simd/erf_test.cpp).
//  - double, over 10^8 random inputs: build/tests/simd/gate_simd_double_check (MPFR); in CI 10^5 (tests/simd/erf_test.cpp).
// Error budgets beside each scheme in simd/erf-inl.h; measured figures in bench/RESULTS.md ("simd (CPU)").
inline constexpr double kErfFloatMaxUlp = 1.0;
inline constexpr double kErfcFloatMaxUlp = 1.0;
inline constexpr double kErfDoubleMaxUlp = 1.0;
inline constexpr double kErfcDoubleMaxUlp = 1.0;

void erf_float(const float* in, std::size_t count, float* out);
void erfc_float(const float* in, std::size_t count, float* out);
void erf_double(const double* in, std::size_t count, double* out);
void erfc_double(const double* in, std::size_t count, double* out);

}  // namespace gate::simd
