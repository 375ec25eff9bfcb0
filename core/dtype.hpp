// Conversions between float32 and the 16-bit storage types (IEEE binary16 and bfloat16), bit-exact and portable:
// round to nearest even, NaN stays NaN (quiet, sign kept), ±inf kept, subnormals handled both ways.
// The case → inputs → reference | candidate path stores float16/bfloat16 tensors as float32 values (exactly representable),
// and converts to bits only at the edges (.npy files, device buffers).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/problem.hpp"

namespace gate {

float half_bits_to_float(uint16_t bits);      // exact
uint16_t float_to_half_bits(float value);     // round to nearest even
float bf16_bits_to_float(uint16_t bits);      // exact
uint16_t float_to_bf16_bits(float value);     // round to nearest even

// Rounds a float to the nearest value of dtype (identity for float32).
float round_to_dtype(float value, DType dtype);
// Rounds a double to dtype with a single rounding (no double rounding through float for float16/bfloat16).
float round_double_to_dtype(double value, DType dtype);

// Element-wise over spans; to_bits/from_bits accept only float16 and bfloat16.
void to_bits(std::span<const float> values, DType dtype, std::span<uint16_t> bits);
void from_bits(std::span<const uint16_t> bits, DType dtype, std::span<float> values);

}  // namespace gate
