// Tests for verify/nan_tolerance.cpp: the mask covers exactly the outputs where a zero-filled implicit GEMM turns a
// non-finite weight into a NaN that PyTorch's definition does not have.
#include <catch2/catch.hpp>

#include <cmath>

#include "reference/direct_conv.hpp"
#include "reference/epilogue.hpp"
#include "reference/transposed_conv.hpp"
#include "verify/case_run.hpp"
#include "verify/catalogue.hpp"
#include "verify/inputs.hpp"
#include "verify/model_candidate.hpp"
#include "verify/nan_tolerance.hpp"

using namespace gate;
using namespace gate::verify;

TEST_CASE("nan_tolerance: empty when every weight is finite", "[verify]") {
  Problem p;
  p.Cin = 2;
  p.Cout = 2;
  p.H = p.W = 3;
  p.kH = p.kW = 2;
  HostTensor w = make_tensor(weight_shape(p), DType::kFloat32, "weight");
  CHECK(padding_nan_mask(p, w).empty());
  w.values[3] = INFINITY;  // ci 0, co 0, kh 1, kw 1: misses the input for output row 0 and column 0
  const auto mask = padding_nan_mask(p, w);
  REQUIRE(mask.size() == static_cast<size_t>(1 * 2 * 4 * 4));
  CHECK(mask[0] == 1);        // (0, 0, 0, 0)
  CHECK(mask[1 * 4 + 1] == 0);  // (0, 0, 1, 1): the tap reads x[0, 0, 0, 0]
  CHECK(mask[16] == 0);       // channel 1 has no non-finite weight
}

TEST_CASE("nan_tolerance: every NaN of a zero-filled implementation on the specials cases is in the mask",
          "[verify]") {
  const auto cases = load_suite(std::string(GATE_SOURCE_DIR) + "/data/cases", Suite::kQuick, kDefaultMaxMemoryBytes);
  for (const char* name : {"specials", "specials_float16"}) {
    INFO(name);
    const Case c = select_cases(cases, {name})[0];
    const CaseInputs in = make_inputs(c, 0);
    const auto mask = padding_nan_mask(c.problem, in.weight);
    REQUIRE_FALSE(mask.empty());
    const ConvReference strict = direct_transposed_conv(c.problem, in.x, in.weight, in.bias_or_null());
    const ConvReference eigen = reference_transposed_conv(c.problem, in.x, in.weight, in.bias_or_null());
    ModelConfig zero_fill;
    zero_fill.zero_fill_taps = true;
    const HostTensor y = run_model(c.problem, in.x, in.weight, in.bias_or_null(), zero_fill);
    int extra_nans = 0;
    for (size_t i = 0; i < mask.size(); ++i) {
      // The model's output is after the epilogue: gelu(−inf) is NaN in every implementation.
      if (std::isnan(epilogue(strict.conv[i], c.problem.add_value, c.problem.multiply_value))) continue;
      const bool extra = std::isnan(y.values[i]) ||
                         std::isnan(epilogue(eigen.conv[i], c.problem.add_value, c.problem.multiply_value));
      if (extra) {
        ++extra_nans;
        INFO("output " << i << ": strict conv " << strict.conv[i] << ", eigen conv " << eigen.conv[i] << ", model "
                       << y.values[i]);
        REQUIRE(mask[i] == 1);
      }
    }
    CHECK(extra_nans > 0);  // the case does exercise the difference
  }
}

TEST_CASE("nan_tolerance: under tf32 an infinite input meeting a weight TF32 rounds to 0 may give NaN, under fp32 not",
          "[verify]") {
  Problem p;
  p.Cin = 1, p.Cout = 1, p.H = 2, p.W = 2, p.kH = 2, p.kW = 2;  // 3x3 output, no padding
  HostTensor x = make_tensor(x_shape(p), DType::kFloat32, "x");
  HostTensor w = make_tensor(weight_shape(p), DType::kFloat32, "weight");
  HostTensor b = make_tensor(bias_shape(p), DType::kFloat32, "bias");
  for (float& v : w.values) v = 0.5f;
  x.values[0] = INFINITY;     // x[0, 0, 0, 0]
  w.values[3] = 1e-42f;       // w[0, 0, 1, 1]: a float32 subnormal below 2^-136, zero in TF32
  const auto mask = tf32_flush_nan_mask(p, x, w);
  REQUIRE(mask.size() == 9u);
  for (size_t i = 0; i < 9; ++i) CHECK(mask[i] == (i == 1 * 3 + 1 ? 1 : 0));  // only output (1, 1) gets inf·w[1,1]
  p.precision = Precision::kTf32;
  REQUIRE(compute_reference(p, x, w, &b, false, kDefaultUlpBudget).nan_tolerated == mask);
  p.precision = Precision::kFp32;
  REQUIRE(compute_reference(p, x, w, &b, false, kDefaultUlpBudget).nan_tolerated.empty());
}
