// The phase decomposition behind the fast path (fused_v2_phase_gemm), computed on the host from a KernelShape.
//
// With dilation 1 and kH = Th·sh, every output row oh satisfies oh + ph = sh·qh + rh (phase rh in [0, sh)), and its terms
// are exactly the taps kh = rh + sh·th, ih = qh − th for th in [0, Th): a dense Th×Tw convolution per phase, and all
// sh·sw phases read the same input pixels. So the whole operation is one implicit GEMM per image:
//   M = QH·QW phase pixels (qh, qw) of the q-grid, one row per q-pixel, shared by all phases,
//   N = sh·sw phases × Cout (each block takes all phases of kBlockCout(P) output channels, so its output is whole
//       contiguous runs of output rows),
//   K = Cin·Th·Tw, A[m][k] = x[n, ci, qh − th, qw − tw] (0 outside the image), B[k][(phase, co)] = w[ci, co, kh, kw].
// Seed workload: QH = QW = 65, M = 128·4225 = 540,800, N = 4·128, K = 64·4 = 256.
#pragma once

#include <cstdint>

#include "gpu/kernel_shape.hpp"

namespace gate::gpu {

// Block tile of the phase-GEMM (one place; every piece of the kernel reads these). Tile<BlockM>: BlockM q-pixels ×
// kBlockN = 128 columns (all phases of 128/P output channels), 2·BlockM threads = (BlockM/64) × 4 warps of 64 × 32
// accumulators. K streams in chunks of 32 through two shared-memory stages.
//   Tile<128> (256 threads, 70 KB of shared memory): the one built. Two blocks per SM on sm_90 and sm_80 (the register
//             file's limit: 128 registers a thread), one on sm_89 (RTX 4090: 100 KB per SM, 99 KB per block).
//   Tile<256> (512 threads, 134 KB): loads each weight chunk once per 256 q-pixels; measured no faster on the H100
//             (bench/NOTES.md §4, §15) and too large for sm_89, so the launcher does not instantiate it.
inline constexpr int kBlockN = 128;
inline constexpr int kChunkK = 32;
inline constexpr int kWarpM = 64;
inline constexpr int kWarpN = 32;
// Row pitches in 32-bit words. +8 words puts the 4 k-rows a fragment load touches (thread-in-group c) on banks 8c + g,
// so the 32 lanes hit 32 banks. The staging tile uses +4 for the same reason with the accumulator layout (2c, g).
inline constexpr int kLdB = kBlockN + 8;

template <int BlockM>
struct Tile {
  static_assert(BlockM == 128 || BlockM == 256, "the loaders assume two threads per A column");
  static constexpr int kBlockM = BlockM;
  static constexpr int kLog2BlockM = BlockM == 256 ? 8 : 7;
  static constexpr int kThreads = 2 * BlockM;
  static constexpr int kWarpsM = BlockM / kWarpM;
  static constexpr int kLdA = BlockM + 8;
  static constexpr int kLdStage = BlockM + 4;
  static constexpr int kALoads = kChunkK * BlockM / kThreads;   // A elements per thread and chunk (16)
};
using TileSmall = Tile<128>;
using TileLarge = Tile<256>;

struct PhaseGeometry {
  KernelShape s;
  int Th, Tw, taps;              // taps per phase = Th·Tw (a power of two, at most kChunkK)
  int log2_taps, log2_tw, log2_sh, log2_sw, log2_kw, log2_khkw;
  int phases, log2_phases;       // P = sh·sw
  int block_cout, log2_block_cout;  // kBlockN / P output channels per block
  int qh_base, qw_base, QH, QW;  // q-grid: qh in [qh_base, qh_base + QH)
  int64_t m_total;               // N·QH·QW
  int n_tiles;                   // ceil(Cout / block_cout); the M-tiles depend on the Tile (launcher)
  int k_chunks;                  // ceil(Cin·taps / kChunkK)
};

// True when the fast path computes p exactly as the contract asks: groups 1, dilation 1, kH % sH == 0, kW % sW == 0,
// sH, sW, kH/sH, kW/sW powers of two, taps per phase <= kChunkK, sH·sW <= kBlockN. Otherwise *why_not says which.
bool phase_gemm_supports(const KernelShape& s, const char** why_not);
PhaseGeometry make_phase_geometry(const KernelShape& s);  // requires phase_gemm_supports(s)

#ifdef __CUDACC__
// The q-pixel m (< m_total) of the q-grid: image and q-grid row/column (offsets from qh_base, qw_base). A 32-bit
// division where M fits (every realistic problem): the 64-bit one is a ~70-instruction routine on the path to a
// block's first loads and its output table.
struct QPixel {
  int img, qh, qw;
};
__device__ __forceinline__ QPixel q_pixel(const PhaseGeometry& g, int64_t m) {
  const int64_t qhw = int64_t(g.QH) * g.QW;
  const int img = g.m_total <= 0x7fffffff ? int(uint32_t(m) / uint32_t(qhw)) : int(m / qhw);
  const int rem = int(m - img * qhw);
  return {img, rem / g.QW, rem % g.QW};
}
#endif

}  // namespace gate::gpu
