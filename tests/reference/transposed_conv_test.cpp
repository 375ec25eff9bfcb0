// Tests of reference/transposed_conv.cpp: agreement with the direct loop on many random shapes, the error bound of
// error_bound.hpp against MPFR sums (the one-pass float32 magnitude of fused_output.hpp too), bitwise determinism
// across thread counts, and the exact tier.
#include "reference/transposed_conv.hpp"

#include <mpfr.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>

#include "reference/direct_conv.hpp"
#include "reference/fused_output.hpp"
#include "tests/reference/fill.hpp"
#include "tests/reference/thread_determinism.hpp"

namespace gate {
namespace {

using test::Inputs;

// The reference's per-element results for every output, checked against exact MPFR sums of the same products (each
// exact in double; serial, small shapes only). 256 bits hold every partial sum of fill_spread values exactly: products
// span 2^-40 .. 2^9 with 48-bit significands, and fewer than 2^11 of them are added.
// With `fused`, the one-pass reference's float32 magnitude (fused_output.hpp) is held to its own stated relation too.
void check_against_mpfr(const Problem& p, const Inputs& in, const ConvReference& ref,
                        const FusedReference* fused = nullptr) {
  const int64_t Hout = out_h(p), Wout = out_w(p), Cin_g = p.Cin / p.groups, Cout_g = p.Cout / p.groups;
  const int64_t n_terms = terms_per_output(p);
  mpfr_t sum, abs_sum, term;
  mpfr_inits2(256, sum, abs_sum, term, static_cast<mpfr_ptr>(nullptr));
  int64_t checked = 0;
  for (int64_t n = 0; n < p.N; ++n)
    for (int64_t c = 0; c < p.Cout; ++c)
      for (int64_t oh = 0; oh < Hout; ++oh)
        for (int64_t ow = 0; ow < Wout; ++ow) {
          const int64_t g = c / Cout_g, co = c % Cout_g;
          const double b = p.has_bias ? in.bias.values[c] : 0.0;
          mpfr_set_d(sum, b, MPFR_RNDN);
          mpfr_set_d(abs_sum, std::fabs(b), MPFR_RNDN);
          // Gather form (the transpose of the scatter): independent of both implementations' loop structure.
          for (int64_t ci = 0; ci < Cin_g; ++ci)
            for (int64_t kh = 0; kh < p.kH; ++kh)
              for (int64_t kw = 0; kw < p.kW; ++kw) {
                const int64_t th = oh + p.padding.h - kh * p.dilation.h, tw = ow + p.padding.w - kw * p.dilation.w;
                if (th < 0 || tw < 0 || th % p.stride.h || tw % p.stride.w) continue;
                const int64_t ih = th / p.stride.h, iw = tw / p.stride.w;
                if (ih >= p.H || iw >= p.W) continue;
                const double prod = static_cast<double>(in.x.values[((n * p.Cin + g * Cin_g + ci) * p.H + ih) * p.W + iw]) *
                                    in.weight.values[(((g * Cin_g + ci) * Cout_g + co) * p.kH + kh) * p.kW + kw];
                mpfr_add_d(sum, sum, prod, MPFR_RNDN);
                mpfr_add_d(abs_sum, abs_sum, std::fabs(prod), MPFR_RNDN);
              }
          const int64_t o = ((n * p.Cout + c) * Hout + oh) * Wout + ow;
          mpfr_sub_d(term, sum, ref.conv[o], MPFR_RNDN);
          const double err = std::fabs(mpfr_get_d(term, MPFR_RNDA));
          const double S_down = mpfr_get_d(abs_sum, MPFR_RNDD), S_up = mpfr_get_d(abs_sum, MPFR_RNDU);
          INFO("output " << o << " of " << describe(p) << ": conv " << ref.conv[o] << " err " << err << " S " << S_up
                         << " magnitude " << ref.magnitude[o]);
          REQUIRE(err <= reference_conv_error_bound(n_terms, ref.magnitude[o]));
          REQUIRE(ref.magnitude[o] >= S_up);
          REQUIRE(ref.magnitude[o] <= S_down * (1.0 + magnitude_max_rel_excess(n_terms)) + magnitude_abs_excess(n_terms));
          if (fused) {
            const double mf = fused->magnitude[o];
            REQUIRE(mf >= S_up);
            REQUIRE(mf <= S_down * (1.0 + magnitude_float_max_rel_excess(n_terms)) + magnitude_float_abs_excess(n_terms));
          }
          ++checked;
        }
  mpfr_clears(sum, abs_sum, term, static_cast<mpfr_ptr>(nullptr));
  REQUIRE(checked == element_count(y_shape(p), "y"));
}

}  // namespace

TEST_CASE("transposed_conv: the Eigen reference agrees with the direct loop on 300 random shapes", "[reference]") {
  std::mt19937_64 rng(20261125);
  for (int trial = 0; trial < 300; ++trial) {
    const Problem p = test::random_problem(rng);
    Inputs in = test::make_inputs(p);
    test::fill_uniform(in.x, 100 + trial, -1.0f, 1.0f);
    test::fill_uniform(in.weight, 200 + trial, -1.0f, 1.0f);
    test::fill_uniform(in.bias, 300 + trial, -1.0f, 1.0f);
    const ConvReference ref = reference_transposed_conv(p, in.x, in.weight, in.bias_ptr(p));
    const ConvReference dir = direct_transposed_conv(p, in.x, in.weight, in.bias_ptr(p));
    REQUIRE(ref.conv.size() == static_cast<size_t>(element_count(y_shape(p), "y")));
    REQUIRE(dir.conv.size() == ref.conv.size());
    const int64_t n = terms_per_output(p);
    for (size_t i = 0; i < ref.conv.size(); ++i) {
      INFO(describe(p) << " stride " << p.stride.h << "x" << p.stride.w << " output " << i);
      // Both are double sums of the same exact products: each within γ_n·S of the exact value.
      REQUIRE(std::fabs(ref.conv[i] - dir.conv[i]) <= 2.0 * reference_conv_error_bound(n, ref.magnitude[i]));
      // The direct magnitude is a double sum of non-negative terms: within γ_n(2^-53) of S.
      const double g = gamma_n(n, kReferenceUnitRoundoff);
      REQUIRE(ref.magnitude[i] >= dir.magnitude[i] * (1.0 - g));
      REQUIRE(ref.magnitude[i] <=
              dir.magnitude[i] * (1.0 + g) * (1.0 + magnitude_max_rel_excess(n)) + magnitude_abs_excess(n));
    }
  }
}

TEST_CASE("transposed_conv: conv and magnitude stay within their stated bounds of the exact MPFR sums", "[reference]") {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 40; ++trial) {
    Problem p = test::random_problem(rng);
    Inputs in = test::make_inputs(p);
    test::fill_spread(in.x, 400 + trial);
    test::fill_spread(in.weight, 500 + trial);
    test::fill_spread(in.bias, 600 + trial);
    const FusedReference fused = reference_fused_output(p, in.x, in.weight, in.bias_ptr(p));
    check_against_mpfr(p, in, reference_transposed_conv(p, in.x, in.weight, in.bias_ptr(p)), &fused);
  }
  SECTION("and on a wide reduction (Cin = 96, k = 5x3: up to 1,440 terms an output)") {
    Problem p;
    p.N = 1, p.Cin = 96, p.Cout = 3, p.H = 6, p.W = 5, p.kH = 5, p.kW = 3, p.stride = {1, 1};
    Inputs in = test::make_inputs(p);
    test::fill_spread(in.x, 11);
    test::fill_spread(in.weight, 12);
    test::fill_spread(in.bias, 13);
    const FusedReference fused = reference_fused_output(p, in.x, in.weight, in.bias_ptr(p));
    check_against_mpfr(p, in, reference_transposed_conv(p, in.x, in.weight, in.bias_ptr(p)), &fused);
  }
}

TEST_CASE("transposed_conv: results are bitwise identical for 1, 2 and 7 threads", "[reference]") {
  test::require_same_bytes_for_1_2_7_threads(
      [](const Problem& p, const test::Inputs& in) { return reference_transposed_conv(p, in.x, in.weight, in.bias_ptr(p)); },
      [](const ConvReference& r) { return std::vector{test::bytes_of(r.conv), test::bytes_of(r.magnitude)}; });
}

TEST_CASE("transposed_conv: integer-valued inputs give exact sums, equal bit for bit to the direct loop", "[reference]") {
  std::mt19937_64 rng(99);
  for (int trial = 0; trial < 100; ++trial) {
    const Problem p = test::random_problem(rng);
    Inputs in = test::make_inputs(p);
    test::fill_integers(in.x, 700 + trial, -8, 7);
    test::fill_integers(in.weight, 800 + trial, -8, 7);
    test::fill_integers(in.bias, 900 + trial, -8, 7);
    const ConvReference ref = reference_transposed_conv(p, in.x, in.weight, in.bias_ptr(p));
    const ConvReference dir = direct_transposed_conv(p, in.x, in.weight, in.bias_ptr(p));
    const double excess = magnitude_max_rel_excess(terms_per_output(p));
    const double slack = magnitude_abs_excess(terms_per_output(p));
    for (size_t i = 0; i < ref.conv.size(); ++i) {
      INFO(describe(p) << " output " << i);
      REQUIRE(ref.conv[i] == dir.conv[i]);
      REQUIRE(ref.conv[i] == std::round(ref.conv[i]));
      // S is an exact integer here; the float magnitude sum is exact too, then scaled up by the stated factor.
      REQUIRE(ref.magnitude[i] >= dir.magnitude[i]);
      REQUIRE(ref.magnitude[i] <= dir.magnitude[i] * (1.0 + excess) + slack);
    }
  }
}

TEST_CASE("transposed_conv: a phase no kernel tap reaches holds the bias alone", "[reference]") {
  // k = 1, stride 3: two of every three output rows and columns receive no product.
  Problem p;
  p.N = 1, p.Cin = 2, p.Cout = 2, p.H = 3, p.W = 3, p.kH = 1, p.kW = 1, p.stride = {3, 3}, p.output_padding = {2, 2};
  Inputs in = test::make_inputs(p);
  test::fill_integers(in.x, 1, 1, 5);
  test::fill_integers(in.weight, 2, 1, 5);
  in.bias.values = {-1.5f, 2.25f};
  const ConvReference ref = reference_transposed_conv(p, in.x, in.weight, &in.bias);
  const int64_t Hout = out_h(p), Wout = out_w(p);
  REQUIRE(Hout == 9);
  for (int64_t c = 0; c < 2; ++c)
    for (int64_t oh = 0; oh < Hout; ++oh)
      for (int64_t ow = 0; ow < Wout; ++ow) {
        if (oh % 3 == 0 && ow % 3 == 0) continue;
        REQUIRE(ref.conv[(c * Hout + oh) * Wout + ow] == in.bias.values[c]);
        REQUIRE(ref.magnitude[(c * Hout + oh) * Wout + ow] >= std::fabs(in.bias.values[c]));
      }
}

TEST_CASE("transposed_conv: the magnitude stays an upper bound when float32 products underflow", "[reference]") {
  // |x·w| = 2^-100 · 2^-60 = 2^-160: exact in double (conv), zero in the float32 magnitude GEMM.
  Problem p;
  p.Cin = 3, p.Cout = 2, p.H = 2, p.W = 3, p.kH = 2, p.kW = 2, p.has_bias = false;
  Inputs in = test::make_inputs(p);
  for (float& v : in.x.values) v = 0x1p-100f;
  for (float& v : in.weight.values) v = -0x1p-60f;
  const ConvReference ref = reference_transposed_conv(p, in.x, in.weight, nullptr);
  const ConvReference dir = direct_transposed_conv(p, in.x, in.weight, nullptr);
  for (size_t i = 0; i < ref.conv.size(); ++i) {
    REQUIRE(ref.conv[i] == dir.conv[i]);
    REQUIRE(ref.conv[i] < 0);
    REQUIRE(ref.magnitude[i] >= dir.magnitude[i]);
    REQUIRE(ref.magnitude[i] <= magnitude_abs_excess(terms_per_output(p)));
  }
}

TEST_CASE("transposed_conv: non-finite weights and inputs give NaN and inf exactly where the direct loop has them",
          "[reference]") {
  // A weight ±inf or NaN must not meet the zeros that stand for input outside the image (0·inf = NaN): PyTorch's
  // definition has no such term. Padding and stride 2 make many taps fall outside the input.
  std::mt19937_64 rng(5);
  int64_t nonfinite = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const Problem p = test::random_problem(rng);
    Inputs in = test::make_inputs(p);
    test::fill_uniform(in.x, 40 + trial, -1.0f, 1.0f);
    test::fill_uniform(in.weight, 50 + trial, -1.0f, 1.0f);
    test::fill_uniform(in.bias, 60 + trial, -1.0f, 1.0f);
    const float specials[] = {INFINITY, -INFINITY, NAN};
    in.weight.values[static_cast<size_t>(trial) % in.weight.values.size()] = specials[trial % 3];
    if (trial % 4 == 0) in.x.values[0] = 0.0f;  // 0 · inf = NaN is a real term where x is 0
    // Non-finite inputs too, from the second half on: an infinite x must meet neither a zeroed weight nor a padding 0.
    if (trial >= 30) in.x.values[static_cast<size_t>(trial * 7) % in.x.values.size()] = specials[(trial + 1) % 3];
    const ConvReference ref = reference_transposed_conv(p, in.x, in.weight, in.bias_ptr(p));
    const ConvReference dir = direct_transposed_conv(p, in.x, in.weight, in.bias_ptr(p));
    const int64_t n = terms_per_output(p);
    for (size_t i = 0; i < ref.conv.size(); ++i) {
      INFO(describe(p) << " output " << i << ": reference " << ref.conv[i] << " direct " << dir.conv[i]);
      REQUIRE(std::isnan(ref.conv[i]) == std::isnan(dir.conv[i]));
      if (std::isinf(dir.conv[i])) REQUIRE(ref.conv[i] == dir.conv[i]);
      if (std::isfinite(dir.conv[i])) {
        REQUIRE(std::fabs(ref.conv[i] - dir.conv[i]) <= 2.0 * reference_conv_error_bound(n, ref.magnitude[i]));
      } else {
        ++nonfinite;
      }
    }
  }
  REQUIRE(nonfinite > 100);  // the special weights reached many outputs (a cropped tap may reach none)
}

TEST_CASE("transposed_conv: tensors of the wrong shape are refused", "[reference]") {
  Problem p;
  p.Cin = 2, p.Cout = 3, p.H = 4, p.W = 4, p.kH = 2, p.kW = 2;
  Inputs in = test::make_inputs(p);
  HostTensor bad = make_tensor({1, 2, 4, 5}, DType::kFloat32, "x");
  REQUIRE_THROWS_AS(reference_transposed_conv(p, bad, in.weight, &in.bias), std::invalid_argument);
  REQUIRE_THROWS_AS(reference_transposed_conv(p, in.x, in.weight, nullptr), std::invalid_argument);
}

}  // namespace gate
