// Host-side check of gpu/mma_flavors.cuh's bf16-pairs split (bf16_pairs_split_a / _b, what Flavor3xTf32Bf16Pairs and
// FlavorV4Tf32Bf16Pairs multiply): the split's own parts against independent roundings done in double, and the error
// of big·big + the pairs' product against the exact v·w, which the flavours' claim bounds by 2^-17·(1 + 2^-10)·|v·w|
// (inside the fp32 contract's γ_{n+2}(2^-24) from kBf16PairsMinTerms products an output). The tensor cores' products
// of TF32 and bf16 factors are exact, so double arithmetic here is what they compute before accumulating. CI has no
// GPU; the kernels themselves are judged against the contract by tests/gpu (fused_test's coherent-rounding case).
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <random>

#include "core/dtype.hpp"
#include "gpu/kernel_shape.hpp"
#include "gpu/mma_flavors.cuh"

namespace {

double low_half(uint32_t pair) { return gate::bf16_bits_to_float(uint16_t(pair)); }
double high_half(uint32_t pair) { return gate::bf16_bits_to_float(uint16_t(pair >> 16)); }
// bf16 round to nearest even: core's portable conversion, not the device intrinsic under test.
double bf16(double x) { return gate::bf16_bits_to_float(gate::float_to_bf16_bits(float(x))); }

// x rounded to TF32's 11 significant bits, to nearest with ties away from zero, in double: independent of the bit
// trick under test. x finite and normal in float here.
double tf32_ties_away(double x) {
  if (x == 0) return x;
  int e;
  const double m = std::frexp(std::fabs(x), &e);  // |x| = m·2^e, m in [0.5, 1)
  return std::copysign(std::ldexp(std::floor(std::ldexp(m, 11) + 0.5), e - 11), x);
}

// What the tensor cores form for one product v·w (before accumulation), with the parts checked on the way.
double pairs_product(float v, float w) {
  uint32_t big_a, pair_a, big_w, pair_w;
  gate::gpu::bf16_pairs_split_a(std::bit_cast<uint32_t>(v), big_a, pair_a);
  gate::gpu::bf16_pairs_split_b(std::bit_cast<uint32_t>(w), big_w, pair_w);
  const double bv = std::bit_cast<float>(big_a), bw = std::bit_cast<float>(big_w);
  // big: v rounded to TF32 (11 significant bits, ties away); the pairs: bf16 (ties even) of the parts.
  REQUIRE(bv == tf32_ties_away(v));
  REQUIRE(bw == tf32_ties_away(w));
  REQUIRE(std::fabs(double(v) - bv) <= std::ldexp(std::fabs(double(v)), -11));
  REQUIRE(low_half(pair_a) == bf16(v));
  REQUIRE(high_half(pair_a) == bf16(double(v) - bv));
  REQUIRE(low_half(pair_w) == bf16(double(w) - bw));
  REQUIRE(high_half(pair_w) == bf16(bw));
  return bv * bw + (low_half(pair_a) * low_half(pair_w) + high_half(pair_a) * high_half(pair_w));
}

double rel_error(float v, float w) {
  const double exact = double(v) * double(w);
  return std::fabs(pairs_product(v, w) - exact) / std::fabs(exact);
}

constexpr double kClaim = 0x1p-17 * (1 + 0x1p-10);

}  // namespace

TEST_CASE("bf16 pairs: every product errs by less than the flavours' claim, and the claim is nearly attained",
          "[gpu_host]") {
  std::mt19937_64 rng(2026'11'27);
  std::uniform_int_distribution<uint32_t> mantissa(0, (1u << 23) - 1), exponent(127 - 40, 127 + 40);
  auto random_float = [&]() {
    return std::bit_cast<float>((uint32_t(rng() & 1) << 31) | (exponent(rng) << 23) | mantissa(rng));
  };
  double worst = 0;
  for (int i = 0; i < 400000; ++i) worst = std::max(worst, rel_error(random_float(), random_float()));
  INFO("largest relative error over random operands: 2^" << std::log2(worst));
  CHECK(worst < kClaim);
  CHECK(worst > 0x1p-19);  // a bound within a factor of 4 of what random operands reach (a test of the test)
}

TEST_CASE("bf16 pairs: the parts at rounding boundaries", "[gpu_host]") {
  // TF32-exact values (small 0), TF32 midpoints (big ties away), values that round up into the next binade, and
  // small parts at bf16 midpoints: the coherent-rounding case of tests/gpu/fused_test.cpp (x_p = 1 + a + d) among them.
  const float a = 0x1p-12f + 0x1p-20f, d = 0x1p-23f;
  const float values[] = {1.0f, -1.5f, 1.0f + 0x1p-11f, 1.0f + 0x1p-11f + 0x1p-23f, 2.0f - 0x1p-23f, -(2.0f - 0x1p-12f),
                          1.0f + a + d, 1.0f + a - d, 3.0f + 0x1p-13f, 0x1p-50f, 0x1.fffffep59f, 0.0f, -0.0f};
  for (float v : values) {
    for (float w : values) {
      const double exact = double(v) * double(w);
      const double got = pairs_product(v, w);
      if (exact == 0) {
        CHECK(got == 0);
        continue;
      }
      INFO("v = " << v << ", w = " << w);
      CHECK(std::fabs(got - exact) < kClaim * std::fabs(exact));
    }
  }
  // The coherent case: both small parts just above a bf16 midpoint — each product errs upward by ~2·2^-20.
  const double err = pairs_product(1.0f + a + d, 1.0f + a + d) - double(1.0f + a + d) * double(1.0f + a + d);
  CHECK(err > 1.5 * 0x1p-20);
}

TEST_CASE("bf16 pairs: the flavours' claim fits the fp32 contract from kBf16PairsMinTerms products", "[gpu_host]") {
  // γ_k(u) = k·u / (1 − k·u) with k = n + 2 (verify/allowance.hpp) at the fp32 contract's u = 2^-24.
  auto gamma = [](double k) { return k * 0x1p-24 / (1 - k * 0x1p-24); };
  CHECK(kClaim <= gamma(gate::gpu::kBf16PairsMinTerms + 2));
  CHECK(kClaim > gamma(gate::gpu::kBf16PairsMinTerms / 2 + 2));  // at half the terms it would not
}
