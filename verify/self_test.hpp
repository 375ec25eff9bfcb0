// `verify --self-test`: every legitimate variant (mutants.hpp) judged on every case it applies to, every mutant on
// every case it applies to; the mutation score is the fraction of mutants some case rejects. The gate is sound when no
// legitimate variant is rejected and tight when every mutant is caught.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "verify/case_file.hpp"
#include "verify/case_run.hpp"

namespace gate::verify {

struct MutantOutcome {
  std::string name, what;
  int cases_run = 0;
  std::vector<std::string> caught_by;  // cases that rejected it
};

struct VariantOutcome {
  std::string name, what;
  int cases_run = 0;
  std::vector<CaseResult> rejections;  // must stay empty
};

struct SelfTestOutcome {
  std::vector<VariantOutcome> variants;
  std::vector<MutantOutcome> mutants;
  int mutants_caught() const;
  int variants_rejected() const;
  bool passed() const { return mutants_caught() == static_cast<int>(mutants.size()) && variants_rejected() == 0; }
};

// progress(i, n, case name) is called before each case.
SelfTestOutcome run_self_test(const std::vector<Case>& cases, uint64_t run_seed, double ulp_budget,
                              const std::function<void(size_t, size_t, const std::string&)>& progress = {});

// Per-variant and per-mutant lines, rejections in full, then "mutation score: C/M mutants caught; ...".
std::string self_test_report(const SelfTestOutcome& outcome);

}  // namespace gate::verify
