// The driver's middle step: runs reference/ on a case's inputs, turns its (conv, magnitude) into the comparator's
// arrays (the reference output y in double and the scale S), and judges a candidate output with them. The one place
// that knows both the operation and the comparator.
#pragma once

#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "reference/uninit_vector.hpp"
#include "verify/compare.hpp"

namespace gate::verify {

struct ReferenceOutput {
  // Both from reference_epilogue_and_scale (reference/epilogue_scale.hpp), moved in: no copy, no zero fill.
  UninitVector<double> y;      // multiply·gelu(min(conv + add, 0)) in double, not rounded
  UninitVector<double> scale;  // S = |multiply|·(magnitude + |add|)
  std::vector<int64_t> shape;
  ErrorContract contract;
  std::vector<uint8_t> nan_tolerated;  // padding_nan_mask (nan_tolerance.hpp); empty when every weight is finite
};

// conv_exact: the inputs come from the exact distribution (every product and partial sum exact in the contract).
ReferenceOutput compute_reference(const Problem& p, const HostTensor& x, const HostTensor& weight,
                                  const HostTensor* bias, bool conv_exact, double ulp_budget);

// Compares a candidate of the reference's shape; std::invalid_argument naming both shapes if they differ.
CompareResult judge(const ReferenceOutput& ref, const HostTensor& candidate);

// One judged candidate, as the reports show it.
struct CaseResult {
  std::string case_name;
  std::string backend;  // "cpu", "cuda:<variant>", "check", or a self-test variant
  std::string repro;    // the command that reruns just this
  std::string error;    // a backend failure (no comparison then)
  Problem problem;
  ErrorContract contract;
  CompareResult compare;
  double elapsed_ms = 0;
  bool passed() const { return error.empty() && compare.passed(); }
};

}  // namespace gate::verify
