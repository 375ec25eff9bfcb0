// The launcher shared by the per-flavour translation units: checks that the device offers the Tile's shared memory,
// raises the block's dynamic shared-memory limit, packs the weights (fused_v2_pack_weights), launches one block per
// (m-tile, n-tile) and checks the launches. (Persistent blocks measured 7–10% slower, bench/NOTES.md §15.)
// Tile<128> on every architecture: Tile<256> (one block of 512 threads per SM, half the weight loads per mma) was
// measured no faster on the H100 (2.245 vs 2.258 ms tf32, bench/NOTES.md §4; FFMA 4.04 vs 3.99, §15) and does not fit
// sm_89, so it is not built.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

#include "gpu/cuda_check.cuh"
#include "gpu/fused_v2_phase_gemm.cuh"
#include "gpu/per_device.hpp"
#include "gpu/scratch_pool.hpp"

namespace gate::gpu {

// kFlagged: the launch of a fallback that runs only if *run_if_set != 0 (fused_v4's 3xTF32, fused_v2_launchers.hpp).
template <class Flavor, class T, bool kFlagged>
void launch_v2_tile(const PhaseGeometry& g, const void* x, const void* w, const void* bias, void* y, cudaStream_t stream,
                    const uint32_t* run_if_set) {
  using Bits = typename Flavor::Storage::Bits;
  constexpr int kSmem = PhaseGemmSmem<T>::kBytes;
  const int64_t m_tiles = (g.m_total + T::kBlockM - 1) / T::kBlockM;
  const int64_t blocks = m_tiles * g.n_tiles;
  if (blocks > 0x7fffffff) throw GpuError("fused_v2_phase_gemm: " + std::to_string(blocks) + " blocks exceed the grid limit");
  // The weights in the stages' order (tile_loader.cuh), in a stream-ordered scratch buffer freed after the launch.
  const int64_t packed_words = int64_t(g.n_tiles) * g.k_chunks * kPackedChunkWords<Flavor::kSixteenBit>;
  void* packed = scratch_alloc_async(size_t(packed_words) * 4, stream);
  const int pack_blocks = int(std::min<int64_t>((packed_words * (Flavor::kSixteenBit ? 2 : 1) + 255) / 256, 4096));
  fused_v2_pack_weights<Flavor><<<pack_blocks, 256, 0, stream>>>(g, static_cast<const Bits*>(w),
                                                                  static_cast<PackedB<Flavor>*>(packed), run_if_set);
  GATE_CUDA_CHECK(cudaGetLastError());
  if constexpr (!kFlagged) {
    resident_per_sm(fused_v2_phase_gemm<Flavor, T>, T::kThreads, kSmem);  // raises its shared-memory limit (kept)
    fused_v2_phase_gemm<Flavor, T><<<unsigned(blocks), T::kThreads, kSmem, stream>>>(
        g, static_cast<const Bits*>(x), static_cast<const uint32_t*>(packed), static_cast<const Bits*>(bias),
        static_cast<Bits*>(y), run_if_set);
  } else {
    // A fallback that almost never runs: as many blocks as the device holds at once, each walking its tiles, so that
    // reading the flag costs one wave of blocks instead of one per tile.
    auto kernel = fused_v2_phase_gemm<Flavor, T, true>;
    const int per_sm = resident_per_sm(kernel, T::kThreads, kSmem);
    const int64_t resident = std::max<int64_t>(int64_t(device_multiprocessors()) * per_sm, 1);
    kernel<<<unsigned(std::min(blocks, resident)), T::kThreads, kSmem, stream>>>(
        g, static_cast<const Bits*>(x), static_cast<const uint32_t*>(packed), static_cast<const Bits*>(bias),
        static_cast<Bits*>(y), run_if_set);
  }
  GATE_CUDA_CHECK(cudaGetLastError());
  scratch_free_async(packed, stream);
}

template <class Flavor, bool kFlagged = false>
void launch_v2(const PhaseGeometry& g, const void* x, const void* w, const void* bias, void* y, cudaStream_t stream,
               const uint32_t* run_if_set = nullptr) {
  const int smem = device_smem_per_block();
  if (smem >= PhaseGemmSmem<TileSmall>::kBytes) {
    return launch_v2_tile<Flavor, TileSmall, kFlagged>(g, x, w, bias, y, stream, run_if_set);
  }
  throw GpuError("fused_v2_phase_gemm needs " + std::to_string(PhaseGemmSmem<TileSmall>::kBytes) +
                 " bytes of shared memory per block; this device offers " + std::to_string(smem));
}

}  // namespace gate::gpu
