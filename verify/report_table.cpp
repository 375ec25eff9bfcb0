// The terminal table and failure paragraphs (report.hpp).
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <string>

#include "verify/report.hpp"

namespace gate::verify {
namespace {

std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char* fmt, ...) {
  char buf[1024];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  return buf;
}

std::string index_string(const std::vector<int64_t>& index) {
  static const char* names[] = {"n", "c", "h", "w"};
  std::string s = "(";
  for (size_t d = 0; d < index.size(); ++d) {
    if (d) s += ", ";
    if (index.size() == 4) s += std::string(names[d]) + "=";
    s += std::to_string(index[d]);
  }
  return s + ")";
}

std::string status(const CaseResult& r) {
  if (!r.error.empty()) return "ERROR";
  std::string s = r.passed() ? "pass" : "FAIL";
  if (r.compare.low_trust) s += " low-trust";
  return s;
}

}  // namespace

std::string failure_report(const CaseResult& r) {
  std::string s = "FAIL " + r.case_name + " [" + r.backend + "]";
  if (!r.error.empty()) return s + ": " + r.error + "\n  repro: " + r.repro + "\n";
  const CompareResult& c = r.compare;
  const ElementReport& w = c.worst;
  s += format(": %lld of %lld elements outside the allowance (%lld NaN/infinity mismatches)\n",
              static_cast<long long>(c.violations), static_cast<long long>(c.elements),
              static_cast<long long>(c.nonfinite_mismatches));
  s += format("  worst element %s (flat %lld): candidate %.9g, reference %.17g: %s\n", index_string(w.index).c_str(),
              static_cast<long long>(w.flat_index), w.candidate, w.reference, w.verdict.c_str());
  if (std::isfinite(w.abs_err)) {
    const double total = w.allowance.total();
    s += format("  error %.3g = %.3g ulp (%s), relative %.3g; allowance %.3g (utilisation %.3g)\n", w.abs_err,
                w.ulp_err, to_string(r.contract.dtype), w.rel_err, total, w.utilisation);
    s += "  bound broken: |candidate - reference| <= " + describe(w.allowance) + "\n";
  }
  s += format("  contract: precision %s, dtype %s, n = %lld products, ulp budget %g%s\n",
              to_string(r.contract.precision), to_string(r.contract.dtype), static_cast<long long>(r.contract.terms),
              r.contract.ulp_budget, r.contract.conv_exact ? ", exact conv" : "");
  s += "  repro: " + r.repro + "\n";
  return s;
}

std::string table_report(const std::vector<CaseResult>& results) {
  std::string s = format("%-34s %-26s %-15s %10s %11s %8s %10s %6s\n", "case", "backend", "status", "max_ulp",
                         "max_rel_err", "util", "violations", "zeros");
  for (const CaseResult& r : results) {
    const CompareResult& c = r.compare;
    s += format("%-34s %-26s %-15s %10.3g %11.3g %8.3g %10lld %5.0f%%\n", r.case_name.c_str(), r.backend.c_str(),
                status(r).c_str(), c.max_ulp, c.max_rel_err, c.max_utilisation, static_cast<long long>(c.violations),
                100.0 * c.zero_fraction);
  }
  bool any_low_trust = false, any_signed_zero = false;
  for (const CaseResult& r : results) {
    any_low_trust |= r.compare.low_trust;
    any_signed_zero |= r.compare.signed_zero_mismatches > 0 || r.compare.tolerated_nans > 0;
  }
  if (any_low_trust) {
    s += "low-trust: more than 70% of the reference output is exactly 0 (clamped); such a case proves little alone\n";
  }
  if (any_signed_zero) {
    for (const CaseResult& r : results) {
      if (r.compare.tolerated_nans > 0) {
        s += format("note: %s [%s]: %lld NaN outputs where a non-finite operand meets a padding zero or, under tf32, an "
                    "operand TF32 rounds to 0 (tolerated: implementation-defined)\n",
                    r.case_name.c_str(), r.backend.c_str(), static_cast<long long>(r.compare.tolerated_nans));
      }
      if (r.compare.signed_zero_mismatches > 0) {
        s += format("note: %s [%s]: %lld elements are +0 against -0 (reported, not failed)\n", r.case_name.c_str(),
                    r.backend.c_str(), static_cast<long long>(r.compare.signed_zero_mismatches));
      }
    }
  }
  for (const CaseResult& r : results) {
    if (!r.passed()) s += failure_report(r);
  }
  return s;
}

std::string closing_line(const std::vector<CaseResult>& results) {
  long long passed = 0, failed = 0;
  for (const CaseResult& r : results) (r.passed() ? passed : failed)++;
  return std::to_string(passed) + " passed, " + std::to_string(failed) + " failed";
}

}  // namespace gate::verify
