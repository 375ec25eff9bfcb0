// The geometry of fused_v4_wgmma (the stride-2, k=4 fast path on Hopper), computed on the host from a KernelShape.
// v4 reads the input the way v3 does (fused_v3_geometry.hpp: q-pixels m = qh·WP + qw of one image per tile, 8 input
// channels per K-chunk, the four taps as constant shifts in a window of pitch WP), with its own tile: a block is two
// independent warpgroups, each computing 64-pixel items (64 q-pixels × 4 phases × 32 channels = one wgmma m64n128 tile)
// from its own window stages, while the packed weights of the block's n-tile stay in shared memory for the whole
// kernel (persistent grid: each warpgroup walks a strided list of (image, m-tile) items of one n-tile).
#pragma once

#include "gpu/fused_v3_geometry.hpp"
#include "gpu/kernel_shape.hpp"

namespace gate::gpu {

inline constexpr int kV4Threads = 256;        // two warpgroups of 128
inline constexpr int kV4ItemM = 64;           // q-pixels per item (one wgmma M)
inline constexpr int kV4Stages = 8;           // cp.async stages of each warpgroup's input window
inline constexpr int kV4MaxASlots = 3;        // 4-element copies per thread and stage (8 channels × a_quads ≤ 384)
inline constexpr int kV4BStepBytes = 4096;    // one k-step of packed weights: 128 columns × 32 bytes of K
inline constexpr int kV4BStrideBytes = 256;   // descriptor SBO: next 8 columns (one 32-byte-swizzle atom along N)

struct V4Geometry {
  V3Geometry w;       // problem sizes, WP, QH, n_tiles, chunks, epilogue constants (its tile fields are v3's, unused)
  int m_tiles;        // 64-pixel items per image: ceil(QH·WP / 64)
  int a_quads;        // 4-element groups per channel of a window stage: (64 + WP + 4) / 4
  int a_ld;           // elements per channel in a stage: >= 4·a_quads, a_ld·elem_bytes/4 ≡ 8 (mod 32) words
  int k_steps;        // wgmma k-steps per n-tile: chunks × 4 taps (TF32, k8) or chunks × 2 tap rows (16-bit, k16)
  int b_bytes;        // packed weights of one n-tile in shared memory: k_steps × kV4BStepBytes
  int a_stage_bytes;  // one window stage: 8 channels × a_ld elements
  int smem_bytes;     // b_bytes + 2 warpgroups × kV4Stages × a_stage_bytes
  int items;          // (image, m-tile) pairs: N × m_tiles
  int ctas_per_tile;  // blocks per n-tile; the grid is ctas_per_tile × n_tiles
};

// True when v4 computes s with elements of elem_bytes (4: TF32, 2: float16/bfloat16) on a device that offers
// smem_optin bytes of shared memory per block: v3's conditions, plus the n-tile's packed weights and the stages fit.
bool v4_supports(const KernelShape& s, int elem_bytes, int smem_optin, const char** why_not);
// ctas_per_tile from the number of blocks the device runs at once (multiprocessors × blocks per multiprocessor).
V4Geometry make_v4_geometry(const KernelShape& s, int elem_bytes, int resident_blocks);  // requires v3_supports(s)

}  // namespace gate::gpu
