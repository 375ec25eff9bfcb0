// The phase-GEMM's loader: one K-chunk of A (input pixels, im2col on the fly) and B (weights, all phases of the
// block's output channels) from global memory into registers, then into one shared-memory stage in the flavour's format.
// Register staging (not cp.async) because every flavour converts or re-packs on the way (TF32 rounding, 16-bit pairs
// interleaved by k, weights scattered from PyTorch's (Cin, Cout, kH, kW) order into [k][phase, co]); the global loads
// of chunk c+1 are in flight while the warps multiply chunk c.
#pragma once

#include <cstdint>

#include "gpu/phase_geometry.hpp"

namespace gate::gpu {

// A load that happens only where `pred` holds, else 0, without a branch: written as C++ (cond ? load : 0) the compiler
// wraps every element in a branch region (BSSY/BRA/BSYNC, ~10 instructions per element in the first version's SASS).
__device__ __forceinline__ float load_or_zero(const float* p, bool pred) {
  float v;
  asm volatile("{\n .reg .pred p;\n setp.ne.b32 p, %2, 0;\n mov.b32 %0, 0;\n @p ld.global.nc.f32 %0, [%1];\n}\n"
               : "=f"(v) : "l"(p), "r"(int(pred)));
  return v;
}
__device__ __forceinline__ uint16_t load_or_zero(const uint16_t* p, bool pred) {
  unsigned short v;
  asm volatile("{\n .reg .pred p;\n setp.ne.b32 p, %2, 0;\n mov.b16 %0, 0;\n @p ld.global.nc.u16 %0, [%1];\n}\n"
               : "=h"(v) : "l"(p), "r"(int(pred)));
  return v;
}

// Index of element (k, col) of a stage in units of the flavour's element: words for 32-bit flavours, halves for 16-bit
// ones, where the word at word-row k/2 holds k even in its low half.
template <bool kSixteenBit>
__device__ __forceinline__ int stage_index(int k, int col, int ld) {
  if constexpr (kSixteenBit) {
    return ((k >> 1) * ld + col) * 2 + (k & 1);
  } else {
    return k * ld + col;
  }
}

// What one thread loads of A, fixed for the whole block: its row m (a q-pixel), the k-rows k_first, k_first + 2, ...
// of each chunk, and which of the 32 k-rows of a chunk have their tap inside the image for this m (tap(k) = k mod taps
// does not depend on the chunk). The x offset of k-row k relative to (ci0, qh, qw) is the per-block table
// a_offsets[k] = (k / taps)·H·W − th·W − tw, also chunk-invariant: per element the loader only tests a bit, reads one
// broadcast table entry and issues the load (the first version recomputed all of it per element: 23 instructions).
struct ALoaderThread {
  int64_t x_offset;    // x index of (image, ci = 0, qh, qw); only read with a valid tap
  uint32_t k_inside;   // bit k set when tap(k) of this m is inside the image (0 when m is past the end of M)
  int m_local;
  int k_first;
};

template <class T>
__device__ __forceinline__ void build_a_offsets(const PhaseGeometry& g, int* a_offsets) {
  for (int k = threadIdx.x; k < kChunkK; k += T::kThreads) {
    const int tap = k & (g.taps - 1);
    const int th = tap >> g.log2_tw, tw = tap & (g.Tw - 1);
    a_offsets[k] = (k >> g.log2_taps) * g.s.H * g.s.W - th * g.s.W - tw;
  }
}

template <class T>
__device__ __forceinline__ ALoaderThread make_a_loader(const PhaseGeometry& g, int64_t m0) {
  ALoaderThread t;
  t.m_local = threadIdx.x % T::kBlockM;
  t.k_first = threadIdx.x / T::kBlockM;
  t.k_inside = 0;
  t.x_offset = 0;
  const int64_t m = m0 + t.m_local;
  if (m < g.m_total) {
    const int64_t qhw = int64_t(g.QH) * g.QW;
    const int img = int(m / qhw);
    const int rem = int(m - img * qhw);
    const int qh = g.qh_base + rem / g.QW;
    const int qw = g.qw_base + rem % g.QW;
    t.x_offset = int64_t(img) * g.s.Cin * g.s.H * g.s.W + int64_t(qh) * g.s.W + qw;
    uint32_t tap_inside = 0;
    for (int th = 0; th < g.Th; ++th)
      for (int tw = 0; tw < g.Tw; ++tw) {
        const int ih = qh - th, iw = qw - tw;
        if (ih >= 0 && ih < g.s.H && iw >= 0 && iw < g.s.W) tap_inside |= 1u << (th * g.Tw + tw);
      }
    // The taps pattern repeats every `taps` k-rows: multiply by 1 + 2^taps + 2^(2·taps) + ... = (2^32 − 1)/(2^taps − 1).
    t.k_inside = g.taps >= 32 ? tap_inside : tap_inside * (0xFFFFFFFFu / ((1u << g.taps) - 1u));
  }
  return t;
}

// A[k][m] for the chunk's k-rows: k = (ci, th, tw) with the tap fastest, x[img, ci, qh − th, qw − tw] or 0.
template <class T, class Bits>
__device__ __forceinline__ void load_a_chunk(const PhaseGeometry& g, const Bits* __restrict__ x, const ALoaderThread& t,
                                             const int* a_offsets, int chunk, Bits regs[T::kALoads]) {
  const int ci0 = chunk * (kChunkK >> g.log2_taps);
  // k-rows whose channel exists: the first (Cin − ci0)·taps of the chunk (k is channel-major).
  const int k_valid = (g.s.Cin - ci0) << g.log2_taps;
  const uint32_t k_mask = t.k_inside & (k_valid >= kChunkK ? 0xFFFFFFFFu : ((1u << k_valid) - 1u));
  const uint32_t mine = k_mask >> t.k_first;
  const Bits* base = x + t.x_offset + int64_t(ci0) * g.s.H * g.s.W;
  const int* offsets = a_offsets + t.k_first;
#pragma unroll
  for (int j = 0; j < T::kALoads; ++j) {
    regs[j] = load_or_zero(base + offsets[2 * j], (mine >> (2 * j)) & 1u);
  }
}

template <class T, class Flavor, class Bits>
__device__ __forceinline__ void store_a_chunk(const ALoaderThread& t, const Bits regs[T::kALoads], void* stage_a) {
#pragma unroll
  for (int j = 0; j < T::kALoads; ++j) {
    const int k = t.k_first + 2 * j;
    const int i = stage_index<Flavor::kSixteenBit>(k, Flavor::stage_a_column(t.m_local), T::kLdA);
    if constexpr (Flavor::kSixteenBit) {
      static_cast<uint16_t*>(stage_a)[i] = Flavor::to_smem(regs[j]);
    } else {
      static_cast<uint32_t*>(stage_a)[i] = Flavor::to_smem(regs[j]);
    }
  }
}

// B is read in PyTorch's weight order so that a warp's loads are contiguous: for one ci, the block's output channels
// [co0, co0 + block_cout) are block_cout·kH·kW consecutive elements (= 128·taps). Element e of a chunk (e = thread + threads·j)
// is ci_local = e / (128·taps), r = e mod (128·taps), co_local = r / (kH·kW), (kh, kw) = r mod (kH·kW). Where it goes in
// the stage (k = (ci_local, kh / sh, kw / sw), n = (phase (kh mod sh, kw mod sw), co_local), placed at the flavour's
// stage_b_column(n)) is the same for every chunk: a table built once per block.
template <class T, class Flavor>
__device__ __forceinline__ void build_b_table(const PhaseGeometry& g, uint16_t* table) {
  for (int e = threadIdx.x; e < kChunkK * kBlockN; e += T::kThreads) {
    const int ci_local = e >> (7 + g.log2_taps);
    const int r = e & ((128 << g.log2_taps) - 1);
    const int co_local = r >> g.log2_khkw;
    const int khkw = r & ((1 << g.log2_khkw) - 1);
    const int kh = khkw >> g.log2_kw, kw = khkw & (g.s.kW - 1);
    const int rh = kh & (g.s.sh - 1), th = kh >> g.log2_sh;
    const int rw = kw & (g.s.sw - 1), tw = kw >> g.log2_sw;
    const int k = (ci_local << g.log2_taps) + th * g.Tw + tw;
    const int n = ((rh * g.s.sw + rw) << g.log2_block_cout) + co_local;
    table[e] = uint16_t(stage_index<Flavor::kSixteenBit>(k, Flavor::stage_b_column(n), kLdB));
  }
}

// The source side of the same scatter: b_sources[e] = the w offset of element e from the chunk's first element
// (ci0, co0, 0, 0), i.e. ci_local·Cout·kH·kW + r, or 0xFFFFFFFF where co0 + co_local >= Cout. A chunk reads only
// offsets below (Cin − ci0)·Cout·kH·kW (the channels that exist), so one unsigned compare decides each load.
template <class T>
__device__ __forceinline__ void build_b_sources(const PhaseGeometry& g, int co0, uint32_t* b_sources) {
  for (int e = threadIdx.x; e < kChunkK * kBlockN; e += T::kThreads) {
    const int ci_local = e >> (7 + g.log2_taps);
    const int r = e & ((128 << g.log2_taps) - 1);
    const int co = co0 + (r >> g.log2_khkw);
    b_sources[e] = co < g.s.Cout ? uint32_t(ci_local * g.s.Cout * (1 << g.log2_khkw) + r) : 0xFFFFFFFFu;
  }
}

template <class T, class Bits>
__device__ __forceinline__ void load_b_chunk(const PhaseGeometry& g, const Bits* __restrict__ w, const uint32_t* b_sources,
                                             int co0, int chunk, Bits regs[T::kBLoads]) {
  const int ci0 = chunk * (kChunkK >> g.log2_taps);
  const int64_t plane = int64_t(g.s.Cout) << g.log2_khkw;  // one input channel's weights
  const int64_t limit64 = int64_t(g.s.Cin - ci0) * plane;
  const uint32_t limit = limit64 > 0xFFFFFFFEll ? 0xFFFFFFFEu : uint32_t(limit64);
  const Bits* base = w + int64_t(ci0) * plane + (int64_t(co0) << g.log2_khkw);
#pragma unroll
  for (int j = 0; j < T::kBLoads; ++j) {
    const uint32_t off = b_sources[threadIdx.x + T::kThreads * j];
    regs[j] = load_or_zero(base + off, off < limit);
  }
}

template <class T, class Flavor, class Bits>
__device__ __forceinline__ void store_b_chunk(const uint16_t* table, const Bits regs[T::kBLoads], void* stage_b) {
#pragma unroll
  for (int j = 0; j < T::kBLoads; ++j) {
    const int i = table[threadIdx.x + T::kThreads * j];
    if constexpr (Flavor::kSixteenBit) {
      static_cast<uint16_t*>(stage_b)[i] = Flavor::to_smem(regs[j]);
    } else {
      static_cast<uint32_t*>(stage_b)[i] = Flavor::to_smem(regs[j]);
    }
  }
}

}  // namespace gate::gpu
