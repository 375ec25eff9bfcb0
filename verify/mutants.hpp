// The gate proves itself: named legitimate variants (which the comparator must accept on every case they apply to —
// soundness) and mutants (each of which some quick-suite case must reject — tightness), all run through the float
// model of model_candidate.hpp. `verify --self-test` and tests/verify/mutants_test.cpp use these lists.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "verify/model_candidate.hpp"

namespace gate::verify {

struct Variant {
  std::string name;
  std::string what;  // one line
  ModelConfig config;
  std::function<bool(const Problem&)> applies;  // the contract it is legitimate for, or where the fault means anything
};

// Legitimate under the case's contract: summation orders, fma, PyTorch's float GELUs, staged 16-bit rounding, TF32
// operand rounding (nearest and truncation) under the tf32 contract.
std::vector<Variant> legitimate_variants();

// Faults: tanh GELU, fmin, missing bias, flipped kernel, last input row dropped, one element off by 0.1%, TF32 operands
// under the fp32 contract, erf off by 1e-4, float16 and bfloat16 accumulators.
std::vector<Variant> mutants();

}  // namespace gate::verify
