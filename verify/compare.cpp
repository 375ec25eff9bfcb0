// The comparator (compare.hpp): per-element verdicts under the allowance of allowance.hpp, reduced to the per-case
// figures the reports print. NaN matches only NaN, ±inf only the same infinity; +0 against −0 is counted, not failed.
#include "verify/compare.hpp"

#include <omp.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "verify/ulp.hpp"

namespace gate::verify {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Per-element verdict; utilisation is inf for a non-finite mismatch, 0 for matching non-finite values.
struct Verdict {
  double utilisation = 0, abs_err = 0, ulp_err = 0, rel_err = 0;
  bool violation = false, nonfinite_mismatch = false, signed_zero = false, tolerated_nan = false;
  const char* text = "within bound";
};

Verdict judge(double c, double r, double s, bool nan_tolerated, const BoundCoefficients& k) {
  Verdict v;
  if (std::isnan(r) || std::isnan(c)) {
    if (std::isnan(r) && std::isnan(c)) return v;
    if (nan_tolerated && std::isnan(c)) {
      v.tolerated_nan = true;
      v.text = "NaN tolerated (implementation-defined)";
      return v;
    }
    v.violation = v.nonfinite_mismatch = true;
    v.utilisation = v.abs_err = v.ulp_err = v.rel_err = kInf;
    v.text = std::isnan(r) ? "NaN expected, got a number" : "unexpected NaN";
    return v;
  }
  if (std::isinf(r) || std::isinf(c)) {
    if (r == c) return v;
    v.violation = v.nonfinite_mismatch = true;
    v.utilisation = v.abs_err = v.ulp_err = v.rel_err = kInf;
    v.text = std::isinf(r) ? (std::isinf(c) ? "wrong infinity" : "infinity expected, got a finite value")
                           : "unexpected infinity";
    return v;
  }
  if (c == 0.0 && r == 0.0 && std::signbit(c) != std::signbit(r)) v.signed_zero = true;
  v.abs_err = std::fabs(c - r);
  v.ulp_err = v.abs_err / ulp_in_dtype(r, k.dtype);
  v.rel_err = r != 0.0 ? v.abs_err / std::fabs(r) : (v.abs_err == 0.0 ? 0.0 : kInf);
  const double a = allowance(k, r, s);
  v.utilisation = v.abs_err / a;  // a > 0: the ulp part never vanishes
  if (v.abs_err > a) {
    v.violation = true;
    v.text = "exceeds bound";
  }
  return v;
}

struct Partial {
  int64_t violations = 0, nonfinite = 0, signed_zero = 0, zeros = 0, tolerated = 0;
  double max_ulp = 0, max_rel = 0, max_util = 0;
  int64_t worst = -1;  // index of max utilisation (smallest such index)
};

}  // namespace

std::vector<int64_t> unflatten(int64_t flat, const std::vector<int64_t>& shape) {
  std::vector<int64_t> index(shape.size(), 0);
  for (size_t d = shape.size(); d-- > 0;) {
    if (shape[d] > 0) {
      index[d] = flat % shape[d];
      flat /= shape[d];
    }
  }
  return index;
}

CompareResult compare(const CompareInput& in, const ErrorContract& contract) {
  const int64_t n = static_cast<int64_t>(in.candidate.size());
  if (in.reference.size() != in.candidate.size() || in.scale.size() != in.candidate.size()) {
    throw std::invalid_argument("compare: candidate, reference and scale differ in size");
  }
  int64_t shape_count = 1;
  for (int64_t d : in.shape) shape_count *= d;
  if (shape_count != n) throw std::invalid_argument("compare: the shape's element count differs from the arrays'");

  if (!in.nan_tolerated.empty() && in.nan_tolerated.size() != in.candidate.size()) {
    throw std::invalid_argument("compare: nan_tolerated differs in size from the arrays");
  }
  auto tolerated = [&](int64_t i) { return !in.nan_tolerated.empty() && in.nan_tolerated[i] != 0; };
  const BoundCoefficients k = bound_coefficients(contract);
  std::vector<Partial> partials(static_cast<size_t>(omp_get_max_threads()));
#pragma omp parallel
  {
    Partial p;
#pragma omp for schedule(static)
    for (int64_t i = 0; i < n; ++i) {
      const double c = in.candidate[i], r = in.reference[i];
      const Verdict v = judge(c, r, in.scale[i], tolerated(i), k);
      if (r == 0.0) ++p.zeros;
      if (v.tolerated_nan) ++p.tolerated;
      if (v.violation) ++p.violations;
      if (v.nonfinite_mismatch) ++p.nonfinite;
      if (v.signed_zero) ++p.signed_zero;
      if (v.ulp_err > p.max_ulp) p.max_ulp = v.ulp_err;
      if (r != 0.0 && v.rel_err > p.max_rel) p.max_rel = v.rel_err;  // relative error is undefined at 0
      if (p.worst < 0 || v.utilisation > p.max_util) {
        p.max_util = v.utilisation;
        p.worst = i;
      }
    }
    partials[static_cast<size_t>(omp_get_thread_num())] = p;
  }

  CompareResult out;
  out.elements = n;
  int64_t worst = -1;
  for (const Partial& p : partials) {
    out.violations += p.violations;
    out.nonfinite_mismatches += p.nonfinite;
    out.signed_zero_mismatches += p.signed_zero;
    out.tolerated_nans += p.tolerated;
    out.reference_zeros += p.zeros;
    out.max_ulp = std::max(out.max_ulp, p.max_ulp);
    out.max_rel_err = std::max(out.max_rel_err, p.max_rel);
    if (p.worst >= 0 && (worst < 0 || p.max_util > out.max_utilisation ||
                         (p.max_util == out.max_utilisation && p.worst < worst))) {
      out.max_utilisation = p.max_util;
      worst = p.worst;
    }
  }
  out.zero_fraction = n > 0 ? static_cast<double>(out.reference_zeros) / static_cast<double>(n) : 0.0;
  out.low_trust = out.zero_fraction > kLowTrustZeroFraction;
  if (worst >= 0) {
    const double c = in.candidate[worst], r = in.reference[worst], s = in.scale[worst];
    const Verdict v = judge(c, r, s, tolerated(worst), k);
    out.has_worst = true;
    ElementReport& w = out.worst;
    w.flat_index = worst;
    w.index = unflatten(worst, in.shape);
    w.candidate = c;
    w.reference = r;
    w.abs_err = v.abs_err;
    w.ulp_err = v.ulp_err;
    w.rel_err = v.rel_err;
    w.utilisation = v.utilisation;
    if (std::isfinite(r)) w.allowance = allowance_terms(k, r, s);
    w.verdict = v.text;
  }
  return out;
}

}  // namespace gate::verify
