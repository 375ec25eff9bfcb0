// The launcher shared by fused_v6_swap's two translation units (float16, bfloat16): one launch of the persistent
// kernel, one block per SM, x read through a TMA tensor map, the weights gathered by the kernel itself. x not 16-byte
// aligned (the TMA), y not 8-byte aligned (the runs' sector offsets, fused_v6_geometry.hpp) or the weight not 8-byte
// aligned (v6_load_a's loads) go to `fallback`, v4's launcher of the same flavour.
#pragma once

#include <cstdint>
#include <string>

#include "gpu/cuda_check.cuh"
#include "gpu/fused_v6_swap.cuh"
#include "gpu/kernel_shape.hpp"
#include "gpu/per_device.hpp"

namespace gate::gpu {

using V6Fallback = void (*)(const KernelShape&, const void*, const void*, const void*, void*, CUstream_st*);

template <class Flavor>
void launch_v6(const KernelShape& s, const void* x, const void* w, const void* bias, void* y, cudaStream_t stream,
               CUtensorMapDataType tma_type, V6Fallback fallback) {
  if (reinterpret_cast<uintptr_t>(x) % 16 != 0 || reinterpret_cast<uintptr_t>(y) % 8 != 0 ||
      reinterpret_cast<uintptr_t>(w) % 8 != 0) {
    return fallback(s, x, w, bias, y, stream);
  }
  const V6Geometry g = make_v6_geometry(s, device_multiprocessors());
  static_assert(kV6MaxUnits == 4, "an instance per unit count");
  const auto kernel = g.units == 1   ? fused_v6_swap<Flavor, 1>
                      : g.units == 2 ? fused_v6_swap<Flavor, 2>
                      : g.units == 3 ? fused_v6_swap<Flavor, 3>
                                     : fused_v6_swap<Flavor, 4>;
  if (resident_per_sm(kernel, kV6Threads, kV6SmemBytes) < 1) {
    throw GpuError("fused_v6_swap: no block fits a multiprocessor (" + std::to_string(kV6SmemBytes) + " bytes)");
  }
  // x as a 3-D tensor [N·Cin][H][W]; a box is 32 channels × 2 rows × 64 columns (rows −1 and H: the TMA's zero fill),
  // in the 128-byte swizzle wgmma's MN-major descriptor reads.
  const uint64_t dims[3] = {uint64_t(s.W), uint64_t(s.H), uint64_t(s.N) * s.Cin};
  const uint64_t strides[2] = {uint64_t(s.W) * 2, uint64_t(s.H) * s.W * 2};
  const uint32_t box[3] = {uint32_t(kV6W), 2, uint32_t(kV6UnitCi)};
  const CUtensorMap x_map = make_tensor_map_3d(x, tma_type, dims, strides, box, CU_TENSOR_MAP_SWIZZLE_128B);
  kernel<<<unsigned(g.n_tiles * g.blocks_per_tile), kV6Threads, kV6SmemBytes, stream>>>(
      g, x_map, static_cast<const uint16_t*>(w), static_cast<const uint16_t*>(bias), static_cast<uint16_t*>(y));
  GATE_CUDA_CHECK(cudaGetLastError());
}

}  // namespace gate::gpu
