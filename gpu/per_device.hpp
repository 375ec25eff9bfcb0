// Values the launchers need on every call that depend only on the device and a small key — multiprocessor count,
// shared-memory limits, a kernel's occupancy, its dynamic shared-memory attribute — computed once per (device, key) and
// kept for the process. Each of those queries costs the host microseconds per launch, and a launch timed alone (as
// gpu_bench and the PyTorch peers time every candidate) has the GPU wait through them before its first kernel
// (bench/NOTES.md §17). Thread-safe; one cache per call site (the lambda's type). Kept for the life of the device's
// primary context, as scratch_pool.cu keeps its pools: a cudaDeviceReset (which this project never calls) would
// invalidate the attributes set here.
#pragma once

#include <cuda_runtime.h>

#include <map>
#include <mutex>
#include <type_traits>
#include <utility>

#include "gpu/cuda_check.cuh"

namespace gate::gpu {

// make(device) the first time this call site sees (the current device, key); the kept value after that.
template <class Key, class Make>
auto per_device(const Key& key, Make&& make) -> std::invoke_result_t<Make&, int> {
  using Value = std::invoke_result_t<Make&, int>;
  static std::mutex mutex;
  static std::map<std::pair<int, Key>, Value> values;
  int device = 0;
  GATE_CUDA_CHECK(cudaGetDevice(&device));
  const std::lock_guard<std::mutex> lock(mutex);
  const auto at = values.find({device, key});
  if (at != values.end()) return at->second;
  Value v = make(device);  // may throw: nothing is kept then
  values.emplace(std::pair<int, Key>{device, key}, v);
  return v;
}

// One attribute of the current device (cudaDeviceGetAttribute), kept per device and attribute; and the three the
// launchers read: the multiprocessor count, the L2 size and the opt-in shared memory per block.
inline int device_attribute(cudaDeviceAttr attr) {
  return per_device(int(attr), [attr](int device) {
    int value = 0;
    GATE_CUDA_CHECK(cudaDeviceGetAttribute(&value, attr, device));
    return value;
  });
}
inline int device_multiprocessors() { return device_attribute(cudaDevAttrMultiProcessorCount); }
inline int device_l2_bytes() { return device_attribute(cudaDevAttrL2CacheSize); }
inline int device_smem_per_block() { return device_attribute(cudaDevAttrMaxSharedMemoryPerBlockOptin); }

// Blocks of `kernel` (threads each, smem bytes of dynamic shared memory) one multiprocessor holds, its dynamic
// shared-memory limit raised first to all the device offers (not to smem: a later call with a larger smem may find
// this one kept, and the attribute is the kernel's own).
template <class Kernel>
int resident_per_sm(Kernel kernel, int threads, int smem) {
  return per_device(std::pair<const void*, int>{reinterpret_cast<const void*>(kernel), threads * 0x100000 + smem},
                    [&](int) {
                      GATE_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                                           device_smem_per_block()));
                      int per_sm = 0;
                      GATE_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, threads, smem));
                      return per_sm;
                    });
}

}  // namespace gate::gpu
