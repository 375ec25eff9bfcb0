// The launcher shared by fused_v5_wgmma_ss's per-flavour translation units: one stream-ordered scratch buffer
// (scratch_pool.hpp: xt, then the packed weights; freed on the same stream after the launch), the rewrite of x into xt,
// the weight packing (fused_v4_pack_weights with the flavour's packing flavour), then the persistent main kernel with
// as many blocks as the device holds at once, xt read through a TMA tensor map. An output pointer not aligned for the
// pair stores goes to `fallback` (the v3 launcher of the same flavour).
#pragma once

#include <cstdint>
#include <string>

#include "gpu/cuda_check.cuh"
#include "gpu/fused_v4_launch.cuh"
#include "gpu/fused_v5_wgmma_ss.cuh"
#include "gpu/kernel_shape.hpp"
#include "gpu/scratch_pool.hpp"

namespace gate::gpu {

template <class Flavor>
void launch_v5(const KernelShape& s, const void* x, const void* w, const void* bias, void* y, cudaStream_t stream,
               V3Launcher fallback) {
  using Bits = typename Flavor::Storage::Bits;
  constexpr int kElem = int(sizeof(Bits));
  constexpr V5Config kC = Flavor::kConfig;
  if (reinterpret_cast<uintptr_t>(y) % (2 * kElem) != 0) return fallback(s, x, w, bias, y, stream);
  int device = 0, sms = 0;
  GATE_CUDA_CHECK(cudaGetDevice(&device));
  GATE_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  const int smem = make_v5_geometry(s, kC, 1).smem_bytes;
  GATE_CUDA_CHECK(cudaFuncSetAttribute(fused_v5_wgmma_ss<Flavor>, cudaFuncAttributeMaxDynamicSharedMemorySize, smem));
  int per_sm = 0;
  GATE_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, fused_v5_wgmma_ss<Flavor>, v5_threads(kC), smem));
  if (per_sm < 1) throw GpuError("fused_v5_wgmma_ss: no block fits a multiprocessor (" + std::to_string(smem) + " bytes)");
  const V5Geometry g = make_v5_geometry(s, kC, sms * per_sm);
  const int64_t pack_bytes = int64_t(g.w.n_tiles) * g.b_bytes;
  void* scratch = scratch_alloc_async(size_t(g.xt_bytes + pack_bytes), stream);
  uint4* xt = static_cast<uint4*>(scratch);
  Bits* packed = reinterpret_cast<Bits*>(static_cast<unsigned char*>(scratch) + g.xt_bytes);
  const int64_t rows = g.xt_bytes / 16;
  const int rewrite_blocks = int(std::min<int64_t>((rows + 255) / 256, int64_t(sms) * 16));
  fused_v5_rewrite_x<Bits><<<rewrite_blocks, 256, 0, stream>>>(static_cast<const Bits*>(x), xt, s.H, s.W, g.pitch, g.plane, rows);
  GATE_CUDA_CHECK(cudaGetLastError());
  using Pack = typename Flavor::Pack;
  const int64_t pack_elems = pack_bytes / kElem;
  const int pack_blocks = int(std::min<int64_t>((pack_elems + 255) / 256, 4096));
  fused_v4_pack_weights<Pack><<<pack_blocks, 256, 0, stream>>>(g.w.n_tiles, g.k_steps, s.Cout, static_cast<const Bits*>(w),
                                                               packed, nullptr);
  GATE_CUDA_CHECK(cudaGetLastError());
  // xt as a 3-D tensor [N·chunks][plane / 16][16 pixels × 16 bytes]; a box is [unit_chunks][window / 16][256 bytes]
  // (rows past the plane's end read as zeros: only junk rows of an image's last item reach them).
  constexpr uint32_t kRowElems = kV5TmaPixels * 16 / kElem;
  const uint64_t dims[3] = {kRowElems, uint64_t(g.plane / kV5TmaPixels), uint64_t(s.N) * g.chunks};
  const uint64_t strides[2] = {kV5TmaPixels * 16, uint64_t(g.plane) * 16};
  const uint32_t box[3] = {kRowElems, uint32_t(g.window / kV5TmaPixels), uint32_t(kC.unit_chunks)};
  const CUtensorMap xt_map = make_tensor_map_3d(xt, v4_tma_type<typename Flavor::Storage>(), dims, strides, box);
  fused_v5_wgmma_ss<Flavor><<<unsigned(g.ctas_per_tile * g.w.n_tiles), v5_threads(kC), g.smem_bytes, stream>>>(
      g, xt_map, packed, static_cast<const Bits*>(bias), static_cast<Bits*>(y));
  GATE_CUDA_CHECK(cudaGetLastError());
  scratch_free_async(scratch, stream);
}

}  // namespace gate::gpu
