// The phase-GEMM's loader: one K-chunk of A (input pixels, im2col on the fly) from global memory into registers, then
// into one shared-memory stage in the flavour's format (register staging, not cp.async, because the flavours convert or
// re-pack on the way: TF32 rounding, 16-bit pairs interleaved by k); and B (weights, all phases of the block's output
// channels), packed once per launch in the stage's order and format, copied by cp.async. The loads of chunk c+1 are in
// flight while the warps multiply chunk c.
#pragma once

#include <cstdint>
#include <type_traits>

#include "gpu/cp_async.cuh"
#include "gpu/phase_geometry.hpp"

namespace gate::gpu {

// A load that happens only where `load_if` is non-zero (a masked bit, tested as is), else 0, without a branch: written
// as C++ (cond ? load : 0) the compiler wraps every element in a branch region (BSSY/BRA/BSYNC, ~10 instructions per
// element in the first version's SASS).
__device__ __forceinline__ float load_or_zero(const float* p, uint32_t load_if) {
  float v;
  asm volatile("{\n .reg .pred p;\n setp.ne.b32 p, %2, 0;\n mov.b32 %0, 0;\n @p ld.global.nc.f32 %0, [%1];\n}\n"
               : "=f"(v) : "l"(p), "r"(load_if));
  return v;
}
__device__ __forceinline__ uint16_t load_or_zero(const uint16_t* p, uint32_t load_if) {
  unsigned short v;
  asm volatile("{\n .reg .pred p;\n setp.ne.b32 p, %2, 0;\n mov.b16 %0, 0;\n @p ld.global.nc.u16 %0, [%1];\n}\n"
               : "=h"(v) : "l"(p), "r"(load_if));
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
// The table is stored by k-row parity (a_offset_slot), so that a thread's 16 entries are contiguous: four 16-byte
// loads per chunk instead of 16.
struct ALoaderThread {
  int64_t x_offset;    // x index of (image, ci = 0, qh, qw); only read with a valid tap
  uint32_t k_inside;   // bit k set when tap(k) of this m is inside the image (0 when m is past the end of M)
  int m_local;
  int k_first;
};

// Where k-row k's entry sits: the thread with k_first = k mod 2 reads its k-rows k_first + 2j at k_first·16 + j.
template <class T>
__host__ __device__ constexpr int a_offset_slot(int k) {
  static_assert(T::kThreads / T::kBlockM == 2 && 2 * T::kALoads == kChunkK, "two k-row parities, 16 rows each");
  return (k & 1) * T::kALoads + (k >> 1);
}

template <class T>
__device__ __forceinline__ void build_a_offsets(const PhaseGeometry& g, int* a_offsets) {
  for (int k = threadIdx.x; k < kChunkK; k += T::kThreads) {
    const int tap = k & (g.taps - 1);
    const int th = tap >> g.log2_tw, tw = tap & (g.Tw - 1);
    a_offsets[a_offset_slot<T>(k)] = (k >> g.log2_taps) * g.s.H * g.s.W - th * g.s.W - tw;
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
    const QPixel q = q_pixel(g, m);
    const int qh = g.qh_base + q.qh, qw = g.qw_base + q.qw;
    t.x_offset = int64_t(q.img) * g.s.Cin * g.s.H * g.s.W + int64_t(qh) * g.s.W + qw;
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
  int offsets[T::kALoads];
  static_assert(T::kALoads % 4 == 0, "whole 16-byte table loads");
#pragma unroll
  for (int q = 0; q < T::kALoads / 4; ++q) {
    *reinterpret_cast<int4*>(&offsets[4 * q]) =
        reinterpret_cast<const int4*>(a_offsets + a_offset_slot<T>(t.k_first))[q];
  }
#pragma unroll
  for (int j = 0; j < T::kALoads; ++j) {
    regs[j] = load_or_zero(base + offsets[j], mine & (1u << (2 * j)));
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

// B: the weights of every (n-tile, chunk), packed once per launch (fused_v2_pack_weights, queued before the kernel by
// fused_v2_launch.cuh) in the stage's order and the flavour's format, so that a chunk's B is a contiguous copy of
// 16-byte pieces (cp.async) into the stage's padded rows. (Gathered per chunk from PyTorch's order through two tables,
// B took ~10 instructions per element, 16 per thread and chunk, and the tables a prologue per block: bench/NOTES.md
// §15.) A packed chunk is kBRows word-rows (k, or 16-bit pairs of k) × kBlockN words.
template <bool kSixteenBit>
inline constexpr int kBRows = kSixteenBit ? kChunkK / 2 : kChunkK;
template <bool kSixteenBit>
inline constexpr int kPackedChunkWords = kBRows<kSixteenBit> * kBlockN;

// Element (k, n) of chunk c of n-tile t: K = c·kChunkK + k is (ci, th, tw), channel-major (tap = K mod taps); n is
// (phase (rh, rw), co_local) with co = t·block_cout + co_local; its value is Flavor::to_smem(w[ci][co][kh][kw]) with
// kh = th·sh + rh, kw = tw·sw + rw (PyTorch's (Cin, Cout, kH, kW) order), 0 where ci >= Cin or co >= Cout; it goes to
// stage_index(k, stage_b_column(n)) of the chunk's kBlockN-word rows. run_if_set as the kernel's.
template <class Flavor>
using PackedB = std::conditional_t<Flavor::kSixteenBit, uint16_t, uint32_t>;  // what to_smem returns

template <class Flavor>
__global__ void fused_v2_pack_weights(PhaseGeometry g, const typename Flavor::Storage::Bits* __restrict__ w,
                                      PackedB<Flavor>* __restrict__ packed, const uint32_t* run_if_set) {
  if (run_if_set != nullptr && *run_if_set == 0) return;
  const int64_t total = int64_t(g.n_tiles) * g.k_chunks * kChunkK * kBlockN;
  for (int64_t e = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; e < total; e += int64_t(gridDim.x) * blockDim.x) {
    const int n = int(e % kBlockN), k = int(e / kBlockN % kChunkK);
    const int64_t chunk_index = e / (kBlockN * kChunkK);  // n_tile · k_chunks + c
    const int c = int(chunk_index % g.k_chunks), n_tile = int(chunk_index / g.k_chunks);
    const int big_k = c * kChunkK + k, ci = big_k >> g.log2_taps, tap = big_k & (g.taps - 1);
    const int th = tap >> g.log2_tw, tw = tap & (g.Tw - 1);
    const int phase = n >> g.log2_block_cout, co = n_tile * g.block_cout + (n & (g.block_cout - 1));
    const int kh = (th << g.log2_sh) + (phase >> g.log2_sw), kw = (tw << g.log2_sw) + (phase & (g.s.sw - 1));
    PackedB<Flavor> v = 0;
    if (ci < g.s.Cin && co < g.s.Cout) {
      v = Flavor::to_smem(w[((int64_t(ci) * g.s.Cout + co) * g.s.kH + kh) * g.s.kW + kw]);
    }
    packed[chunk_index * kChunkK * kBlockN + stage_index<Flavor::kSixteenBit>(k, Flavor::stage_b_column(n), kBlockN)] = v;
  }
}

// Chunk c of the block's packed weights (packed_tile: its n-tile's first chunk) into a stage: one 16-byte cp.async per
// piece, committed as one group.
template <class T, bool kSixteenBit>
__device__ __forceinline__ void copy_b_chunk(const uint32_t* __restrict__ packed_tile, int chunk, uint32_t* stage_b) {
  constexpr int kPiecesPerRow = kBlockN / 4;
  constexpr int kPieces = kBRows<kSixteenBit> * kPiecesPerRow;
  static_assert(kPieces % T::kThreads == 0 && kLdB % 4 == 0, "whole 16-byte pieces, the same count per thread");
  const uint32_t* src = packed_tile + int64_t(chunk) * kPackedChunkWords<kSixteenBit>;
  const uint32_t dst = uint32_t(__cvta_generic_to_shared(stage_b));
#pragma unroll
  for (int j = 0; j < kPieces / T::kThreads; ++j) {
    const int i = threadIdx.x + j * T::kThreads;
    cp_async<16>(dst + 4 * ((i / kPiecesPerRow) * kLdB + 4 * (i % kPiecesPerRow)), src + 4 * i, true);
  }
  cp_async_commit();
}

}  // namespace gate::gpu
