// tests/core/problem_test.cpp — derived sizes follow PyTorch's formula; validation names the field at fault.
#include "core/problem.hpp"

#include <catch2/catch.hpp>

using namespace gate;

namespace {

Problem seed_problem() {
  Problem p;
  p.name = "seed";
  p.N = 128, p.Cin = 64, p.Cout = 128, p.H = 64, p.W = 64, p.kH = 4, p.kW = 4;
  p.stride = {2, 2};
  p.add_value = 0.5f;
  p.multiply_value = 2.0f;
  return p;
}

std::string validation_message(const Problem& p, uint64_t limit = kDefaultMaxMemoryBytes) {
  try {
    validate(p, limit);
  } catch (const ProblemError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("problem: the seed workload's output is 128x128x130x130", "[core]") {
  const Problem p = seed_problem();
  REQUIRE(out_h(p) == 130);
  REQUIRE(out_w(p) == 130);
  REQUIRE(y_shape(p) == std::vector<int64_t>{128, 128, 130, 130});
  REQUIRE(weight_shape(p) == std::vector<int64_t>{64, 128, 4, 4});
  REQUIRE(terms_per_output(p) == 64 * 16);
  REQUIRE(validation_message(p).empty());
}

TEST_CASE("problem: output size uses every parameter as PyTorch does", "[core]") {
  Problem p;
  p.H = 7, p.W = 5, p.kH = 3, p.kW = 2;
  p.stride = {3, 2};
  p.padding = {1, 0};
  p.output_padding = {2, 1};
  p.dilation = {2, 3};
  // (7-1)*3 - 2 + 2*(3-1) + 2 + 1 = 23; (5-1)*2 - 0 + 3*(2-1) + 1 + 1 = 13
  REQUIRE(out_h(p) == 23);
  REQUIRE(out_w(p) == 13);
  REQUIRE(validation_message(p).empty());
}

TEST_CASE("problem: validation names the field at fault", "[core]") {
  Problem p = seed_problem();
  SECTION("non-positive sizes") {
    p.Cin = 0;
    REQUIRE_THAT(validation_message(p), Catch::Contains("Cin must be positive"));
  }
  SECTION("negative padding") {
    p.padding.w = -1;
    REQUIRE_THAT(validation_message(p), Catch::Contains("padding[1]"));
  }
  SECTION("channels not divisible by groups") {
    p.groups = 3;
    REQUIRE_THAT(validation_message(p), Catch::Contains("groups: Cin=64 is not divisible"));
    p.Cin = 63;
    p.Cout = 128;
    REQUIRE_THAT(validation_message(p), Catch::Contains("groups: Cout=128"));
  }
  SECTION("output_padding not smaller than stride or dilation") {
    p.output_padding = {2, 0};
    REQUIRE_THAT(validation_message(p), Catch::Contains("output_padding[0]=2"));
    p.dilation = {3, 1};  // smaller than dilation is enough (PyTorch's rule)
    REQUIRE(validation_message(p).empty());
  }
  SECTION("an empty output") {
    p.H = 1, p.W = 1, p.kH = 1, p.kW = 1, p.padding = {1, 1};
    REQUIRE_THAT(validation_message(p), Catch::Contains("output would be empty"));
  }
  SECTION("counts overflowing 64 bits") {
    p.N = int64_t{1} << 31;
    p.Cout = int64_t{1} << 31;
    REQUIRE_THAT(validation_message(p), Catch::Contains("overflows 64 bits"));
  }
  SECTION("absurd dimensions") {
    p.H = int64_t{1} << 40;
    REQUIRE_THAT(validation_message(p), Catch::Contains("H is"));
  }
  SECTION("over the memory limit") {
    REQUIRE_THAT(validation_message(p, 1 << 20), Catch::Contains("memory: the case needs"));
    REQUIRE_THAT(validation_message(p, 1 << 20), Catch::Contains("--max-memory"));
  }
}

TEST_CASE("problem: dtype and precision names round-trip and unknown names are refused", "[core]") {
  for (DType d : {DType::kFloat32, DType::kFloat16, DType::kBFloat16}) REQUIRE(parse_dtype(to_string(d)) == d);
  for (Precision q : {Precision::kFp32, Precision::kTf32}) REQUIRE(parse_precision(to_string(q)) == q);
  REQUIRE_THROWS_WITH(parse_dtype("float64"), Catch::Contains("dtype: unknown value \"float64\""));
  REQUIRE_THROWS_WITH(parse_precision("fp16"), Catch::Contains("precision"));
}
