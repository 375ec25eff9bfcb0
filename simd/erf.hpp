// erf and erfc for float and double over spans, vectorized with Highway (dynamic dispatch). Accuracy claims and the
// commands that check them sit beside the implementation (simd/erf-inl.h) and in simd/README.md.
#pragma once

#include <cstddef>

namespace gate::simd {

void erf_float(const float* in, std::size_t count, float* out);
void erfc_float(const float* in, std::size_t count, float* out);
void erf_double(const double* in, std::size_t count, double* out);
void erfc_double(const double* in, std::size_t count, double* out);

}  // namespace gate::simd
