// The geometry of fused_v4_wgmma (the stride-2, k=4 fast path on Hopper), computed on the host from a KernelShape.
// v4 uses v3's phase-GEMM (fused_v3_geometry.hpp: q-pixels m = qh·WP + qw of one image, 8 input channels per K-chunk,
// the four taps as constant shifts −th·WP − tw in a window of pitch WP) with its own tiling: a block is independent
// warpgroups (two), each computing 64-pixel items (64 q-pixels × its n-tile's columns: 4 phases × 32 channels, one
// wgmma m64n128 tile, or for 3xTF32 2 phases × 32 channels) from its own window stages, while the packed weights of the
// block's n-tile stay in shared memory for the whole kernel (persistent grid: each warpgroup walks a strided list of
// (image, m-tile) items of one n-tile). A window stage is one TMA box [unit channels][rows][wp columns] of x: whole input rows qh0 − 1 .. qh0 + rows − 2 around the item's first q-row qh0,
// the columns W .. wp − 1 and the rows outside the image read as zeros (the TMA's out-of-bounds fill), so the taps of
// the first and last q-column and q-row see the zeros they need.
#pragma once

#include "gpu/fast_divide.hpp"
#include "gpu/fused_v3_geometry.hpp"
#include "gpu/kernel_shape.hpp"

namespace gate::gpu {

inline constexpr int kV4ItemM = 64;           // q-pixels per item (one wgmma M)
inline constexpr int kV4StagePad = 128;       // zero bytes before each stage: the tap (th, tw) = (1, 1) of the first
                                              // pixel reads one element (16-bit: two) before channel 0's window
inline constexpr int kV4BStrideBytes = 256;   // descriptor SBO: next 8 columns (one 32-byte-swizzle atom along N)

// What distinguishes the flavours on the host side (the kernel reads the same constants from its Flavor):
//   elem_bytes  4 (float32 storage) or 2 (float16, bfloat16)
//   unit_ci     input channels per pipeline unit (one TMA box, one wgmma group)
//   stages      window stages per warpgroup
//   n_cols      wgmma N of a block: 128 = 4 phases × 32 output channels, or 64 = the 2 phases (rh, 0), (rh, 1) of one rh
//   b_copies    packed weight arrays in shared memory: 1, or 2 for 3xTF32 (the TF32 big and small parts)
//   warpgroups  independent warpgroups per block (128 threads each), each with its own items and window stages
//   half_buffers  A fragments double-buffered per half-unit (8 channels: two wgmma groups a unit, half the fragment
//               registers) rather than per unit (one group a unit)
// Chosen by measurement on the H100 (bench/NOTES.md §7c, §8c, §10): TF32 units of 8 channels in 4 stages (1.07 ms on
// the seed workload, 16 × 3 1.28), 16-bit units of 8 channels in 4 stages (two blocks per SM; 0.65 ms, 16 × 3 0.76),
// 3xTF32 units of 16 channels in 3 stages with half-unit buffers (1.61–1.69 ms; units of 8 1.88 on the H200). The
// H200 prefers 16 × 3 for TF32 (0.76 ms against 0.87) and 16-bit (0.47 against 0.50): the same binary, a faster
// memory; the H100 is the card the targets are set on, so its choice stands. Every float32
// configuration keeps one block per SM (128 KB of weights); three TF32 warpgroups per block measured 1.45 ms against
// two's 1.15 (8 × 4 each). 3xTF32 needs both weight parts resident, 2 × 128 KB at
// n_cols 128, more than the 227 KB of an SM: it halves the block's columns instead (2 × 64 KB) and reads each input
// window twice as often (bench/NOTES.md §8b).
struct V4Config {
  int elem_bytes, unit_ci, stages, n_cols, b_copies, warpgroups;
  bool half_buffers = false;
};
inline constexpr V4Config kV4ConfigTf32{4, 8, 4, 128, 1, 2};
inline constexpr V4Config kV4Config16Bit{2, 8, 4, 128, 1, 2};
inline constexpr V4Config kV4Config3xTf32{4, 16, 3, 64, 2, 2, true};
constexpr int v4_threads(const V4Config& c) { return 128 * c.warpgroups; }
#ifdef __CUDACC__
#define GATE_V4_HD __host__ __device__
#else
#define GATE_V4_HD
#endif

// Column n of a block's wgmma tile (n < n_cols): rw = n mod 2, lane quad c = (n / 2) mod 4, group t = n / 8; the output
// channel 4·(t mod 8) + c of the n-tile's 32, row parity rh = t / 8 (n_cols 128) or the block's own (n_cols 64). So a
// thread's accumulator pair (columns 8t + 2c, 8t + 2c + 1: consecutive registers) is the (rw = 0, rw = 1) pair of one
// output row. The pack kernel places weights by it, the stores and the bias read by it (tests/gpu/fused_v4_geometry_test).
struct V4Column {
  int rw, rh_local, co_local;
};
GATE_V4_HD constexpr V4Column v4_column(int n) {
  const int t = n >> 3;
  return {n & 1, t >> 3, 4 * (t & 7) + ((n >> 1) & 3)};
}
// Where the bias of channel co_local (of the n-tile's 32) sits in shared memory: lane quad c's eight channels
// 4·t' + c (t' < 8) contiguous at 8·c, so that a lane reads its bias as two 16-byte loads.
GATE_V4_HD constexpr int v4_bias_slot(int co_local) { return (co_local & 3) * 8 + (co_local >> 2); }

// One k-step of one packed weight array: n_cols columns × 32 bytes of K.
GATE_V4_HD constexpr int v4_b_step_bytes(const V4Config& c) { return c.n_cols * 32; }

struct V4Geometry {
  V3Geometry w;       // problem sizes, QH, n_tiles, chunks, epilogue constants (its WP and tile fields are v3's, unused)
  int wp;             // v4's q-grid pitch: >= W + 1, a multiple of 16 bytes of elements, chosen for conflict-free loads
  int rows;           // input rows per window stage (the TMA box height)
  int a_ld;           // elements per channel in a stage: rows · wp
  int m_tiles;        // 64-pixel items per image: ceil(QH·wp / 64)
  int n_tiles;        // the blocks' column tiles: (Cout / 32) × (128 / n_cols); tile t is channels 32·(t / splits)..
                      // and, for n_cols 64, the output row parity rh = t % splits (splits = 128 / n_cols)
  int k_steps;        // wgmma k-steps per n-tile: chunks × 4 taps (TF32, k8) or chunks × 2 tap rows (16-bit, k16)
  int b_bytes;        // packed weights of one n-tile in shared memory: b_copies × k_steps × v4_b_step_bytes
  int stage_bytes;    // one window stage incl. its zero pad, a multiple of 128
  int units;          // pipeline units per item: Cin / unit_ci
  int box_bytes;      // bytes one TMA box writes: unit_ci · a_ld · elem
  int bias_offset;    // the n-tile's 32 bias values (floats) in shared memory, after the stages' mbarriers
  int smem_bytes;     // b_bytes + warpgroups × stages × (stage_bytes + full and empty mbarriers) + 128 bytes of bias
  int items;          // (image, m-tile) pairs: N × m_tiles
  int ctas_per_tile;  // blocks per n-tile; the grid is ctas_per_tile × n_tiles
  FastDivide by_m_tiles, by_wp;  // item → (image, m-tile) and q-pixel → (q-row, q-column) without a division
};

// True when v4 computes s in configuration c on a device that offers smem_optin bytes of shared memory per block:
// v3's conditions, Cin a multiple of the unit, W·elem a multiple of 16 bytes (TMA row strides), the box within the
// TMA's 256 per dimension, and the n-tile's packed weights and the stages in shared memory.
bool v4_supports(const KernelShape& s, const V4Config& c, int smem_optin, const char** why_not);
// ctas_per_tile from the number of blocks the device runs at once (multiprocessors × blocks per multiprocessor).
V4Geometry make_v4_geometry(const KernelShape& s, const V4Config& c, int resident_blocks);  // requires v3_supports(s)

}  // namespace gate::gpu
