// The JSON report (report.hpp): one object per result with the comparator's figures and, for a failure, the worst
// element and the repro command. Non-finite numbers are written as the strings "inf" / "nan" (JSON has none).
#include <cmath>

#include <nlohmann/json.hpp>

#include "verify/report.hpp"

namespace gate::verify {
namespace {

nlohmann::ordered_json number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

}  // namespace

std::string json_report(const std::vector<CaseResult>& results) {
  nlohmann::ordered_json doc;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  long long passed = 0, failed = 0;
  for (const CaseResult& r : results) {
    (r.passed() ? passed : failed)++;
    const CompareResult& c = r.compare;
    nlohmann::ordered_json j;
    j["case"] = r.case_name;
    j["backend"] = r.backend;
    j["passed"] = r.passed();
    j["problem"] = describe(r.problem);
    j["precision"] = to_string(r.contract.precision);
    j["dtype"] = to_string(r.contract.dtype);
    j["terms"] = r.contract.terms;
    j["ulp_budget"] = r.contract.ulp_budget;
    j["elapsed_ms"] = r.elapsed_ms;
    if (!r.error.empty()) j["error"] = r.error;
    j["elements"] = c.elements;
    j["violations"] = c.violations;
    j["nonfinite_mismatches"] = c.nonfinite_mismatches;
    j["signed_zero_mismatches"] = c.signed_zero_mismatches;
    j["tolerated_nans"] = c.tolerated_nans;
    j["max_ulp"] = number(c.max_ulp);
    j["max_rel_err"] = number(c.max_rel_err);
    j["max_bound_utilisation"] = number(c.max_utilisation);
    j["zero_fraction"] = c.zero_fraction;
    j["low_trust"] = c.low_trust;
    if (c.has_worst) {
      nlohmann::ordered_json w;
      w["index"] = c.worst.index;
      w["flat_index"] = c.worst.flat_index;
      w["candidate"] = number(c.worst.candidate);
      w["reference"] = number(c.worst.reference);
      w["abs_err"] = number(c.worst.abs_err);
      w["ulp_err"] = number(c.worst.ulp_err);
      w["rel_err"] = number(c.worst.rel_err);
      w["allowance"] = number(c.worst.allowance.total());
      w["bound"] = describe(c.worst.allowance);
      w["verdict"] = c.worst.verdict;
      j["worst"] = w;
    }
    j["repro"] = r.repro;
    list.push_back(j);
  }
  doc["results"] = list;
  doc["passed"] = passed;
  doc["failed"] = failed;
  return doc.dump(2) + "\n";
}

}  // namespace gate::verify
