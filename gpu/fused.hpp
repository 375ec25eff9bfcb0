// The host-side C++ API of the CUDA fused kernel (no CUDA headers needed to include it): which kernel variants exist for
// a problem, and one call that copies host inputs to the device, launches one fused kernel and copies the output back.
// verify's `cuda` backend and the tests use it; benchmarks use the device-pointer API in gpu/launch.hpp.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/problem.hpp"
#include "core/tensor.hpp"

// CUDA's stream type (cudaStream_t is CUstream_st*), declared at global scope as cuda_runtime.h does: an elaborated
// `struct CUstream_st*` inside namespace gate::gpu would declare a different type, gate::gpu::CUstream_st.
struct CUstream_st;

namespace gate::gpu {

// Any CUDA failure (no device, out of memory, launch failure, an unsupported problem): the message says which call failed
// and why.
struct GpuError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// True when a CUDA device is usable; otherwise false and *why_not says why (no device, driver too old...).
bool device_available(std::string* why_not);
// "NVIDIA H100 80GB HBM3 (sm_90, driver 13.0)" — for reports.
std::string device_description();

// Names of the kernel variants that can run p under its precision contract, simplest first (e.g. "simple_fp32",
// "fast_tf32"). Each is a candidate that verify judges separately.
std::vector<std::string> kernel_variants(const Problem& p);

// Runs one variant: the output is filled with a NaN pattern before the launch (an unwritten element then fails),
// every CUDA call and the launch are checked (GpuError). Returns y with y_shape(p) and p.dtype.
HostTensor run_fused(const Problem& p, const HostTensor& x, const HostTensor& weight, const HostTensor* bias,
                     const std::string& variant);

// Launches anything on device copies of the inputs: launch(x, weight, bias or nullptr, y, stream) receives device
// buffers in p.dtype's storage and the stream to use. The same NaN fill before and the same checks after as run_fused
// (which is this with launch_fused); verify's --candidate-lib runs libraries that want device memory through it.
using DeviceLaunch = std::function<void(const void* x, const void* weight, const void* bias, void* y, ::CUstream_st* stream)>;
HostTensor run_on_device(const Problem& p, const HostTensor& x, const HostTensor& weight, const HostTensor* bias,
                         const DeviceLaunch& launch);

}  // namespace gate::gpu
