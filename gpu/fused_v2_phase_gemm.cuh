// fused_v2_phase_gemm: the fast path. The stride-s transposed convolution as one implicit GEMM over the q-grid
// (phase_geometry.hpp): a block computes BlockM q-pixels × (all sh·sw phases × 128/(sh·sw) output channels), streaming
// K = Cin·Th·Tw through two shared-memory stages in chunks of 32 (A gathered from x, B copied from the weights packed
// per launch: tile_loader.cuh), then runs the fused epilogue on the accumulators and writes its output in contiguous
// row runs (store_tile.cuh). No intermediate tensor in device memory.
// Template parameters: the mma flavour (mma_flavors.cuh: tf32, 3xTF32, fp32 FFMA, f16, bf16) and the Tile (q-pixels per
// block; the launcher builds Tile<128> only, phase_geometry.hpp says why). Built into gate_gpu (fused_v2_<flavour>.cu);
// validated by build*/bench/gpu/gpu_validate, timed by gpu_bench; bench/NOTES.md has each version's prediction and time.
#pragma once

#include <cstdint>

#include "gpu/mma_flavors.cuh"
#include "gpu/phase_geometry.hpp"
#include "gpu/store_tile.cuh"
#include "gpu/tile_loader.cuh"

namespace gate::gpu {

// Shared memory: two stages of A and B (in 32-bit words: kChunkK rows each, the 16-bit flavours use half), aliased by
// the epilogue's staging tile; then the A offsets and the per-m output table.
template <class T>
struct PhaseGemmSmem {
  static constexpr int kStageWordsA = kChunkK * T::kLdA;
  static constexpr int kStageWordsB = kChunkK * kLdB;
  static constexpr int kStagesBytes = 2 * (kStageWordsA + kStageWordsB) * 4;
  static constexpr int kStagingBytes = kBlockN * T::kLdStage * 4;
  static constexpr int kMainBytes = kStagesBytes > kStagingBytes ? kStagesBytes : kStagingBytes;
  static constexpr int kAOffsetsBytes = kChunkK * 4;
  static constexpr int kMOutBytes = T::kBlockM * int(sizeof(MOutput));
  // Tile<128>: 71,808 bytes; Tile<256>: 137,344 bytes.
  static constexpr int kBytes = kMainBytes + kAOffsetsBytes + kMOutBytes;
  static_assert(kMainBytes % 16 == 0 && kAOffsetsBytes % 16 == 0, "16-byte alignment");
};

// Register cap 128 per thread: Tile<128> runs two blocks of 256 threads per SM where shared memory allows (sm_90),
// Tile<256> would run one block of 512 threads; either way 16 warps and the whole register file.
// kStrided: the blocks walk the tiles with the grid's stride instead of one tile each — the launch of a fallback
// queued behind fused_v4's 3xTF32 (run_if_set), which almost never runs: its 16,900 blocks (seed workload) only to
// read the flag and return cost 16 µs a launch, as many as the device holds at once ~2 µs (bench/NOTES.md §17).
template <class Flavor, class T, bool kStrided = false>
__global__ void __launch_bounds__(T::kThreads, 512 / T::kThreads)
    fused_v2_phase_gemm(PhaseGeometry g, const typename Flavor::Storage::Bits* __restrict__ x,
                        const uint32_t* __restrict__ w_packed,
                        const typename Flavor::Storage::Bits* __restrict__ bias,
                        typename Flavor::Storage::Bits* __restrict__ y, const uint32_t* run_if_set) {
  using Bits = typename Flavor::Storage::Bits;
  using S = PhaseGemmSmem<T>;
  if (run_if_set != nullptr && *run_if_set == 0) return;  // a fallback not needed this time (fused_v2_launchers.hpp)
  extern __shared__ __align__(16) unsigned char smem[];
  uint32_t* stages = reinterpret_cast<uint32_t*>(smem);
  int* a_offsets = reinterpret_cast<int*>(smem + S::kMainBytes);
  MOutput* m_out = reinterpret_cast<MOutput*>(smem + S::kMainBytes + S::kAOffsetsBytes);
  auto stage_a = [&](int s) { return stages + s * (S::kStageWordsA + S::kStageWordsB); };
  auto stage_b = [&](int s) { return stages + s * (S::kStageWordsA + S::kStageWordsB) + S::kStageWordsA; };

  // Tile `tile` (blockIdx.x, or with kStrided each of the block's): the blocks that share one m-tile are consecutive,
  // so they run together and its A rows come from L2.
  auto run_tile = [&](int64_t tile) {
    const int n_tile = int(tile % g.n_tiles);
    const int64_t m0 = tile / g.n_tiles * T::kBlockM;
    const int co0 = n_tile * g.block_cout;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const WarpCoords wc{(warp % T::kWarpsM) * kWarpM, (warp / T::kWarpsM) * kWarpN, lane / 4, lane % 4};

    const uint32_t* b_tile = w_packed + int64_t(n_tile) * g.k_chunks * kPackedChunkWords<Flavor::kSixteenBit>;
    build_a_offsets<T>(g, a_offsets);
    build_m_outputs<T>(g, m0, m_out);
    const ALoaderThread a_thread = make_a_loader<T>(g, m0);

    WarpAcc acc;
    zero_warp_acc(acc);

    // ---- prefetch: chunk 0 into stage 0 ----
    Bits a_regs[T::kALoads];
    copy_b_chunk<T, Flavor::kSixteenBit>(b_tile, 0, stage_b(0));
    __syncthreads();  // a_offsets and m_out complete
    load_a_chunk<T>(g, x, a_thread, a_offsets, 0, a_regs);
    store_a_chunk<T, Flavor>(a_thread, a_regs, stage_a(0));
    cp_async_wait<0>();
    __syncthreads();

    // ---- main loop: the loads of chunk c+1 are issued before the mma work on chunk c (A's into registers, which go to
    // the other stage after it; B's cp.async straight into that stage), and one barrier per chunk separates a stage's
    // writes from its reads (the stage written in iteration c was last read in iteration c-1, before the previous
    // barrier). ----
    for (int c = 0; c < g.k_chunks; ++c) {
      const bool more = c + 1 < g.k_chunks;
      if (more) {
        load_a_chunk<T>(g, x, a_thread, a_offsets, c + 1, a_regs);
        copy_b_chunk<T, Flavor::kSixteenBit>(b_tile, c + 1, stage_b((c + 1) & 1));
      }
      Flavor::template chunk<T::kLdA>(acc, stage_a(c & 1), stage_b(c & 1), wc);
      if (more) {
        store_a_chunk<T, Flavor>(a_thread, a_regs, stage_a((c + 1) & 1));
        cp_async_wait<0>();
      }
      __syncthreads();
    }

    // ---- epilogue: registers → staging tile (aliases the stages; the loop's last barrier ended their reads) → y ---
    float* stage = reinterpret_cast<float*>(smem);
    epilogue_to_stage<T, typename Flavor::Storage>(g, acc, wc, bias, co0, stage);
    __syncthreads();
    store_stage<T, typename Flavor::Storage>(g, stage, m_out, co0, y);
  };
  if constexpr (!kStrided) {
    run_tile(blockIdx.x);
  } else {
    const int64_t tiles = (g.m_total + T::kBlockM - 1) / T::kBlockM * g.n_tiles;
    for (int64_t tile = blockIdx.x; tile < tiles; tile += gridDim.x) {
      run_tile(tile);
      __syncthreads();  // the tile's store_stage has read the staging tile and m_out before the next writes them
    }
  }
}

}  // namespace gate::gpu
