// The self-test (self_test.hpp): one reference per case, then every variant and mutant through the same judge.
#include "verify/self_test.hpp"

#include <cstdio>

#include "verify/inputs.hpp"
#include "verify/mutants.hpp"
#include "verify/report.hpp"

namespace gate::verify {

int SelfTestOutcome::mutants_caught() const {
  int n = 0;
  for (const MutantOutcome& m : mutants) n += m.caught_by.empty() ? 0 : 1;
  return n;
}

int SelfTestOutcome::variants_rejected() const {
  int n = 0;
  for (const VariantOutcome& v : variants) n += v.rejections.empty() ? 0 : 1;
  return n;
}

SelfTestOutcome run_self_test(const std::vector<Case>& cases, uint64_t run_seed, double ulp_budget,
                              const std::function<void(size_t, size_t, const std::string&)>& progress) {
  const std::vector<Variant> legit = legitimate_variants();
  const std::vector<Variant> faults = mutants();
  SelfTestOutcome out;
  for (const Variant& v : legit) out.variants.push_back({v.name, v.what, 0, {}});
  for (const Variant& m : faults) out.mutants.push_back({m.name, m.what, 0, {}});
  for (size_t ci = 0; ci < cases.size(); ++ci) {
    const Case& c = cases[ci];
    const Problem& p = c.problem;
    if (progress) progress(ci, cases.size(), p.name);
    const CaseInputs in = make_inputs(c, run_seed);
    const ReferenceOutput ref = compute_reference(p, in.x, in.weight, in.bias_or_null(),
                                                  c.inputs.distribution == Distribution::kExact, ulp_budget);
    for (size_t i = 0; i < legit.size(); ++i) {
      if (!legit[i].applies(p)) continue;
      ++out.variants[i].cases_run;
      CaseResult r;
      r.case_name = p.name;
      r.backend = "self-test:" + legit[i].name;
      r.problem = p;
      r.contract = ref.contract;
      r.compare = judge(ref, run_model(p, in.x, in.weight, in.bias_or_null(), legit[i].config));
      r.repro = "verify --self-test --case " + p.name;
      if (!r.passed()) out.variants[i].rejections.push_back(std::move(r));
    }
    for (size_t i = 0; i < faults.size(); ++i) {
      if (!faults[i].applies(p)) continue;
      ++out.mutants[i].cases_run;
      const CompareResult r = judge(ref, run_model(p, in.x, in.weight, in.bias_or_null(), faults[i].config));
      if (!r.passed()) out.mutants[i].caught_by.push_back(p.name);
    }
  }
  return out;
}

std::string self_test_report(const SelfTestOutcome& o) {
  std::string s = "legitimate variants (must pass every case they apply to):\n";
  char buf[512];
  for (const VariantOutcome& v : o.variants) {
    std::snprintf(buf, sizeof buf, "  %-28s %-9s %3d cases  %s\n", v.name.c_str(),
                  v.rejections.empty() ? "accepted" : "REJECTED", v.cases_run, v.what.c_str());
    s += buf;
  }
  s += "mutants (some case must reject each):\n";
  for (const MutantOutcome& m : o.mutants) {
    std::string by;
    for (size_t i = 0; i < m.caught_by.size() && i < 3; ++i) by += (i ? ", " : "") + m.caught_by[i];
    if (m.caught_by.size() > 3) by += ", ...";
    std::snprintf(buf, sizeof buf, "  %-28s %-9s by %2zu of %2d cases (%s)  %s\n", m.name.c_str(),
                  m.caught_by.empty() ? "SURVIVED" : "caught", m.caught_by.size(), m.cases_run, by.c_str(),
                  m.what.c_str());
    s += buf;
  }
  for (const VariantOutcome& v : o.variants) {
    for (const CaseResult& r : v.rejections) s += failure_report(r);
  }
  std::snprintf(buf, sizeof buf, "mutation score: %d/%zu mutants caught; %zu/%zu legitimate variants accepted\n",
                o.mutants_caught(), o.mutants.size(), o.variants.size() - o.variants_rejected(), o.variants.size());
  s += buf;
  return s;
}

}  // namespace gate::verify
