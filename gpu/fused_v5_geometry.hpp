// The geometry of fused_v5_wgmma_ss (the stride-2, k=4 fast path on Hopper with both wgmma operands in shared memory),
// computed on the host from a KernelShape.
// v5 keeps v3/v4's phase-GEMM (fused_v3_geometry.hpp: q-pixels of an image numbered along rows of a pitch, the four
// taps (th, tw) as constant shifts −th·pitch − tw, N = 4 phases × 32 output channels, K = input channels × 4 taps) and
// changes where A lives: TF32 wgmma reads A from shared memory only K-major (channels innermost), and x is NCHW, so a
// first kernel rewrites x as "xt": per image, per 16-byte chunk of channels (4 float32 or 8 16-bit values), the padded
// input plane — rows −1 .. H, columns −1 .. W, pitch W + 2, the border zeros — one 16-byte row per pixel. With the
// q-grid numbered at the same pitch, q-pixel L's tap (th, tw) is xt pixel L + pitch + 1 − th·pitch − tw, so the A
// operand of a 64-pixel item at L0 is, for every tap, 64 consecutive 16-byte rows of one window: xt pixels
// L0 .. L0 + 64 + pitch (one TMA box per unit of chunks), and a tap is only a descriptor start address 16 bytes apart
// (the unswizzled K-major layout: 8-row × 16-byte core matrices, rows consecutive, so any 16-byte offset is legal).
// The q-columns W + 1 (one per row) are junk: computed, never stored.
#pragma once

#include "gpu/fused_v3_geometry.hpp"
#include "gpu/kernel_shape.hpp"

namespace gate::gpu {

inline constexpr int kV5ItemM = 64;  // q-pixels per item (one wgmma M)
// The TMA reads xt in rows of 16 pixels (256 bytes): a box whose innermost dimension is one 16-byte pixel costs the
// copy engine one request per pixel (bench/NOTES.md §9). Items start at multiples of 64 pixels, so windows and planes
// in whole 16-pixel rows need only rounding up.
inline constexpr int kV5TmaPixels = 16;

// What distinguishes the flavours on the host side (the kernel reads the same constants from its Flavor):
//   elem_bytes   4 (float32) or 2 (float16, bfloat16): 16 / elem_bytes channels per 16-byte chunk
//   unit_chunks  chunks per pipeline unit (one TMA box; an even number: a wgmma k-step takes two chunks)
//   stages       window stages of the block's ring (shared by its consumer warpgroups, filled by one producer warp)
//   consumers    consumer warpgroups per block, each with its own items (item j of the block goes to j mod consumers),
//                taking turns at the tensor core: one issues an item's wgmma while the others run their epilogues
struct V5Config {
  int elem_bytes, unit_chunks, stages, consumers;
};
// Measured on an H200 (bench/NOTES.md §9): three consumers slower than two (TF32 1.35 vs 1.26 ms, f16 0.97 vs 0.91).
inline constexpr V5Config kV5ConfigTf32{4, 4, 10, 2};
inline constexpr V5Config kV5Config16Bit{2, 4, 16, 2};
constexpr int v5_threads(const V5Config& c) { return 128 * c.consumers + 32; }

struct V5Geometry {
  V3Geometry w;       // problem sizes, QH, n_tiles (Cout / 32), epilogue constants (its WP and tile fields are v3's, unused)
  int pitch;          // W + 2: the padded input row and the q-grid row
  int plane;          // xt pixels per image and chunk: (H + 2) · pitch, rounded up to a multiple of kV5TmaPixels
  int chunks;         // 16-byte channel chunks: Cin / (16 / elem_bytes)
  int window;         // xt pixels of one item's window: kV5ItemM + pitch + 1, rounded up to a multiple of kV5TmaPixels
  int stage_bytes;    // unit_chunks · window · 16, rounded up to 128
  int units;          // pipeline units per item: chunks / unit_chunks
  int m_tiles;        // items per image: ceil(QH · pitch / 64)
  int k_steps;        // wgmma k-steps per n-tile: chunks / 2 · 4 taps
  int b_bytes;        // packed weights of one n-tile: k_steps · 128 columns · 32 bytes
  int bias_offset;    // the n-tile's 32 bias values (floats), after the stages' mbarriers
  int smem_bytes;     // b_bytes + stages · (stage_bytes + 16) + 128 + consumers · 8 (the consumers' turn mbarriers)
  int items;          // (image, m-tile) pairs: N · m_tiles
  int ctas_per_tile;  // blocks per n-tile; the grid is ctas_per_tile × n_tiles
  int64_t xt_bytes;   // the rewritten input: N · chunks · plane · 16
};

// True when v5 computes s in configuration c with smem_optin bytes of shared memory per block: v3's conditions, Cin a
// multiple of the unit's channels, the window within the TMA's 256 rows per box, and the weights and stages in shared
// memory; otherwise *why_not says which.
bool v5_supports(const KernelShape& s, const V5Config& c, int smem_optin, const char** why_not);
// ctas_per_tile from the number of blocks the device runs at once (multiprocessors × blocks per multiprocessor).
V5Geometry make_v5_geometry(const KernelShape& s, const V5Config& c, int resident_blocks);  // requires v3_supports(s)

}  // namespace gate::gpu
