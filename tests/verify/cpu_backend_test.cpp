// Tests for verify/cpu_backend.cpp: the production-style float path passes every quick case, agrees with the float
// reference to ULPs on exact cases, and the catalogue does not lean on low-trust cases.
#include <catch2/catch.hpp>

#include "verify/case_run.hpp"
#include "verify/catalogue.hpp"
#include "verify/cpu_backend.hpp"
#include "verify/inputs.hpp"

using namespace gate;
using namespace gate::verify;

namespace {
const std::string kCasesDir = std::string(GATE_SOURCE_DIR) + "/data/cases";
}

TEST_CASE("cpu_backend: passes every quick case, and few of them are low-trust", "[verify]") {
  const auto cases = load_suite(kCasesDir, Suite::kQuick, kDefaultMaxMemoryBytes);
  int low_trust = 0;
  for (const Case& c : cases) {
    INFO(c.problem.name);
    const CaseInputs in = make_inputs(c, 0);
    const ReferenceOutput ref = compute_reference(c.problem, in.x, in.weight, in.bias_or_null(),
                                                  c.inputs.distribution == Distribution::kExact, kDefaultUlpBudget);
    const CompareResult r = judge(ref, run_cpu_backend(c.problem, in.x, in.weight, in.bias_or_null()));
    INFO("violations " << r.violations << ", worst utilisation " << r.max_utilisation);
    CHECK(r.passed());
    low_trust += r.low_trust;
  }
  // Only the KernelBench recipe itself (add 0.5) is meant to be low-trust.
  CHECK(low_trust <= 1);
}

TEST_CASE("cpu_backend: on exact cases it is held to ULPs (exact conv, accurate simd epilogue)", "[verify]") {
  for (const char* name : {"exact_basic", "exact_float16", "exact_groups_dilation_tf32"}) {
    INFO(name);
    const Case c = select_cases(load_suite(kCasesDir, Suite::kQuick, kDefaultMaxMemoryBytes), {name})[0];
    const CaseInputs in = make_inputs(c, 0);
    const ReferenceOutput ref = compute_reference(c.problem, in.x, in.weight, in.bias_or_null(), true, 4);
    const CompareResult r = judge(ref, run_cpu_backend(c.problem, in.x, in.weight, in.bias_or_null()));
    CHECK(r.passed());
    CHECK(r.max_ulp < kDefaultUlpBudget);
  }
}

TEST_CASE("cpu_backend: a wrong-shaped candidate is refused by judge", "[verify]") {
  const Case c = select_cases(load_suite(kCasesDir, Suite::kQuick, kDefaultMaxMemoryBytes), {"normal_basic"})[0];
  const CaseInputs in = make_inputs(c, 0);
  const ReferenceOutput ref = compute_reference(c.problem, in.x, in.weight, in.bias_or_null(), false, 4);
  HostTensor y = run_cpu_backend(c.problem, in.x, in.weight, in.bias_or_null());
  y.shape[3] += 1;
  CHECK_THROWS_AS(judge(ref, y), std::invalid_argument);
}
