// The per-element error allowance (allowance.hpp); the derivation of each term is in verify/README.md, "The bound".
#include "verify/allowance.hpp"

#include <cmath>
#include <cstdio>

#include "reference/error_bound.hpp"
#include "verify/ulp.hpp"

namespace gate::verify {

double gamma(int64_t k, double u) {
  const double ku = static_cast<double>(k) * u;
  return ku / (1.0 - ku) * (1.0 + 0x1p-50);
}

BoundCoefficients bound_coefficients(const ErrorContract& c) {
  BoundCoefficients k;
  k.ulp_budget = c.ulp_budget;
  k.dtype = c.dtype;
  const double L = kGeluLipschitzNonpositive;
  const bool tensor_core = c.precision == Precision::kTf32 || c.dtype != DType::kFloat32;
  const double u_acc = tensor_core ? kTensorCoreAccumulationUnit : kFp32UnitRoundoff;
  const double u_op = c.precision == Precision::kTf32 ? kTf32OperandError : 0.0;
  // n products, the bias and the add: n + 2 terms in any order (Higham §3.1, with the product roundings).
  const double eps_conv =
      c.conv_exact ? 0.0 : (1.0 + u_op) * (1.0 + u_op) * (1.0 + gamma(c.terms + 2, u_acc)) - 1.0;
  const double u_dtype = c.dtype == DType::kFloat32 ? 0.0 : unit_roundoff(c.dtype);
  k.conv_rel = L * eps_conv;
  k.storage_rel = L * kStagedRoundingsBeforeClamp * u_dtype * (1.0 + eps_conv);
  k.epilogue_rel = kGeluEvalCoefficient * kFp32UnitRoundoff * (1.0 + eps_conv + kStagedRoundingsBeforeClamp * u_dtype);
  k.reference_rel = L * (gate::gamma_n(c.terms + 1, gate::kReferenceUnitRoundoff) + gate::kReferenceUnitRoundoff) +
                    kReferenceEpilogueRel;
  // Underflow (Higham's model fl(a·b) = a·b·(1+δ) + η, |η| ≤ ½·2^-149; additions of subnormals are exact): n products
  // through L, the epilogue's two float products 0.5·z and ·(1+erf) scaled by |multiply|, the final ·multiply; for a
  // 16-bit dtype the three staged roundings before the clamp (through L) and the one after GELU, ½·subnormal each.
  const double half_tiny = 0.5 * min_subnormal(DType::kFloat32);
  k.underflow_abs = c.multiply_abs * (L * static_cast<double>(c.terms) + 2.0) * half_tiny + half_tiny;
  if (c.dtype != DType::kFloat32) {
    k.underflow_abs += c.multiply_abs * (L * kStagedRoundingsBeforeClamp + 1.0) * 0.5 * min_subnormal(c.dtype);
  }
  return k;
}

AllowanceTerms allowance_terms(const BoundCoefficients& k, double y_ref, double scale) {
  AllowanceTerms t;
  t.ulp_part = k.ulp_budget * ulp_in_dtype(y_ref, k.dtype);
  if (!std::isfinite(scale)) return t;
  t.conv = k.conv_rel * scale;
  t.storage = k.storage_rel * scale;
  t.epilogue = k.epilogue_rel * scale;
  t.reference = k.reference_rel * scale;
  t.underflow = k.underflow_abs;
  return t;
}

double allowance(const BoundCoefficients& k, double y_ref, double scale) {
  const double ulp_part = k.ulp_budget * ulp_in_dtype(y_ref, k.dtype);
  if (!std::isfinite(scale)) return ulp_part;
  return ulp_part + k.rel_total() * scale + k.underflow_abs;
}

std::string describe(const AllowanceTerms& t) {
  std::string s;
  char buf[64];
  auto add = [&](const char* name, double v) {
    if (v == 0.0) return;
    std::snprintf(buf, sizeof buf, "%s%s %.3g", s.empty() ? "" : " + ", name, v);
    s += buf;
  };
  add("ulp budget", t.ulp_part);
  add("conv accumulation", t.conv);
  add("16-bit storage", t.storage);
  add("GELU evaluation", t.epilogue);
  add("reference", t.reference);
  add("underflow", t.underflow);
  return s;
}

}  // namespace gate::verify
