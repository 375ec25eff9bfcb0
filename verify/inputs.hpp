// Makes a case's inputs (x, weight, bias) from its distribution and seed: step two of case → inputs → reference |
// candidate. Deterministic and independent of the thread count: every tensor is filled in fixed chunks of
// kFillChunk elements, each chunk from its own generator seeded by (seed, tensor, chunk index) — benchdnn's
// fill_data. Values are rounded to the case's dtype, so float16/bfloat16 inputs are exact in their storage type.
#pragma once

#include <cstdint>
#include <optional>

#include "core/tensor.hpp"
#include "verify/case_file.hpp"

namespace gate::verify {

inline constexpr int64_t kFillChunk = 4096;

struct CaseInputs {
  HostTensor x, weight;
  std::optional<HostTensor> bias;  // absent when the problem has no bias
  const HostTensor* bias_or_null() const { return bias ? &*bias : nullptr; }
};

// The seed a case's inputs are made from: the case's own, or mixed with --seed when run_seed is not 0.
uint64_t effective_seed(uint64_t case_seed, uint64_t run_seed);

CaseInputs make_inputs(const Case& c, uint64_t run_seed);

}  // namespace gate::verify
