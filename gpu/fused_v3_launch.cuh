// The launcher shared by fused_v3_tap_tile's per-flavour translation units: packs the weights into a stream-ordered
// scratch buffer (scratch_pool.hpp: Cin·Cout·16 elements, freed on the same stream after the launch), then runs the
// main kernel. Pointers not aligned for its vector accesses (x to a 4-element group, y to an output pair: possible for
// views handed in through the C ABI) go to the v2 launcher of the same flavour instead.
#pragma once

#include <cstdint>
#include <string>

#include "gpu/cuda_check.cuh"
#include "gpu/fused_v3_tap_tile.cuh"
#include "gpu/per_device.hpp"
#include "gpu/phase_geometry.hpp"
#include "gpu/scratch_pool.hpp"

namespace gate::gpu {

using V2Launcher = void (*)(const PhaseGeometry&, const void*, const void*, const void*, void*, CUstream_st*);

template <class Flavor>
void launch_v3(const KernelShape& s, const void* x, const void* w, const void* bias, void* y, cudaStream_t stream,
               V2Launcher fallback) {
  using Bits = typename Flavor::Storage::Bits;
  constexpr int kElem = int(sizeof(Bits));
  if (reinterpret_cast<uintptr_t>(x) % (4 * kElem) != 0 || reinterpret_cast<uintptr_t>(y) % (2 * kElem) != 0) {
    return fallback(make_phase_geometry(s), x, w, bias, y, stream);
  }
  const V3Geometry g = make_v3_geometry(s, kElem);
  const int optin = device_smem_per_block();
  if (optin < g.smem_bytes) {
    throw GpuError("fused_v3_tap_tile needs " + std::to_string(g.smem_bytes) +
                   " bytes of shared memory per block; this device offers " + std::to_string(optin));
  }
  const int64_t blocks = int64_t(g.N) * g.m_tiles * g.n_tiles;
  if (blocks > 0x7fffffff) throw GpuError("fused_v3_tap_tile: " + std::to_string(blocks) + " blocks exceed the grid limit");
  const int64_t pack_elems = int64_t(g.Cin) * g.Cout * 16;
  void* packed = scratch_alloc_async(size_t(pack_elems) * kElem, stream);
  const int pack_blocks = int((pack_elems + 255) / 256 < 4096 ? (pack_elems + 255) / 256 : 4096);
  fused_v3_pack_weights<Flavor><<<pack_blocks, 256, 0, stream>>>(g, static_cast<const Bits*>(w), static_cast<Bits*>(packed));
  GATE_CUDA_CHECK(cudaGetLastError());
  resident_per_sm(fused_v3_tap_tile<Flavor>, kV3Threads, g.smem_bytes);  // raises its shared-memory limit (kept)
  fused_v3_tap_tile<Flavor><<<unsigned(blocks), kV3Threads, g.smem_bytes, stream>>>(
      g, static_cast<const Bits*>(x), static_cast<const Bits*>(packed), static_cast<const Bits*>(bias), static_cast<Bits*>(y));
  GATE_CUDA_CHECK(cudaGetLastError());
  scratch_free_async(packed, stream);
}

}  // namespace gate::gpu
