// The `cuda` backend: every kernel variant gpu/ offers for a case, run through gpu::run_fused and judged against the
// reference. Compiled only when CMake found CUDA (GATE_HAVE_CUDA); without it, verify says no CUDA backend was built.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "verify/case_run.hpp"
#include "verify/inputs.hpp"

namespace gate::verify {

// A CUDA failure (gpu::GpuError): reported, then verify exits with status 2 after the CPU results.
struct CudaBackendError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

#if GATE_HAVE_CUDA
// True when a device is usable; otherwise *why_not says why.
bool cuda_device_usable(std::string* why_not);
std::string cuda_device_name();

// One result per kernel variant of p. repro: the command that reruns the case.
std::vector<CaseResult> run_cuda_backend(const Problem& p, const CaseInputs& inputs, const ReferenceOutput& ref,
                                         const std::string& repro);
#endif

}  // namespace gate::verify
