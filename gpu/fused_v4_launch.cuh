// The launcher shared by fused_v4_wgmma's per-flavour translation units: packs the weights into a stream-ordered
// scratch buffer (cudaMallocAsync, Cin·Cout·16 elements, freed on the same stream after the launch), then runs the
// persistent main kernel with as many blocks as the device holds at once. Pointers not aligned for its vector accesses
// (x to a 4-element group, y to an output pair) go to the v3 launcher of the same flavour instead.
#pragma once

#include <cstdint>
#include <string>

#include "gpu/cuda_check.cuh"
#include "gpu/fused_v4_wgmma.cuh"
#include "gpu/kernel_shape.hpp"

namespace gate::gpu {

using V3Launcher = void (*)(const KernelShape&, const void*, const void*, const void*, void*, CUstream_st*);

template <class Flavor>
void launch_v4(const KernelShape& s, const void* x, const void* w, const void* bias, void* y, cudaStream_t stream,
               V3Launcher fallback) {
  using Bits = typename Flavor::Storage::Bits;
  constexpr int kElem = int(sizeof(Bits));
  if (reinterpret_cast<uintptr_t>(x) % (4 * kElem) != 0 || reinterpret_cast<uintptr_t>(y) % (2 * kElem) != 0) {
    return fallback(s, x, w, bias, y, stream);
  }
  int device = 0, sms = 0;
  GATE_CUDA_CHECK(cudaGetDevice(&device));
  GATE_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  const int smem = make_v4_geometry(s, kElem, 1).smem_bytes;
  GATE_CUDA_CHECK(cudaFuncSetAttribute(fused_v4_wgmma<Flavor>, cudaFuncAttributeMaxDynamicSharedMemorySize, smem));
  int per_sm = 0;
  GATE_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, fused_v4_wgmma<Flavor>, kV4Threads, smem));
  if (per_sm < 1) throw GpuError("fused_v4_wgmma: no block fits a multiprocessor (" + std::to_string(smem) + " bytes)");
  const V4Geometry g = make_v4_geometry(s, kElem, sms * per_sm);
  const int64_t pack_elems = int64_t(g.w.n_tiles) * g.b_bytes / kElem;
  void* packed = nullptr;
  GATE_CUDA_CHECK(cudaMallocAsync(&packed, size_t(pack_elems) * kElem, stream));
  const int pack_blocks = int((pack_elems + 255) / 256 < 4096 ? (pack_elems + 255) / 256 : 4096);
  fused_v4_pack_weights<Flavor><<<pack_blocks, 256, 0, stream>>>(g, static_cast<const Bits*>(w), static_cast<Bits*>(packed));
  GATE_CUDA_CHECK(cudaGetLastError());
  fused_v4_wgmma<Flavor><<<unsigned(g.ctas_per_tile * g.w.n_tiles), kV4Threads, g.smem_bytes, stream>>>(
      g, static_cast<const Bits*>(x), static_cast<const Bits*>(packed), static_cast<const Bits*>(bias), static_cast<Bits*>(y));
  GATE_CUDA_CHECK(cudaGetLastError());
  GATE_CUDA_CHECK(cudaFreeAsync(packed, stream));
}

}  // namespace gate::gpu
