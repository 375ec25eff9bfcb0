// The geometry of fused_v3_tap_tile (the stride-2, k=4 fast path), computed on the host from a KernelShape.
//
// With stride 2, kernel 4, padding 0 and output_padding 0, output (oh, ow) = (2·qh + rh, 2·qw + rw) for the q-pixel
// (qh, qw) in [0, H] × [0, W] and the phase (rh, rw) in {0,1}², and its terms are the four taps (th, tw) in {0,1}²:
// x[qh − th, qw − tw] · w[ci, co, rh + 2·th, rw + 2·tw] (phase_geometry.hpp derives the general case).
// v3 numbers the q-pixels of an image along rows of pitch WP >= W + 1 (a multiple of 4): m = qh·WP + qw. The input is
// read into shared memory in the same linear layout (x[ih, iw] at ih·WP + iw, zero for iw >= W), so tap (th, tw) of
// q-pixel m is the element at m − th·WP − tw: a constant shift, and iw = −1 lands on the previous row's zero columns.
// The columns qw in (W, WP) are junk q-pixels: computed, never stored (seed: WP = 68, 4.4% of the mma work).
#pragma once

#include "gpu/kernel_shape.hpp"

namespace gate::gpu {

// Block tile (all flavours): 128 q-pixels (consecutive m of one image) × 128 columns (4 phases × 32 output channels), 8 warps of
// 64 × 32 (warp w: q-pixels 64·(w % 2), phase w / 2), K streamed 8 input channels (× 4 taps) at a time through
// kV3Stages cp.async stages.
inline constexpr int kV3BlockM = 128;
inline constexpr int kV3Threads = 256;
inline constexpr int kV3ChunkCi = 8;
inline constexpr int kV3CoutPerBlock = 32;
inline constexpr int kV3Stages = 4;
// sm_89 (RTX 4090: 128 SMs, 100 KB of shared memory per SM, 99 KB per block, 72 MB of L2), where v4 (wgmma, TMA) does
// not exist and this kernel is the fast path: the seed workload's block takes 89 KB (TF32: 4 stages × (8 channels ×
// a_ld 200 × 4 B + 16 KB of B)) or 66 KB (16-bit: the epilogue's staging tile), so one block of 8 warps per SM, the
// register cap of 128 (__launch_bounds__(256, 2)) unused there; 3 stages would let two TF32 blocks share an SM's
// 100 KB only below 50 KB each, which the 16 KB B stages alone forbid. Built (CMAKE_CUDA_ARCHITECTURES 80;89;90a),
// never timed: no Ada card is reachable (bench/RESULTS.md).
// B stage of one chunk in 32-bit words: TF32 taps × phases × lanes × 8 values = 4096 (16 KB); the 16-bit flavours
// hold a (tw = 1, tw = 0) pair per word: 2 th × 4 phases × 32 lanes × 8 words = 2048 (8 KB).
template <int kElemBytes>
inline constexpr int kV3BStageWords = kElemBytes == 4 ? 4096 : 2048;
inline constexpr int kV3MaxASlots = 2;                 // 16-byte copies of A per thread and chunk
inline constexpr int kV3StageLd = kV3BlockM + 1;       // epilogue staging tile pitch (words)

struct V3Geometry {
  int N, Cin, Cout, H, W, Hout, Wout;
  int WP;       // row pitch of the q-grid and of the shared input tile (>= W + 1, multiple of 4)
  int QH;       // H + 1 q-rows
  int m_tiles;  // per image: ceil(QH·WP / kV3BlockM)
  int n_tiles;  // Cout / 32
  int chunks;   // Cin / 8
  int a_quads;  // 4-element groups (one cp.async each: 16 bytes float32, 8 bytes 16-bit) per input channel of an A
                // stage: (kV3BlockM + WP + 4) / 4
  int a_ld;     // elements per input channel in an A stage: >= 4·a_quads, and a_ld·elem_bytes/4 ≡ 8 (mod 32) words
                // (bank-conflict-free fragment loads)
  bool has_bias;
  float add_value, multiply_value;
  int smem_bytes;  // dynamic shared memory of the main kernel
};

// True when v3 computes s: stride 2, kernel 4×4, padding 0, output_padding 0, dilation 1, groups 1, W % 4 == 0
// (16-byte copies of input rows), Cin % 8 == 0, Cout % 32 == 0, W small enough that a stage's A copies fit
// kV3MaxASlots per thread. Otherwise *why_not says which.
bool v3_supports(const KernelShape& s, const char** why_not);
// elem_bytes: 4 (float32) or 2 (float16, bfloat16): the storage's element size sets a_ld and the shared memory.
V3Geometry make_v3_geometry(const KernelShape& s, int elem_bytes);  // requires v3_supports(s)

}  // namespace gate::gpu
