// Tests of reference/direct_conv.cpp on hand-computed cases (the random-shape comparison with the Eigen reference is in
// transposed_conv_test.cpp, the PyTorch goldens in golden_test.cpp).
#include "reference/direct_conv.hpp"

#include <catch2/catch.hpp>

#include "tests/reference/fill.hpp"

namespace gate {

TEST_CASE("direct_conv: a 2x2 input with a 2x2 kernel at stride 2 tiles the kernel scaled by each input", "[reference]") {
  Problem p;
  p.H = p.W = 2, p.kH = p.kW = 2, p.stride = {2, 2};
  test::Inputs in = test::make_inputs(p);
  in.x.values = {1, 2, 3, 4};
  in.weight.values = {1, -1, 0.5f, 2};
  in.bias.values = {10};
  const ConvReference r = direct_transposed_conv(p, in.x, in.weight, &in.bias);
  const std::vector<double> want = {11, 9, 12, 8, 10.5, 12, 11, 14, 13, 7, 14, 6, 11.5, 16, 12, 18};
  REQUIRE(r.conv == want);
  REQUIRE(r.magnitude[1] == 11);  // |1·(-1)| + |10|
}

TEST_CASE("direct_conv: overlapping taps at stride 1 add up, padding crops, groups keep channels apart", "[reference]") {
  // 1-D along W: x = [1, 2, 3], w = [1, 10, 100], stride 1 → full correlation [1, 12, 123, 230, 300]; padding 1 keeps
  // the middle three.
  Problem p;
  p.W = 3, p.kW = 3, p.has_bias = false;
  test::Inputs in = test::make_inputs(p);
  in.x.values = {1, 2, 3};
  in.weight.values = {1, 10, 100};
  REQUIRE(direct_transposed_conv(p, in.x, in.weight, nullptr).conv == std::vector<double>{1, 12, 123, 230, 300});
  p.padding = {0, 1};
  REQUIRE(direct_transposed_conv(p, in.x, in.weight, nullptr).conv == std::vector<double>{12, 123, 230});

  // Two groups of one channel each: output channel g sees input channel g only.
  Problem q;
  q.Cin = 2, q.Cout = 2, q.groups = 2, q.has_bias = false;
  test::Inputs iq = test::make_inputs(q);
  iq.x.values = {3, 5};
  iq.weight.values = {2, 7};
  REQUIRE(direct_transposed_conv(q, iq.x, iq.weight, nullptr).conv == std::vector<double>{6, 35});
}

TEST_CASE("direct_conv: dilation spreads the taps and output_padding adds rows that only the bias reaches", "[reference]") {
  Problem p;
  p.W = 1, p.kW = 2, p.dilation = {1, 3}, p.stride = {1, 4}, p.output_padding = {0, 3};
  test::Inputs in = test::make_inputs(p);
  in.x.values = {2};
  in.weight.values = {5, 7};
  in.bias.values = {1};
  // Wout = 0·4 + 3·1 + 3 + 1 = 7: taps at 0 and 3, bias elsewhere.
  REQUIRE(direct_transposed_conv(p, in.x, in.weight, &in.bias).conv == std::vector<double>{11, 1, 1, 15, 1, 1, 1});
}

}  // namespace gate
