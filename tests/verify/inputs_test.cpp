// Tests for verify/inputs.cpp: deterministic inputs whatever the thread count, --seed, and what each distribution
// promises (KernelBench's init bounds, exact sums, the clamp boundary, values representable in the dtype).
#include <catch2/catch.hpp>

#include <omp.h>

#include <cmath>
#include <cstring>

#include "core/dtype.hpp"
#include "reference/transposed_conv.hpp"
#include "verify/catalogue.hpp"
#include "verify/inputs.hpp"
#include "verify/model_candidate.hpp"
#include "verify/ulp.hpp"

using namespace gate;
using namespace gate::verify;

namespace {

const std::string kCasesDir = std::string(GATE_SOURCE_DIR) + "/data/cases";

Case quick_case(const std::string& name) {
  return select_cases(load_suite(kCasesDir, Suite::kQuick, kDefaultMaxMemoryBytes), {name})[0];
}

bool same_bits(const HostTensor& a, const HostTensor& b) {
  if (a.values.size() != b.values.size()) return false;
  for (size_t i = 0; i < a.values.size(); ++i) {
    if (std::memcmp(&a.values[i], &b.values[i], sizeof(float)) != 0) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("inputs: the same on 1 and 2 threads, and changed by --seed", "[verify]") {
  Case c = quick_case("normal_medium");
  omp_set_num_threads(1);
  const CaseInputs one = make_inputs(c, 0);
  omp_set_num_threads(2);
  const CaseInputs two = make_inputs(c, 0);
  const CaseInputs seeded = make_inputs(c, 12345);
  omp_set_num_threads(omp_get_num_procs());
  CHECK(same_bits(one.x, two.x));
  CHECK(same_bits(one.weight, two.weight));
  CHECK(same_bits(*one.bias, *two.bias));
  CHECK_FALSE(same_bits(one.x, seeded.x));
  CHECK(effective_seed(7, 0) == 7);
}

TEST_CASE("inputs: kernelbench follows PyTorch's default init bound 1/sqrt((Cout/groups)·kH·kW)", "[verify]") {
  const Case c = quick_case("kernelbench_small");
  const CaseInputs in = make_inputs(c, 0);
  const Problem& p = c.problem;
  const double bound = 1.0 / std::sqrt(static_cast<double>((p.Cout / p.groups) * p.kH * p.kW));
  for (float v : in.x.values) REQUIRE((v >= 0.0f && v < 1.0f));
  double max_w = 0;
  for (float v : in.weight.values) max_w = std::max(max_w, std::fabs(static_cast<double>(v)));
  CHECK(max_w <= bound);
  CHECK(max_w > 0.9 * bound);
  for (float v : in.bias->values) CHECK(std::fabs(v) <= bound);
}

TEST_CASE("inputs: exact cases have an exact float convolution in any order", "[verify]") {
  int exact_cases = 0;
  for (const Case& c : load_suite(kCasesDir, Suite::kQuick, kDefaultMaxMemoryBytes)) {
    if (c.inputs.distribution != Distribution::kExact) continue;
    ++exact_cases;
    INFO(c.problem.name);
    const CaseInputs in = make_inputs(c, 0);
    Problem p = c.problem;  // add 0, multiply 1: the model's output is then gelu(min(conv, 0)) of its float conv
    p.add_value = 0.0f;
    p.multiply_value = 1.0f;
    const ConvReference ref = reference_transposed_conv(p, in.x, in.weight, in.bias_or_null());
    for (double conv : ref.conv) {
      // A multiple of 2^-5 below 2^11 in magnitude: exact in float32, and the float sum in any order equals it.
      REQUIRE(std::ldexp(conv, 5) == std::round(std::ldexp(conv, 5)));
      REQUIRE(std::fabs(conv) < 2048.0);
    }
    for (SumOrder order : {SumOrder::kForward, SumOrder::kReverse, SumOrder::kPairwise}) {
      ModelConfig cfg;
      cfg.order = order;
      cfg.operands = p.precision == Precision::kTf32 ? OperandRounding::kTf32Truncate : OperandRounding::kNone;
      const HostTensor y = run_model(p, in.x, in.weight, in.bias_or_null(), cfg);
      for (size_t i = 0; i < y.values.size(); ++i) {
        const float z = std::min(static_cast<float>(ref.conv[i]), 0.0f);
        const float expected = round_to_dtype(0.5f * z * (1.0f + std::erf(z * 0.70710678118654752f)), p.dtype);
        REQUIRE(y.values[i] == expected);
      }
    }
  }
  CHECK(exact_cases >= 2);
}

TEST_CASE("inputs: clamp-boundary units put the pre-clamp value on 0 and a few units of add's last place",
          "[verify]") {
  const Case c = quick_case("clamp_boundary_units");
  const CaseInputs in = make_inputs(c, 0);
  const double unit = ulp_in_dtype(c.problem.add_value, c.problem.dtype);
  int zeros = 0;
  for (float x : in.x.values) {
    const double v = static_cast<double>(x) + c.problem.add_value;
    const double k = v / unit;
    REQUIRE(k == std::round(k));
    REQUIRE(std::fabs(k) <= 2.0);
    zeros += v == 0.0;
  }
  CHECK(zeros > 0);
  for (float w : in.weight.values) CHECK(w == 1.0f);
}

TEST_CASE("inputs: 16-bit cases hold values exactly representable in their dtype", "[verify]") {
  for (const Case& c : load_suite(kCasesDir, Suite::kQuick, kDefaultMaxMemoryBytes)) {
    if (c.problem.dtype == DType::kFloat32) continue;
    INFO(c.problem.name);
    const CaseInputs in = make_inputs(c, 0);
    for (float v : in.x.values) REQUIRE((std::isnan(v) || round_to_dtype(v, c.problem.dtype) == v));
    for (float v : in.weight.values) REQUIRE((std::isnan(v) || round_to_dtype(v, c.problem.dtype) == v));
  }
}

TEST_CASE("inputs: the specials case holds NaN, both infinities and subnormals", "[verify]") {
  const CaseInputs in = make_inputs(quick_case("specials"), 0);
  int nan = 0, pinf = 0, ninf = 0, sub = 0;
  for (const HostTensor* t : {&in.x, &in.weight, &*in.bias}) {
    for (float v : t->values) {
      nan += std::isnan(v);
      pinf += v == INFINITY;
      ninf += v == -INFINITY;
      sub += std::fpclassify(v) == FP_SUBNORMAL;
    }
  }
  CHECK(nan > 0);
  CHECK(pinf > 0);
  CHECK(ninf > 0);
  CHECK(sub > 0);
}
