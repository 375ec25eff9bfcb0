// tests/core/dtype_test.cpp — float16/bfloat16 conversions on all 65,536 bit patterns each way: decoding against an
// independent formula, round trips, every midpoint between neighbours (ties to even), NaN, ±inf and subnormals.
#include "core/dtype.hpp"

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>

using namespace gate;

namespace {

// Independent decode: value = (-1)^s · 2^(e-bias) · (1 + f/2^m), or subnormal 2^(1-bias) · f/2^m.
double decode_formula(uint16_t bits, int exp_bits, int mant_bits) {
  const int bias = (1 << (exp_bits - 1)) - 1;
  const int sign = bits >> 15;
  const int e = (bits >> mant_bits) & ((1 << exp_bits) - 1);
  const int f = bits & ((1 << mant_bits) - 1);
  double v = 0;
  if (e == (1 << exp_bits) - 1) v = f ? NAN : INFINITY;
  else if (e == 0) v = std::ldexp(f, 1 - bias - mant_bits);
  else v = std::ldexp(1.0 + std::ldexp(f, -mant_bits), e - bias);
  return sign ? -v : v;
}

struct Format16 {
  const char* name;
  float (*decode)(uint16_t);
  uint16_t (*encode)(float);
  int exp_bits;
  int mant_bits;
};

const Format16 kFormats[] = {
    {"float16", half_bits_to_float, float_to_half_bits, 5, 10},
    {"bfloat16", bf16_bits_to_float, float_to_bf16_bits, 8, 7},
};

bool is_nan16(uint16_t b, const Format16& f) {
  const uint16_t exp_mask = static_cast<uint16_t>(((1 << f.exp_bits) - 1) << f.mant_bits);
  return (b & exp_mask) == exp_mask && (b & ((1 << f.mant_bits) - 1)) != 0;
}

}  // namespace

TEST_CASE("dtype: every 16-bit pattern decodes to the value its fields encode", "[core]") {
  for (const auto& f : kFormats) {
    SECTION(f.name) {
      for (uint32_t b = 0; b < 65536; ++b) {
        const float got = f.decode(static_cast<uint16_t>(b));
        const double want = decode_formula(static_cast<uint16_t>(b), f.exp_bits, f.mant_bits);
        if (std::isnan(want)) {
          REQUIRE(std::isnan(got));
          REQUIRE(std::signbit(got) == bool(b >> 15));
        } else {
          REQUIRE(static_cast<double>(got) == want);
          REQUIRE(std::signbit(got) == bool(b >> 15));  // -0.0 stays -0.0
        }
      }
    }
  }
}

TEST_CASE("dtype: every 16-bit pattern survives float and back; NaN stays a quiet NaN", "[core]") {
  for (const auto& f : kFormats) {
    SECTION(f.name) {
      for (uint32_t b = 0; b < 65536; ++b) {
        const uint16_t bits = static_cast<uint16_t>(b);
        const uint16_t back = f.encode(f.decode(bits));
        if (is_nan16(bits, f)) {
          REQUIRE(is_nan16(back, f));
          REQUIRE((back >> 15) == (bits >> 15));
          REQUIRE((back & (1 << (f.mant_bits - 1))) != 0);  // quiet bit set
        } else {
          REQUIRE(back == bits);
        }
      }
    }
  }
}

TEST_CASE("dtype: midpoints between neighbours round to the even one, and one float either side to the nearer", "[core]") {
  for (const auto& f : kFormats) {
    SECTION(f.name) {
      const uint16_t max_finite = static_cast<uint16_t>((((1 << f.exp_bits) - 1) << f.mant_bits) - 1);
      for (uint16_t sign : {uint16_t{0}, uint16_t{0x8000}}) {
        for (uint32_t b = 0; b <= max_finite; ++b) {
          const uint16_t lo = static_cast<uint16_t>(b | sign);
          // The neighbour above max_finite is infinity: the midpoint there still rounds to even (infinity).
          const uint16_t hi = static_cast<uint16_t>((b + 1) | sign);
          const double a = f.decode(lo), c = f.decode(hi);
          const uint16_t even = (lo & 1) ? hi : lo;
          if (std::isinf(c)) {
            // Overflow threshold: the midpoint max_finite + ulp/2 rounds to infinity (the even neighbour).
            const double m = a + (a - static_cast<double>(f.decode(static_cast<uint16_t>(lo - 1)))) / 2;
            REQUIRE(f.encode(static_cast<float>(m)) == hi);
            REQUIRE(f.encode(std::nextafter(static_cast<float>(m), 0.0f)) == lo);
            continue;
          }
          const float mid = static_cast<float>((a + c) / 2);
          REQUIRE(static_cast<double>(mid) == (a + c) / 2);  // exact in float for both formats
          REQUIRE(f.encode(mid) == even);
          REQUIRE(f.encode(std::nextafter(mid, static_cast<float>(a))) == lo);
          REQUIRE(f.encode(std::nextafter(mid, static_cast<float>(c))) == hi);
        }
      }
    }
  }
}

TEST_CASE("dtype: float16 rounding agrees with the compiler's _Float16 on a sweep of float bit patterns", "[core]") {
  // _Float16 conversion (GCC, x86-64) is an independent oracle for float → half.
  for (uint64_t b = 0; b < (uint64_t{1} << 32); b += 4099) {
    const float v = std::bit_cast<float>(static_cast<uint32_t>(b));
    if (std::isnan(v)) continue;
    const _Float16 h = static_cast<_Float16>(v);
    REQUIRE(float_to_half_bits(v) == std::bit_cast<uint16_t>(h));
  }
}

TEST_CASE("dtype: bfloat16 rounding matches round-to-nearest-even on the top 16 bits", "[core]") {
  for (uint64_t b = 0; b < (uint64_t{1} << 32); b += 4099) {
    const uint32_t u = static_cast<uint32_t>(b);
    const float v = std::bit_cast<float>(u);
    if (std::isnan(v)) continue;
    // Classic integer RNE: add 0x7fff plus the lowest kept bit, truncate (overflow carries into infinity correctly).
    const uint16_t want = static_cast<uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
    REQUIRE(float_to_bf16_bits(v) == want);
  }
}

TEST_CASE("dtype: a double is rounded to float16 once, not twice through float", "[core]") {
  // 1 + 2^-11 + 2^-40 lies just above the half midpoint 1 + 2^-11; through float it would become the tie 1 + 2^-11
  // and round to even (1.0). A single rounding gives the upper neighbour 1 + 2^-10.
  const double v = 1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40);
  REQUIRE(round_double_to_dtype(v, DType::kFloat16) == 1.0f + std::ldexp(1.0f, -10));
  REQUIRE(round_to_dtype(static_cast<float>(v), DType::kFloat16) == 1.0f);
  REQUIRE(round_double_to_dtype(-0.0, DType::kBFloat16) == 0.0f);
  REQUIRE(std::signbit(round_double_to_dtype(-0.0, DType::kBFloat16)));
  REQUIRE(std::isnan(round_double_to_dtype(NAN, DType::kFloat16)));
  REQUIRE(round_double_to_dtype(1e300, DType::kFloat32) == INFINITY);
  REQUIRE(round_double_to_dtype(std::ldexp(1.0, -150) * 1.5, DType::kFloat32) == std::ldexp(1.0f, -149));
  REQUIRE(round_double_to_dtype(std::ldexp(1.0, -150), DType::kFloat32) == 0.0f);  // tie to even: zero
  REQUIRE(round_double_to_dtype(65519.99, DType::kFloat16) == 65504.0f);
  REQUIRE(round_double_to_dtype(65520.0, DType::kFloat16) == INFINITY);
}
