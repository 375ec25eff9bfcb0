// Host side of gpu/tma.cuh: encoding a TMA tensor map through the driver entry point the runtime hands out.
#include "gpu/tma.cuh"

#include <cudaTypedefs.h>
#include <cuda_runtime.h>

#include <string>

#include "gpu/fused.hpp"

namespace gate::gpu {

namespace {

// cuTensorMapEncodeTiled for a rank of 1..5, tiled, zero fill out of bounds; throws GpuError naming the failing call.
CUtensorMap encode_tiled(const void* base, CUtensorMapDataType type, int rank, const uint64_t* dims,
                         const uint64_t* strides, const uint32_t* box, CUtensorMapSwizzle swizzle) {
  static PFN_cuTensorMapEncodeTiled_v12000 encode = [] {
    void* fn = nullptr;
    cudaDriverEntryPointQueryResult found{};
    const cudaError_t e = cudaGetDriverEntryPointByVersion("cuTensorMapEncodeTiled", &fn, 12000, cudaEnableDefault, &found);
    if (e != cudaSuccess || found != cudaDriverEntryPointSuccess || fn == nullptr) {
      throw GpuError(std::string("cudaGetDriverEntryPointByVersion(cuTensorMapEncodeTiled) failed: ") + cudaGetErrorString(e));
    }
    return reinterpret_cast<PFN_cuTensorMapEncodeTiled_v12000>(fn);
  }();
  CUtensorMap map{};
  cuuint64_t global_dims[5], global_strides[4];
  cuuint32_t box_dims[5], element_strides[5];
  for (int i = 0; i < rank; ++i) {
    global_dims[i] = dims[i];
    box_dims[i] = box[i];
    element_strides[i] = 1;
    if (i + 1 < rank) global_strides[i] = strides[i];
  }
  const CUresult r = encode(&map, type, cuuint32_t(rank), const_cast<void*>(base), global_dims, global_strides, box_dims,
                            element_strides, CU_TENSOR_MAP_INTERLEAVE_NONE, swizzle, CU_TENSOR_MAP_L2_PROMOTION_L2_128B,
                            CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  if (r != CUDA_SUCCESS) {
    throw GpuError("cuTensorMapEncodeTiled (rank " + std::to_string(rank) + ") failed with CUresult " +
                   std::to_string(int(r)));
  }
  return map;
}

}  // namespace

CUtensorMap make_tensor_map_3d(const void* base, CUtensorMapDataType type, const uint64_t dims[3], const uint64_t strides[2],
                               const uint32_t box[3], CUtensorMapSwizzle swizzle) {
  return encode_tiled(base, type, 3, dims, strides, box, swizzle);
}

CUtensorMap make_tensor_map_5d(const void* base, CUtensorMapDataType type, const uint64_t dims[5], const uint64_t strides[4],
                               const uint32_t box[5], CUtensorMapSwizzle swizzle) {
  return encode_tiled(base, type, 5, dims, strides, box, swizzle);
}

}  // namespace gate::gpu
