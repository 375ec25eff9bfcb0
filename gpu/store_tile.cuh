// The phase-GEMM's epilogue: the fused epilogue on the accumulators in registers (bias folded in there), the results
// staged through shared memory as a [phase, co][m] tile, then written out in output order. A block holds every phase of
// its q-pixels, so for each (co, qh, rh) its outputs form one contiguous run of an output row: consecutive threads write
// consecutive addresses (each warp store covers 128 contiguous bytes, or two runs at a q-row break), whatever the row
// length (130 floats = 520 bytes is not a multiple of 16, so 16-byte vectors would need a scalar head and tail per row).
// Stores are streaming (st.global.cs): the output is never re-read.
#pragma once

#include <cstdint>

#include "gpu/epilogue.cuh"
#include "gpu/mma_flavors.cuh"
#include "gpu/phase_geometry.hpp"
#include "gpu/storage.cuh"

namespace gate::gpu {

// Where the outputs of q-pixel m of the block go: y index of (img, co = 0, oh0, ow0), with oh0 = sh·qh − ph and
// ow0 = sw·qw − pw the phase-(0,0) output; oh0 = INT32_MIN marks a q-pixel past the end of M.
struct MOutput {
  int64_t y_offset;
  int oh0, ow0;
};

template <class T>
__device__ __forceinline__ void build_m_outputs(const PhaseGeometry& g, int64_t m0, MOutput* out) {
  for (int i = threadIdx.x; i < T::kBlockM; i += T::kThreads) {
    const int64_t m = m0 + i;
    MOutput o{0, INT32_MIN, 0};
    if (m < g.m_total) {
      const QPixel q = q_pixel(g, m);
      o.oh0 = (g.qh_base + q.qh) * g.s.sh - g.s.ph;
      o.ow0 = (g.qw_base + q.qw) * g.s.sw - g.s.pw;
      o.y_offset = int64_t(q.img) * g.s.Cout * g.s.Hout * g.s.Wout + int64_t(o.oh0) * g.s.Wout + o.ow0;
    }
    out[i] = o;
  }
}

// Registers → stage: stage[n][m] = epilogue(acc + bias[co(n)]). Call after the main loop's last barrier (the stage
// aliases the A/B buffers).
template <class T, class Storage>
__device__ __forceinline__ void epilogue_to_stage(const PhaseGeometry& g, const WarpAcc& acc, const WarpCoords& wc,
                                                  const typename Storage::Bits* __restrict__ bias, int co0, float* stage) {
  float v[4][4][4];
  auto bias_of = [&](int nt, int j) {
    const int n = wc.wn + nt * 8 + 2 * wc.c + j;
    const int co = co0 + (n & (g.block_cout - 1));
    return (g.s.has_bias && co < g.s.Cout) ? Storage::load(bias[co]) : 0.0f;
  };
  epilogue_clamp_gelu_tile(acc, bias_of, g.s.add_value, v);
#pragma unroll
  for (int nt = 0; nt < 4; ++nt)
#pragma unroll
    for (int j = 0; j < 2; ++j) {
      const int n = wc.wn + nt * 8 + 2 * wc.c + j;
#pragma unroll
      for (int mt = 0; mt < 4; ++mt)
#pragma unroll
        for (int half = 0; half < 2; ++half) {
          const int m = wc.wm + mt * 16 + wc.g + 8 * half;
          stage[n * T::kLdStage + m] = v[mt][nt][2 * half + j] * g.s.multiply_value;
        }
    }
}

// Stage → y, in output order: idx = (co_local, rh, m, rw) with rw fastest, so a run of m along one q-row writes one
// contiguous piece of output row sh·qh + rh − ph.
template <class T, class Storage>
__device__ __forceinline__ void store_stage(const PhaseGeometry& g, const float* stage, const MOutput* m_out, int co0,
                                            typename Storage::Bits* __restrict__ y) {
  const int64_t plane = int64_t(g.s.Hout) * g.s.Wout;
  if (g.s.sw <= 2) {
    // BlockM·sw <= threads: a thread's (m, rw) is the same in every iteration, so its output base and column checks are
    // hoisted. With sw = 2 and every pair (ow0, ow0 + 1) starting at an even element (Wout, pw even, y aligned to two
    // elements) a thread takes both rw of its m, one two-element store each (half the store instructions: the stores
    // were 9% of the FFMA kernel's samples, bench/NOTES.md §15); a pair is then wholly inside the row or wholly out.
    // A thread's slabs (co_local, rh) are slab ≡ first (mod slab_step), slab = sh·co_local + rh (powers of two):
    // rh ≡ first (mod d = min(slab_step, sh)), and co_local from first / sh in strides of slab_step / d. Row by row,
    // each store is then its shared loads and two pointer advances (with the index recomputed per slab, 32
    // instructions a store: 12% of the FFMA kernel's time, bench/NOTES.md §15).
    const bool pairs = g.s.sw == 2 && g.s.Wout % 2 == 0 && g.s.pw % 2 == 0 &&
                       reinterpret_cast<uintptr_t>(y) % (2 * sizeof(typename Storage::Bits)) == 0;
    const int log2_lanes = T::kLog2BlockM + (pairs ? 0 : g.log2_sw);  // threads per slab
    const int slab_step = T::kThreads >> log2_lanes;
    const int p = threadIdx.x & ((1 << log2_lanes) - 1);
    const int rw = pairs ? 0 : p & (g.s.sw - 1), m = pairs ? p : p >> g.log2_sw;
    const MOutput o = m_out[m];
    const int ow = o.ow0 + rw;
    if (o.oh0 == INT32_MIN || ow < 0 || ow >= g.s.Wout) return;
    const int first = threadIdx.x >> log2_lanes;  // < slab_step
    const int d = slab_step < g.s.sh ? slab_step : g.s.sh;
    const int co_stride = slab_step / d, co_first = first >> g.log2_sh;
    const int co_end = g.s.Cout - co0 < g.block_cout ? g.s.Cout - co0 : g.block_cout;
    const int rw1 = T::kLdStage << g.log2_block_cout;  // stage distance of rw = 1 from rw = 0
    for (int rh = first & (d - 1); rh < g.s.sh; rh += d) {
      const int oh = o.oh0 + rh;
      if (oh < 0 || oh >= g.s.Hout) continue;
      typename Storage::Bits* y_p = y + o.y_offset + rw + int64_t(co0 + co_first) * plane + int64_t(rh) * g.s.Wout;
      const float* s_p = stage + m + (((rh * g.s.sw + rw) << g.log2_block_cout) + co_first) * T::kLdStage;
      const int64_t y_step = int64_t(co_stride) * plane;
      const int s_step = co_stride * T::kLdStage;
      if (pairs) {
#pragma unroll 4
        for (int co_local = co_first; co_local < co_end; co_local += co_stride, y_p += y_step, s_p += s_step) {
          store_streaming_pair(y_p, Storage::from_float(s_p[0]), Storage::from_float(s_p[rw1]));
        }
      } else {
#pragma unroll 4
        for (int co_local = co_first; co_local < co_end; co_local += co_stride, y_p += y_step, s_p += s_step) {
          store_streaming(y_p, Storage::from_float(*s_p));
        }
      }
    }
    return;
  }
  for (int idx = threadIdx.x; idx < T::kBlockM * kBlockN; idx += T::kThreads) {
    const int rw = idx & (g.s.sw - 1);
    const int m = (idx >> g.log2_sw) & (T::kBlockM - 1);
    const int rh = (idx >> (g.log2_sw + T::kLog2BlockM)) & (g.s.sh - 1);
    const int co_local = idx >> (g.log2_sw + T::kLog2BlockM + g.log2_sh);
    const int co = co0 + co_local;
    const MOutput o = m_out[m];
    const int oh = o.oh0 + rh, ow = o.ow0 + rw;
    if (o.oh0 == INT32_MIN || co >= g.s.Cout || oh < 0 || oh >= g.s.Hout || ow < 0 || ow >= g.s.Wout) continue;
    const float v = stage[((((rh * g.s.sw) + rw) << g.log2_block_cout) + co_local) * T::kLdStage + m];
    store_streaming(&y[o.y_offset + co * plane + int64_t(rh) * g.s.Wout + rw], Storage::from_float(v));
  }
}

}  // namespace gate::gpu
