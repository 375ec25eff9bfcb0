// fused_v3_tap_tile: the stride-2, k=4 fast path (issue 6). Same phase-GEMM as fused_v2_phase_gemm (M = q-pixels,
// N = 4 phases × Cout, K = Cin × 4 taps), rebuilt so that the main loop is shared loads + mma and nothing else:
//   A  a plain window of x per input channel (fused_v3_geometry.hpp: pitch-WP rows, zero columns as the halo), copied
//      with 16-byte cp.async (zero-filled outside the image) through kV3Stages stages; no im2col arithmetic. The four
//      taps are constant shifts in that window (−th·WP − tw), and a lane's A fragments for tw = 0 and tw = 1 come from
//      the same four 16-byte loads per channel row (the tw = 1 values are the tw = 0 ones moved up by one q-pixel).
//   B  the weights packed once per launch by fused_v3_pack_weights in mma-fragment order, TF32-rounded: a lane's B
//      fragments of one k8 step are two 16-byte shared loads; a stage is a plain 16 KB copy.
//   epilogue: the accumulators through the shared epilogue (gpu/epilogue.cuh), staged in shared memory, written as
//      8-byte streaming stores of (rw = 0, 1) pairs along output rows.
// The mma flavour is the only template parameter:
//   FlavorV3Tf32  float32 storage, m16n8k8 TF32; A fed to the mma as raw float32 bits (the tensor core reads the TF32
//                 part, i.e. truncation, which the tf32 contract allows: kTf32OperandError = 2^-10), B packed cvt.rna.
//                 k8 step = 8 channels of one tap.
//   FlavorV3F16, FlavorV3Bf16  16-bit storage, m16n8k16 with fp32 accumulation; a k16 step is 8 channels × the two
//                 taps tw = 1, 0 of one th, so a 32-bit A register holds the pair (x[m − 1], x[m]): one aligned word of
//                 the window or one byte_perm of two. Copies are 8 bytes (4 elements) so the window is the same.
// Built into gate_gpu by fused_v3_mma_<flavour>.cu; validated by gpu_validate, timed by gpu_bench (bench/NOTES.md §6).
#pragma once

#include <cstdint>

#include "gpu/cp_async.cuh"
#include "gpu/epilogue.cuh"
#include "gpu/fused_v3_geometry.hpp"
#include "gpu/mma_flavors.cuh"
#include "gpu/storage.cuh"

namespace gate::gpu {

// The TF32 flavour: B packed already rounded (cvt.rna), A as raw bits.
struct FlavorV3Tf32 {
  using Storage = StorageF32;
  static constexpr bool kSixteenBit = false;
  static __device__ __forceinline__ float pack_b(float w) { return __uint_as_float(tf32_round(w)); }
  static __device__ __forceinline__ void mma(float d[4], const uint32_t a[4], const uint32_t b[2]) { mma_tf32(d, a, b); }
};
template <class StorageT, void (*Mma)(float*, const uint32_t*, const uint32_t*)>
struct FlavorV3SixteenBit {
  using Storage = StorageT;
  static constexpr bool kSixteenBit = true;
  static __device__ __forceinline__ uint16_t pack_b(uint16_t w) { return w; }
  static __device__ __forceinline__ void mma(float d[4], const uint32_t a[4], const uint32_t b[2]) { Mma(d, a, b); }
};
using FlavorV3F16 = FlavorV3SixteenBit<StorageF16, mma_f16>;
using FlavorV3Bf16 = FlavorV3SixteenBit<StorageBF16, mma_bf16>;

// Packed weights, in mma fragment order (same element count as w: Cin·Cout·16), chunk after chunk per n-tile.
//   TF32: for each (n_tile, chunk, tap = 2·th + tw, phase = 2·rh + rw, lane = 4·g + c) eight values
//         b[nt][j] = w[ci = 8·chunk + c + 4·j, co = 32·n_tile + 8·nt + g, rh + 2·th, rw + 2·tw] at index 2·nt + j: the
//         B fragments (k = c, c + 4; n = g) of the lane's four n8 tiles.
//   16-bit: for each (n_tile, chunk, th, phase, lane) eight words b[nt][j] at index 2·nt + j, each the pair
//         (low: tw = 1, high: tw = 0) of w[ci = 8·chunk + c + 4·j, co, rh + 2·th, rw + 2·tw]: k = 2·ci_local + (tw == 0).
template <class Flavor>
__global__ void fused_v3_pack_weights(V3Geometry g, const typename Flavor::Storage::Bits* __restrict__ w,
                                      typename Flavor::Storage::Bits* __restrict__ packed) {
  const int64_t total = int64_t(g.Cin) * g.Cout * 16;
  for (int64_t e = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; e < total; e += int64_t(gridDim.x) * blockDim.x) {
    int idx, lane, phase, th, tw;
    int64_t rest;
    if constexpr (Flavor::kSixteenBit) {
      const int64_t word = e >> 1;
      tw = (e & 1) ? 0 : 1;
      idx = int(word & 7), lane = int((word >> 3) & 31), phase = int((word >> 8) & 3), th = int((word >> 10) & 1);
      rest = word >> 11;
    } else {
      idx = int(e & 7), lane = int((e >> 3) & 31), phase = int((e >> 8) & 3);
      const int tap = int((e >> 10) & 3);
      th = tap >> 1, tw = tap & 1;
      rest = e >> 12;
    }
    const int chunk = int(rest % g.chunks), n_tile = int(rest / g.chunks);
    const int nt = idx >> 1, j = idx & 1, gg = lane >> 2, c = lane & 3;
    const int ci = chunk * kV3ChunkCi + c + 4 * j, co = n_tile * kV3CoutPerBlock + nt * 8 + gg;
    const int kh = (phase >> 1) + 2 * th, kw = (phase & 1) + 2 * tw;
    packed[e] = Flavor::pack_b(w[((int64_t(ci) * g.Cout + co) * 4 + kh) * 4 + kw]);
  }
}

template <class Flavor>
__global__ void __launch_bounds__(kV3Threads, 2)
    fused_v3_tap_tile(V3Geometry g, const typename Flavor::Storage::Bits* __restrict__ x,
                      const typename Flavor::Storage::Bits* __restrict__ wpack,
                      const typename Flavor::Storage::Bits* __restrict__ bias, typename Flavor::Storage::Bits* __restrict__ y) {
  using Storage = typename Flavor::Storage;
  using Bits = typename Storage::Bits;
  constexpr int kElem = int(sizeof(Bits));
  constexpr int kBWords = kV3BStageWords<kElem>;
  extern __shared__ __align__(16) float smem_v3[];
  const int n_tile = blockIdx.x % g.n_tiles;
  const int rest = blockIdx.x / g.n_tiles;
  const int m_tile = rest % g.m_tiles;
  const int img = rest / g.m_tiles;
  const int m0 = m_tile * kV3BlockM;  // first q-pixel of the block (m = qh·WP + qw in its image)
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
  const int gl = lane >> 2, cl = lane & 3;
  const int wm = warp & 1, phase = warp >> 1;
  const int a_bytes = kV3ChunkCi * g.a_ld * kElem;  // multiple of 16
  const int stage_bytes = a_bytes + kBWords * 4;
  const uint32_t smem_addr = uint32_t(__cvta_generic_to_shared(smem_v3));
  const unsigned char* smem_bytes = reinterpret_cast<const unsigned char*>(smem_v3);

  // ---- A copy plan, the same for every chunk: thread's 4-element groups i = tid + 256·r of the stage (channel ci,
  // group q), the window position lin = m0 − WP − 4 + 4q (so that every shift below stays inside it) and its x offset. ----
  const Bits* x_img = x + int64_t(img) * g.Cin * g.H * g.W;
  const int hw = g.H * g.W;
  int a_src[kV3MaxASlots];      // x offset; −1: zero-fill (outside the image); −2: no group for this slot
  uint32_t a_dst[kV3MaxASlots];  // shared-memory byte offset in the stage
  const int lin0 = m0 - g.WP - 4;
#pragma unroll
  for (int r = 0; r < kV3MaxASlots; ++r) {
    const int i = tid + kV3Threads * r;
    a_src[r] = -2;
    a_dst[r] = 0;
    if (i < kV3ChunkCi * g.a_quads) {
      const int ci = i / g.a_quads, q = i - ci * g.a_quads;
      const int lin = lin0 + 4 * q;
      const int ih = lin >= 0 ? lin / g.WP : -1;
      const int iw = lin - ih * g.WP;
      const bool valid = lin >= 0 && ih < g.H && iw < g.W;
      a_src[r] = valid ? ci * hw + ih * g.W + iw : -1;
      a_dst[r] = uint32_t(ci * g.a_ld + 4 * q) * kElem;
    }
  }
  const Bits* w_block = wpack + int64_t(n_tile) * g.chunks * (kBWords * 4 / kElem) + tid * (16 / kElem);

  auto load_stage = [&](int chunk, int s) {
    const Bits* xc = x_img + int64_t(chunk) * kV3ChunkCi * hw;
    const uint32_t st = smem_addr + uint32_t(s * stage_bytes);
#pragma unroll
    for (int r = 0; r < kV3MaxASlots; ++r)
      if (a_src[r] != -2) cp_async<4 * kElem>(st + a_dst[r], xc + (a_src[r] < 0 ? 0 : a_src[r]), a_src[r] >= 0);
    const Bits* wc = w_block + int64_t(chunk) * (kBWords * 4 / kElem);
    const uint32_t sb = st + uint32_t(a_bytes + tid * 16);
#pragma unroll
    for (int r = 0; r < kBWords / (4 * kV3Threads); ++r)
      cp_async<16>(sb + r * 16 * kV3Threads, wc + r * kV3Threads * (16 / kElem), true);
  };

  WarpAcc acc;
  zero_warp_acc(acc);

#pragma unroll
  for (int s = 0; s < kV3Stages - 1; ++s) {
    if (s < g.chunks) load_stage(s, s);
    cp_async_commit();
  }

  // Lane (g, c) holds q-pixels 4g + mt (fragment row g of m16 tile mt) and 32 + 4g + mt (row g + 8) of the warp's 64:
  // its A values of one channel row are the 4-element groups at 4g and 32 + 4g (the 8 lanes of a quarter-warp hit 8
  // different bank quads since a_ld is ≡ 8 words mod 32), and for tw = 1 the element before each group.
  const int a_lane = cl * g.a_ld + wm * 64 + g.WP + 4 + 4 * gl;  // elements
  const int b_lane = (phase * 32 + lane) * 8;                    // words

  // ---- main loop: one barrier per chunk; the copy issued in iteration c goes to the stage read in iteration c − 1 ----
  for (int c = 0; c < g.chunks; ++c) {
    cp_async_wait<kV3Stages - 2>();
    __syncthreads();
    {
      const int nc = c + kV3Stages - 1;
      if (nc < g.chunks) load_stage(nc, nc % kV3Stages);
      cp_async_commit();
    }
    const Bits* As = reinterpret_cast<const Bits*>(smem_bytes + (c % kV3Stages) * stage_bytes);
    const uint32_t* Bs = reinterpret_cast<const uint32_t*>(smem_bytes + (c % kV3Stages) * stage_bytes + a_bytes);
#pragma unroll
    for (int th = 0; th < 2; ++th) {
      if constexpr (!Flavor::kSixteenBit) {
        // [row c / c + 4][group at 4g / 32 + 4g / 4g − 4 / 28 + 4g]
        float4 q[2][4];
#pragma unroll
        for (int h = 0; h < 2; ++h) {
          const float* row = As + a_lane + h * 4 * g.a_ld - th * g.WP;
          q[h][0] = *reinterpret_cast<const float4*>(row);
          q[h][1] = *reinterpret_cast<const float4*>(row + 32);
          q[h][2] = *reinterpret_cast<const float4*>(row - 4);
          q[h][3] = *reinterpret_cast<const float4*>(row + 28);
        }
#pragma unroll
        for (int tw = 0; tw < 2; ++tw) {
          const uint4* bp = reinterpret_cast<const uint4*>(Bs + b_lane + (th * 2 + tw) * 4 * 32 * 8);
          const uint4 b0 = bp[0], b1 = bp[1];
          const uint32_t b[4][2] = {{b0.x, b0.y}, {b0.z, b0.w}, {b1.x, b1.y}, {b1.z, b1.w}};
#pragma unroll
          for (int mt = 0; mt < 4; ++mt) {
            auto at = [&](int h, int hi) -> float {  // channel row h, q-pixel 4g + mt (hi = 0) or 32 + 4g + mt (hi = 1)
              const float4& cur = q[h][hi];
              if (tw == 0) return mt == 0 ? cur.x : mt == 1 ? cur.y : mt == 2 ? cur.z : cur.w;
              const float4& prev = q[h][2 + hi];
              return mt == 0 ? prev.w : mt == 1 ? cur.x : mt == 2 ? cur.y : cur.z;
            };
            const uint32_t a[4] = {__float_as_uint(at(0, 0)), __float_as_uint(at(0, 1)), __float_as_uint(at(1, 0)),
                                   __float_as_uint(at(1, 1))};
#pragma unroll
            for (int nt = 0; nt < 4; ++nt) Flavor::mma(acc[mt][nt], a, b[nt]);
          }
        }
      } else {
        // pairs[row h][hi][mt] = (x[m − 1] low, x[m] high) for q-pixel m = 4g + mt (+ 32·hi): the aligned words of the
        // group, and byte_perm of neighbours for the odd offsets.
        uint32_t pairs[2][2][4];
#pragma unroll
        for (int h = 0; h < 2; ++h)
#pragma unroll
          for (int hi = 0; hi < 2; ++hi) {
            const Bits* grp = As + a_lane + h * 4 * g.a_ld - th * g.WP + 32 * hi;
            const uint2 cur = *reinterpret_cast<const uint2*>(grp);
            const uint32_t prev = *reinterpret_cast<const uint32_t*>(grp - 2);
            pairs[h][hi][0] = __byte_perm(prev, cur.x, 0x5432);
            pairs[h][hi][1] = cur.x;
            pairs[h][hi][2] = __byte_perm(cur.x, cur.y, 0x5432);
            pairs[h][hi][3] = cur.y;
          }
        const uint4* bp = reinterpret_cast<const uint4*>(Bs + b_lane + th * 4 * 32 * 8);
        const uint4 b0 = bp[0], b1 = bp[1];
        const uint32_t b[4][2] = {{b0.x, b0.y}, {b0.z, b0.w}, {b1.x, b1.y}, {b1.z, b1.w}};
#pragma unroll
        for (int mt = 0; mt < 4; ++mt) {
          const uint32_t a[4] = {pairs[0][0][mt], pairs[0][1][mt], pairs[1][0][mt], pairs[1][1][mt]};
#pragma unroll
          for (int nt = 0; nt < 4; ++nt) Flavor::mma(acc[mt][nt], a, b[nt]);
        }
      }
    }
  }
  cp_async_wait<0>();
  __syncthreads();  // every warp is done with the stages: the staging tile aliases them

  // ---- epilogue: stage[n][m] with n = 32·phase + co_local, then y ----
  float* stage = smem_v3;
  const int co_base = n_tile * kV3CoutPerBlock;
  float v[4][4][4];
  auto bias_of = [&](int nt, int j) { return g.has_bias ? Storage::load(bias[co_base + nt * 8 + 2 * cl + j]) : 0.0f; };
  // GELU a value at a time where a lane needs it (chunks of 1): chunks of 8 measured 2–3% slower for v3 TF32 on the
  // seed workload, whose few non-zeros then cost eight GELUs each (H200, bench/NOTES.md §18).
  epilogue_clamp_gelu_tile<1>(acc, bias_of, g.add_value, v);
#pragma unroll
  for (int nt = 0; nt < 4; ++nt)
#pragma unroll
    for (int j = 0; j < 2; ++j) {
      const int n = phase * kV3CoutPerBlock + nt * 8 + 2 * cl + j;
#pragma unroll
      for (int mt = 0; mt < 4; ++mt)
#pragma unroll
        for (int hi = 0; hi < 2; ++hi) {
          const int m = wm * 64 + 32 * hi + 4 * gl + mt;
          stage[n * kV3StageLd + m] = v[mt][nt][2 * hi + j] * g.multiply_value;
        }
    }
  __syncthreads();

  // Thread: q-pixel m = tid % 128, slabs (co_local, rh) of parity tid / 128; each store is the (rw = 0, 1) pair of
  // one output row, and a warp's 32 consecutive q-pixels of one q-row write one contiguous run of it.
  const int m = tid & (kV3BlockM - 1);
  const int mi = m0 + m;
  const int qh = mi / g.WP, qw = mi - qh * g.WP;
  if (qh >= g.QH || qw > g.W) return;
  const int64_t plane = int64_t(g.Hout) * g.Wout;
  Bits* y_m = y + int64_t(img) * g.Cout * plane + co_base * plane + int64_t(2 * qh) * g.Wout + 2 * qw;
#pragma unroll 4
  for (int slab = tid >> 7; slab < 2 * kV3CoutPerBlock; slab += 2) {
    const int co_local = slab >> 1, rh = slab & 1;
    const float v0 = stage[((2 * rh) * kV3CoutPerBlock + co_local) * kV3StageLd + m];
    const float v1 = stage[((2 * rh + 1) * kV3CoutPerBlock + co_local) * kV3StageLd + m];
    store_streaming_pair(y_m + co_local * plane + rh * g.Wout, Storage::from_float(v0), Storage::from_float(v1));
  }
}

}  // namespace gate::gpu
