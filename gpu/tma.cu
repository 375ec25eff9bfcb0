// Host side of gpu/tma.cuh: encoding a TMA tensor map through the driver entry point the runtime hands out.
#include "gpu/tma.cuh"

#include <cudaTypedefs.h>
#include <cuda_runtime.h>

#include <string>

#include "gpu/fused.hpp"

namespace gate::gpu {

CUtensorMap make_tensor_map_3d(const void* base, CUtensorMapDataType type, const uint64_t dims[3], const uint64_t strides[2],
                               const uint32_t box[3], CUtensorMapSwizzle swizzle) {
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
  const cuuint64_t global_dims[3] = {dims[0], dims[1], dims[2]};
  const cuuint64_t global_strides[2] = {strides[0], strides[1]};
  const cuuint32_t box_dims[3] = {box[0], box[1], box[2]};
  const cuuint32_t element_strides[3] = {1, 1, 1};
  const CUresult r = encode(&map, type, 3, const_cast<void*>(base), global_dims, global_strides, box_dims, element_strides,
                            CU_TENSOR_MAP_INTERLEAVE_NONE, swizzle, CU_TENSOR_MAP_L2_PROMOTION_L2_128B,
                            CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  if (r != CUDA_SUCCESS) throw GpuError("cuTensorMapEncodeTiled failed with CUresult " + std::to_string(int(r)));
  return map;
}

}  // namespace gate::gpu
