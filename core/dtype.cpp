// float32 ↔ float16/bfloat16 conversions (dtype.hpp). One generic rounding routine on doubles (round to nearest even at
// a given precision and exponent range) serves both 16-bit formats and the double → dtype path, so float16 and bfloat16
// cannot disagree about ties, subnormals or overflow. Checked on all 65,536 bit patterns each way (tests/core/dtype_test.cpp).
#include "core/dtype.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace gate {
namespace {

// A binary floating-point format: mant_bits explicit mantissa bits, emin the smallest normal exponent.
struct Format {
  int mant_bits;
  int emin;
  int emax;
};
constexpr Format kHalf{10, -14, 15};
constexpr Format kBf16{7, -126, 127};
constexpr Format kFloat{23, -126, 127};

// Rounds a finite or infinite double to the nearest value of fmt, ties to even (nearbyint under the default rounding
// mode), with gradual underflow and overflow to ±inf. NaN passes through. Exact: v/q and r*q only shift exponents.
double round_to_format(double v, Format fmt) {
  if (!std::isfinite(v) || v == 0.0) return v;
  int e = 0;
  std::frexp(v, &e);  // v = m · 2^e, 0.5 <= |m| < 1, so the leading bit has exponent e-1
  const int lead = std::max(e - 1, fmt.emin);
  const double quantum = std::ldexp(1.0, lead - fmt.mant_bits);
  const double r = std::nearbyint(v / quantum) * quantum;
  const double max_finite = std::ldexp(2.0 - std::ldexp(1.0, -fmt.mant_bits), fmt.emax);
  if (std::fabs(r) > max_finite) return std::copysign(HUGE_VAL, v);
  return r;
}

// Bits of a value already representable in a 16-bit format with 5 (half) or 8 (bfloat16) exponent bits.
uint16_t encode16(double r, Format fmt, int exp_bits) {
  const uint16_t sign = std::signbit(r) ? 0x8000 : 0;
  const int bias = (1 << (exp_bits - 1)) - 1;
  const uint16_t exp_all_ones = static_cast<uint16_t>(((1 << exp_bits) - 1) << fmt.mant_bits);
  if (std::isinf(r)) return sign | exp_all_ones;
  const double a = std::fabs(r);
  if (a == 0.0) return sign;
  const double min_normal = std::ldexp(1.0, fmt.emin);
  if (a < min_normal) {  // subnormal: a = k · 2^(emin - mant_bits)
    return sign | static_cast<uint16_t>(std::ldexp(a, fmt.mant_bits - fmt.emin));
  }
  int e = 0;
  const double m = std::frexp(a, &e);  // a = m·2^e, m in [0.5, 1)
  const int biased = (e - 1) + bias;
  const auto frac = static_cast<uint16_t>(std::ldexp(m * 2.0 - 1.0, fmt.mant_bits));
  return sign | static_cast<uint16_t>(biased << fmt.mant_bits) | frac;
}

}  // namespace

float half_bits_to_float(uint16_t bits) {
  const uint32_t sign = (bits & 0x8000u) << 16;
  const uint32_t exp = (bits >> 10) & 0x1f;
  const uint32_t frac = bits & 0x3ffu;
  if (exp == 0x1f) return std::bit_cast<float>(sign | 0x7f800000u | (frac << 13));  // inf, or NaN with its payload
  if (exp == 0) {
    const float mag = std::ldexp(static_cast<float>(frac), -24);  // subnormal or zero, exact
    return sign ? -mag : mag;
  }
  return std::bit_cast<float>(sign | ((exp + 112u) << 23) | (frac << 13));
}

uint16_t float_to_half_bits(float value) {
  if (std::isnan(value)) {
    // Quiet NaN, sign and the top payload bits kept.
    const uint32_t b = std::bit_cast<uint32_t>(value);
    return static_cast<uint16_t>(((b >> 16) & 0x8000u) | 0x7e00u | ((b >> 13) & 0x1ffu));
  }
  return encode16(round_to_format(value, kHalf), kHalf, 5);
}

float bf16_bits_to_float(uint16_t bits) { return std::bit_cast<float>(static_cast<uint32_t>(bits) << 16); }

uint16_t float_to_bf16_bits(float value) {
  if (std::isnan(value)) return static_cast<uint16_t>((std::bit_cast<uint32_t>(value) >> 16) | 0x0040u);
  return encode16(round_to_format(value, kBf16), kBf16, 8);
}

float round_to_dtype(float value, DType dtype) {
  switch (dtype) {
    case DType::kFloat32: return value;
    case DType::kFloat16: return half_bits_to_float(float_to_half_bits(value));
    case DType::kBFloat16: return bf16_bits_to_float(float_to_bf16_bits(value));
  }
  return value;
}

float round_double_to_dtype(double value, DType dtype) {
  if (std::isnan(value)) return round_to_dtype(static_cast<float>(value), dtype);
  switch (dtype) {
    case DType::kFloat32: return static_cast<float>(round_to_format(value, kFloat));
    case DType::kFloat16: return static_cast<float>(round_to_format(value, kHalf));
    case DType::kBFloat16: return static_cast<float>(round_to_format(value, kBf16));
  }
  return static_cast<float>(value);
}

void to_bits(std::span<const float> values, DType dtype, std::span<uint16_t> bits) {
  if (values.size() != bits.size()) throw std::invalid_argument("to_bits: span sizes differ");
  if (dtype == DType::kFloat16) {
    for (size_t i = 0; i < values.size(); ++i) bits[i] = float_to_half_bits(values[i]);
  } else if (dtype == DType::kBFloat16) {
    for (size_t i = 0; i < values.size(); ++i) bits[i] = float_to_bf16_bits(values[i]);
  } else {
    throw std::invalid_argument("to_bits: float32 has no 16-bit storage");
  }
}

void from_bits(std::span<const uint16_t> bits, DType dtype, std::span<float> values) {
  if (values.size() != bits.size()) throw std::invalid_argument("from_bits: span sizes differ");
  if (dtype == DType::kFloat16) {
    for (size_t i = 0; i < bits.size(); ++i) values[i] = half_bits_to_float(bits[i]);
  } else if (dtype == DType::kBFloat16) {
    for (size_t i = 0; i < bits.size(); ++i) values[i] = bf16_bits_to_float(bits[i]);
  } else {
    throw std::invalid_argument("from_bits: float32 has no 16-bit storage");
  }
}

}  // namespace gate
