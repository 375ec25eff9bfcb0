// What the GPU tests and bench/gpu's validator share: deterministic inputs for a Problem (filled in fixed chunks seeded
// by index, so they do not depend on thread counts), the reference (reference/ in double, then verify's comparator
// inputs), and one call that runs a kernel variant and judges it with verify's comparator under the case's contract.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/problem.hpp"
#include "core/tensor.hpp"
#include "verify/compare.hpp"

namespace gate::gpu_test {

struct Inputs {
  HostTensor x, weight, bias;  // bias empty when !has_bias
  const HostTensor* bias_ptr() const { return bias.values.empty() ? nullptr : &bias; }
};

// x ~ U[x_lo, x_hi), weight and bias ~ U(−b, b) with b = 1/sqrt(Cout/groups·kH·kW) (PyTorch's default init bound),
// each value rounded to p.dtype. seed picks the stream.
Inputs make_inputs(const Problem& p, uint64_t seed, float x_lo = 0.0f, float x_hi = 1.0f);

// The exact output (reference epilogue in double, before rounding to the dtype) and S per element.
struct Expected {
  std::vector<double> y;
  std::vector<double> scale;
};
Expected make_expected(const Problem& p, const Inputs& in);

verify::ErrorContract contract_for(const Problem& p);

// Runs `variant` through gpu::run_fused and compares it with `expected`.
verify::CompareResult run_and_compare(const Problem& p, const Inputs& in, const Expected& expected,
                                      const std::string& variant);

// One line: "variant: passed, max 1.2 ulp, utilisation 0.03, 12% zeros" or the worst element of a failure.
std::string summary(const std::string& variant, const verify::CompareResult& r);

}  // namespace gate::gpu_test
