// Every CUDA runtime call and every launch goes through these checks: a failure becomes a gate::gpu::GpuError whose
// message names the call, the file:line and CUDA's own words, so verify can report "no GPU / out of memory / launch
// failed" and still print the CPU results of the same run. Host code only.
#pragma once

#include <cuda_runtime.h>

#include <string>

#include "gpu/fused.hpp"

namespace gate::gpu {

[[noreturn]] inline void throw_cuda_error(cudaError_t status, const char* call, const char* file, int line) {
  throw GpuError(std::string(call) + " failed at " + file + ":" + std::to_string(line) + ": " +
                 cudaGetErrorName(status) + " (" + cudaGetErrorString(status) + ")");
}

}  // namespace gate::gpu

// Checks one CUDA runtime call.
#define GATE_CUDA_CHECK(call)                                                    \
  do {                                                                           \
    cudaError_t gate_cuda_status_ = (call);                                      \
    if (gate_cuda_status_ != cudaSuccess) {                                      \
      ::gate::gpu::throw_cuda_error(gate_cuda_status_, #call, __FILE__, __LINE__); \
    }                                                                            \
  } while (0)

// Checks a kernel launch (configuration errors show at once; faults inside the kernel show at the next synchronising
// call, which is checked too).
#define GATE_CUDA_CHECK_LAUNCH(what) GATE_CUDA_CHECK((static_cast<void>(what), cudaGetLastError()))
