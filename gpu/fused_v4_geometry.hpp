// The geometry of fused_v4_wgmma (the stride-2, k=4 fast path on Hopper), computed on the host from a KernelShape.
// v4 uses v3's phase-GEMM (fused_v3_geometry.hpp: q-pixels m = qh·WP + qw of one image, 8 input channels per K-chunk,
// the four taps as constant shifts −th·WP − tw in a window of pitch WP) with its own tiling: a block is two independent
// warpgroups, each computing 64-pixel items (64 q-pixels × 4 phases × 32 channels = one wgmma m64n128 tile) from its own
// window stages, while the packed weights of the block's n-tile stay in shared memory for the whole kernel (persistent
// grid: each warpgroup walks a strided list of (image, m-tile) items of one n-tile). A window stage is one TMA box
// [8 channels][rows][wp columns] of x: whole input rows qh0 − 1 .. qh0 + rows − 2 around the item's first q-row qh0,
// the columns W .. wp − 1 and the rows outside the image read as zeros (the TMA's out-of-bounds fill), so the taps of
// the first and last q-column and q-row see the zeros they need.
#pragma once

#include "gpu/fused_v3_geometry.hpp"
#include "gpu/kernel_shape.hpp"

namespace gate::gpu {

inline constexpr int kV4Threads = 256;        // two warpgroups of 128
inline constexpr int kV4ItemM = 64;           // q-pixels per item (one wgmma M)
// The pipeline per element size, chosen by measurement on the H100 (bench/NOTES.md §7d): a unit (one TMA box, one
// wgmma group) of 16 input channels in 3 stages for TF32 (one block per SM: 128 KB of weights), of 8 channels in 4
// stages for 16-bit (two blocks per SM).
template <int kElemBytes>
inline constexpr int kV4UnitCi = kElemBytes == 4 ? 16 : 8;
template <int kElemBytes>
inline constexpr int kV4Stages = kElemBytes == 4 ? 3 : 4;
inline constexpr int kV4StagePad = 128;       // zero bytes before each stage: the tap (th, tw) = (1, 1) of the first
                                              // pixel reads one element (16-bit: two) before channel 0's window
inline constexpr int kV4BStepBytes = 4096;    // one k-step of packed weights: 128 columns × 32 bytes of K
inline constexpr int kV4BStrideBytes = 256;   // descriptor SBO: next 8 columns (one 32-byte-swizzle atom along N)

struct V4Geometry {
  V3Geometry w;       // problem sizes, QH, n_tiles, chunks, epilogue constants (its WP and tile fields are v3's, unused)
  int wp;             // v4's q-grid pitch: >= W + 1, a multiple of 16 bytes of elements, chosen for conflict-free loads
  int rows;           // input rows per window stage (the TMA box height)
  int a_ld;           // elements per channel in a stage: rows · wp
  int m_tiles;        // 64-pixel items per image: ceil(QH·wp / 64)
  int k_steps;        // wgmma k-steps per n-tile: chunks × 4 taps (TF32, k8) or chunks × 2 tap rows (16-bit, k16)
  int b_bytes;        // packed weights of one n-tile in shared memory: k_steps × kV4BStepBytes
  int stage_bytes;    // one window stage incl. its zero pad, a multiple of 128
  int units;          // pipeline units per item: Cin / kV4UnitCi
  int box_bytes;      // bytes one TMA box writes: kV4UnitCi · a_ld · elem
  int smem_bytes;     // b_bytes + 2 warpgroups × kV4Stages × (stage_bytes + full and empty mbarriers)
  int items;          // (image, m-tile) pairs: N × m_tiles
  int ctas_per_tile;  // blocks per n-tile; the grid is ctas_per_tile × n_tiles
};

// True when v4 computes s with elements of elem_bytes (4: TF32, 2: float16/bfloat16) on a device that offers
// smem_optin bytes of shared memory per block: v3's conditions, Cin a multiple of the unit, W·elem a multiple of 16 bytes (TMA row strides), the
// box within the TMA's 256 per dimension, and the n-tile's packed weights and the stages in shared memory.
bool v4_supports(const KernelShape& s, int elem_bytes, int smem_optin, const char** why_not);
// ctas_per_tile from the number of blocks the device runs at once (multiprocessors × blocks per multiprocessor).
V4Geometry make_v4_geometry(const KernelShape& s, int elem_bytes, int resident_blocks);  // requires v3_supports(s)

}  // namespace gate::gpu
