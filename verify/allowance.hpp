// The per-element error allowance of the comparator (DESIGN.md "What correct means"): an element passes when
//     |candidate − reference| ≤ ulp_budget · ulp(reference) + bound(precision, dtype, S, n).
// Each term of the bound is a named constant or function below; verify/README.md ("The bound") derives every one, and
// tests/verify/allowance_test.cpp asserts the same constants (GELU's Lipschitz constant numerically, the others against
// planted errors). The comparator knows only these knobs and per-element arrays, never a Problem (STYLE.md §1).
#pragma once

#include <cstdint>
#include <string>

#include "core/problem.hpp"

namespace gate::verify {

// IEEE binary32 unit roundoff (round to nearest): one rounding errs by at most u·|value|.
inline constexpr double kFp32UnitRoundoff = 0x1p-24;
// Accumulation unit on tensor-core paths (tf32, float16, bfloat16 storage): tensor cores align and normalise with
// truncation (Fasi, Higham, Mikaitis, Pranesh, "Numerical behavior of NVIDIA tensor cores", PeerJ CS 2021), so one
// addition may err by a full ulp, 2^-23 relative, instead of half. Used for γ_n whenever the contract is tf32 or the
// dtype is 16-bit; the plain fp32 contract with float32 storage keeps IEEE's 2^-24.
inline constexpr double kTensorCoreAccumulationUnit = 0x1p-23;
// TF32 operand rounding: 10 stored mantissa bits. Round-to-nearest errs by 2^-11 relative, truncation (what a tensor
// core does with raw float32 bits) by less than 2^-10; the bound takes 2^-10 so that both conversions pass.
inline constexpr double kTf32OperandError = 0x1p-10;
// Lipschitz constant of GELU on (−∞, 0]: gelu'(t) = Φ(t) + t·φ(t), gelu''(t) = φ(t)·(2 − t²). So gelu' rises on
// (−√2, 0] to its supremum gelu'(0) = 1/2 and falls on (−∞, −√2] to its minimum gelu'(−√2) = Φ(−√2) − √2·φ(√2)
// = −0.128904145..., tending to 0⁻ at −∞. Hence sup |gelu'| on (−∞, 0] = 1/2. min(·, 0) is 1-Lipschitz, so an error δ
// in the pre-clamp value moves the epilogue's output by at most |multiply|·δ/2, across the clamp boundary included.
inline constexpr double kGeluLipschitzNonpositive = 0.5;
inline constexpr double kGeluDerivativeMinimum = -0.12890414518515475;  // at t = −√2 (asserted by the test)
// The candidate's own float evaluation of GELU at its (float) argument z: |ĝ − gelu(z)| ≤ kGeluEvalCoefficient·u·|z|.
// Covers erf errors up to ~14 u absolute (0.5·|z|·e_erf), the rounding of z/√2 (≤ 0.49 u absolute in erf), 1 + erf
// (exact by Sterbenz for erf ≤ −1/2) and PyTorch's flush of gelu to 0 below −5.5 (|gelu(−5.5)| = 1.9e-8·5.5 < 0.33 u·|z|).
// Measured: PyTorch 1.13's CPU float GELU (Abramowitz–Stegun erf) errs by at most 4.67 u·|z| on 2,000,001 points of
// [−8, 0] (verify/measure_torch_gelu.py); 8 leaves a margin of 1.7. An erf with absolute error 1e-4 (a mutant) errs by
// 5e-5·|z| = 840 u·|z| and fails.
inline constexpr double kGeluEvalCoefficient = 8.0;
// Storage roundings to a 16-bit dtype before the clamp that the contract allows (PyTorch's staged path): the conv
// output, the conv + bias when the bias is added separately, and conv + add. Each errs by u_dtype of a value ≤ M + |add|.
inline constexpr double kStagedRoundingsBeforeClamp = 3.0;
// The reference's own error: its conv bound is reference/error_bound.hpp's γ_n(2^-53)·S; its + add rounds once more
// (2^-53); its double erfc epilogue is far inside 2^-40 relative (argument error 2z²·2^-53 stays below 2^-42 for every
// z whose result is not below the float16 and float32 range).
inline constexpr double kReferenceEpilogueRel = 0x1p-40;
// ulp_budget's default: the candidate's float epilogue rounds three times after the clamp (0.5·z, ·(1 + erf), ·multiply;
// ≤ 1 ulp each of a float, ≤ 1 ulp of the dtype; staged float16/bfloat16 storage rounds twice there instead) plus the
// final rounding to the dtype (½ ulp): 3.5 ulp, budget 4.
inline constexpr double kDefaultUlpBudget = 4.0;
// A case whose reference output is more than this fraction of exact zeros is marked low-trust (benchdnn's MISTRUSTED):
// min(·, 0) then GELU maps every positive pre-clamp value to exactly 0, and zeros prove little.
inline constexpr double kLowTrustZeroFraction = 0.7;

// The precision contract of one output array.
struct ErrorContract {
  Precision precision = Precision::kFp32;
  DType dtype = DType::kFloat32;
  int64_t terms = 1;           // n: the most products x·w summed into one output element (bias and add not counted)
  double ulp_budget = kDefaultUlpBudget;
  double multiply_abs = 1.0;   // |multiply_value|: scales the absolute (underflow) terms
  bool conv_exact = false;     // the inputs make every product and partial sum exact in the contract (the "exact" tier)
};

// γ_k = k·u / (1 − k·u), nudged up by 2^-50 relative so its own rounding cannot make it an underestimate (k·u < 1).
double gamma(int64_t k, double u);

// The coefficients of the bound for one contract: allowance = ulp_budget·ulp(y) + rel·S + abs (S finite).
struct BoundCoefficients {
  double conv_rel = 0;       // L·ε_conv: accumulation γ_{n+2} (and TF32 operands) through the clamp and GELU
  double storage_rel = 0;    // L·3·u_dtype·(1+ε_conv): staged 16-bit storage before the clamp
  double epilogue_rel = 0;   // kGeluEvalCoefficient·u·(1+ε_conv+3u_dtype): the candidate's float GELU
  double reference_rel = 0;  // L·(γ_n(2^-53) + 2^-53) + 2^-40: the reference's own error
  double underflow_abs = 0;  // subnormal products, epilogue and storage roundings (absolute, scaled by |multiply|)
  double ulp_budget = kDefaultUlpBudget;
  DType dtype = DType::kFloat32;
  double rel_total() const { return conv_rel + storage_rel + epilogue_rel + reference_rel; }
};

BoundCoefficients bound_coefficients(const ErrorContract& contract);

// The allowance at one element split into its terms (for the report of the worst element).
struct AllowanceTerms {
  double ulp_part = 0, conv = 0, storage = 0, epilogue = 0, reference = 0, underflow = 0;
  double total() const { return ulp_part + conv + storage + epilogue + reference + underflow; }
};

// y_ref: the reference output (finite); scale: S = |multiply|·(Σ|x·w| + |bias| + |add|). A non-finite S means the
// element's convolution was non-finite, whose only finite outcome is min(+inf, 0) = 0 → y = ±0: the allowance is then
// the ulp budget alone.
AllowanceTerms allowance_terms(const BoundCoefficients& k, double y_ref, double scale);
double allowance(const BoundCoefficients& k, double y_ref, double scale);

// "4 ulp 1.2e-07 + conv 3.4e-06 + epilogue ..." (only the non-zero terms), for the failure report.
std::string describe(const AllowanceTerms& t);

}  // namespace gate::verify
