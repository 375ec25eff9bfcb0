// Tests for verify/terms.cpp: the number of products an output element can receive.
#include <catch2/catch.hpp>

#include "verify/terms.hpp"

using namespace gate::verify;

TEST_CASE("terms: a stride-2 kernel of 4 gives 2 taps per output and axis", "[verify]") {
  CHECK(max_taps_per_output(4, 2, 1) == 2);
  CHECK(max_taps_per_output(3, 2, 1) == 2);
  CHECK(max_taps_per_output(2, 3, 1) == 1);  // stride over kernel
  CHECK(max_taps_per_output(3, 1, 2) == 3);  // stride 1: every tap
  CHECK(max_taps_per_output(3, 2, 2) == 3);  // dilation 2, stride 2: every tap has the same residue
}

TEST_CASE("terms: the seed workload sums 64·2·2 = 256 products per output", "[verify]") {
  gate::Problem p;
  p.Cin = 64;
  p.Cout = 128;
  p.kH = p.kW = 4;
  p.stride = {2, 2};
  CHECK(max_terms_per_output(p) == 256);
  CHECK(max_terms_per_output(p) <= gate::terms_per_output(p));
  p.groups = 4;
  CHECK(max_terms_per_output(p) == 64);
}
