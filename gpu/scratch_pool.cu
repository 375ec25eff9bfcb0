// Host side of gpu/scratch_pool.hpp.
#include "gpu/scratch_pool.hpp"

#include <cuda_runtime.h>

#include <cstdint>
#include <mutex>
#include <vector>

#include "gpu/cuda_check.cuh"

namespace gate::gpu {

namespace {

cudaMemPool_t pool_for_current_device() {
  static std::mutex mutex;
  static std::vector<cudaMemPool_t> pools;  // by device ordinal; nullptr until first use
  int device = 0;
  GATE_CUDA_CHECK(cudaGetDevice(&device));
  const std::lock_guard<std::mutex> lock(mutex);
  if (pools.empty()) {  // the device count does not change within a process: asked once
    int count = 0;
    GATE_CUDA_CHECK(cudaGetDeviceCount(&count));
    pools.resize(size_t(count), nullptr);
  }
  cudaMemPool_t& pool = pools[size_t(device)];
  if (pool == nullptr) {
    cudaMemPoolProps props{};
    props.allocType = cudaMemAllocationTypePinned;
    props.location.type = cudaMemLocationTypeDevice;
    props.location.id = device;
    GATE_CUDA_CHECK(cudaMemPoolCreate(&pool, &props));
    uint64_t keep = UINT64_MAX;
    GATE_CUDA_CHECK(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep));
  }
  return pool;
}

}  // namespace

void* scratch_alloc_async(size_t bytes, CUstream_st* stream) {
  void* p = nullptr;
  GATE_CUDA_CHECK(cudaMallocFromPoolAsync(&p, bytes, pool_for_current_device(), stream));
  return p;
}

void scratch_free_async(void* p, CUstream_st* stream) { GATE_CUDA_CHECK(cudaFreeAsync(p, stream)); }

}  // namespace gate::gpu
