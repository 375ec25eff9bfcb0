// Tests for verify/self_test.cpp and verify/mutants.cpp: soundness (every legitimate variant — summation orders, fma,
// PyTorch's float GELUs, staged float16/bfloat16 rounding, TF32 operands under tf32 — passes every quick case) and
// tightness (every mutant is caught by some quick case). The mutation score `verify --self-test` prints is asserted.
#include <catch2/catch.hpp>

#include "verify/catalogue.hpp"
#include "verify/mutants.hpp"
#include "verify/self_test.hpp"

using namespace gate;
using namespace gate::verify;

TEST_CASE("self_test: on the quick suite every mutant is caught and no legitimate variant is rejected",
          "[verify][slow]") {
  const auto cases = load_suite(std::string(GATE_SOURCE_DIR) + "/data/cases", Suite::kQuick, kDefaultMaxMemoryBytes);
  const SelfTestOutcome o = run_self_test(cases, 0, kDefaultUlpBudget);
  for (const VariantOutcome& v : o.variants) {
    INFO("legitimate variant " << v.name);
    CHECK(v.cases_run > 0);
    for (const CaseResult& r : v.rejections) FAIL_CHECK("rejected on " << r.case_name);
  }
  for (const MutantOutcome& m : o.mutants) {
    INFO("mutant " << m.name);
    CHECK(m.cases_run > 0);
    CHECK_FALSE(m.caught_by.empty());
  }
  CHECK(o.mutants_caught() == static_cast<int>(mutants().size()));
  CHECK(o.passed());
  CHECK(self_test_report(o).find("mutation score: 10/10 mutants caught; 10/10 legitimate variants accepted") !=
        std::string::npos);
}

TEST_CASE("self_test: the issue's mutants are all in the list", "[verify]") {
  std::vector<std::string> names;
  for (const Variant& m : mutants()) names.push_back(m.name);
  for (const char* required : {"tanh_gelu", "fmin_drops_nan", "missing_bias", "flipped_kernel", "last_rows_wrong",
                               "one_element_off", "tf32_under_fp32", "erf_off_1e-4"}) {
    CHECK(std::find(names.begin(), names.end(), required) != names.end());
  }
}
