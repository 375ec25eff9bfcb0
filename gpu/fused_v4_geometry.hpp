// The geometry of fused_v4_wgmma (the stride-2, k=4 fast path on Hopper), computed on the host from a KernelShape.
// v4 reads the same input window as v3 (fused_v3_geometry.hpp: 128 q-pixels of one image per tile, 8 input channels per
// K-chunk, the four taps as constant shifts), so it keeps v3's window fields and adds its own: the packed weights of
// one n-tile (32 output channels × 4 phases = the wgmma's N = 128) live in shared memory for the whole kernel, and each
// block walks a strided list of (image, m-tile) items of one n-tile (a persistent grid).
#pragma once

#include "gpu/fused_v3_geometry.hpp"
#include "gpu/kernel_shape.hpp"

namespace gate::gpu {

inline constexpr int kV4Threads = 256;        // two warpgroups, each 64 q-pixels × 128 columns of the tile
inline constexpr int kV4Stages = 4;           // cp.async stages of the input window
inline constexpr int kV4BStepBytes = 4096;    // one k-step of packed weights: 128 columns × 32 bytes of K
inline constexpr int kV4BLeadBytes = 128;     // descriptor LBO: next core matrix along K
inline constexpr int kV4BStrideBytes = 256;   // descriptor SBO: next 8 columns (core matrix along N)

struct V4Geometry {
  V3Geometry w;       // window, tile and chunk geometry shared with v3 (its smem_bytes is v3's, unused here)
  int k_steps;        // wgmma k-steps per n-tile: chunks × 4 taps (TF32, k8) or chunks × 2 tap rows (16-bit, k16)
  int b_bytes;        // packed weights of one n-tile in shared memory: k_steps × kV4BStepBytes
  int a_stage_bytes;  // one input-window stage: 8 channels × a_ld elements
  int smem_bytes;     // b_bytes + kV4Stages × a_stage_bytes
  int items;          // (image, m-tile) pairs: N × m_tiles
  int ctas_per_tile;  // blocks per n-tile; the grid is ctas_per_tile × n_tiles
};

// True when v4 computes s with elements of elem_bytes (4: TF32, 2: float16/bfloat16) on a device that offers
// smem_optin bytes of shared memory per block: v3's conditions, plus the n-tile's packed weights and the stages fit.
bool v4_supports(const KernelShape& s, int elem_bytes, int smem_optin, const char** why_not);
// ctas_per_tile from the number of blocks the device runs at once (multiprocessors × blocks per multiprocessor).
V4Geometry make_v4_geometry(const KernelShape& s, int elem_bytes, int resident_blocks);  // requires v4_supports

// Shared-memory bytes v4 needs for s (the weights of one n-tile and the window stages).
int v4_smem_bytes(const KernelShape& s, int elem_bytes);

}  // namespace gate::gpu
