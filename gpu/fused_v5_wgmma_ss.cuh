// fused_v5_wgmma_ss: the stride-2, k=4 fast path on Hopper (sm_90a) with both wgmma operands in shared memory, issue 6.
// v4 (fused_v4_wgmma.cuh) feeds wgmma's A from registers, loaded per unit by every consumer thread from an NCHW window,
// and its warps issue the TMA themselves: the H100 profile put it at ~1,000–1,500 instructions per item and warp, the
// tensor pipe ~35% busy (bench/NOTES.md §8). v5 takes those instructions off the consumers:
//   - x is rewritten once per launch (fused_v5_rewrite_x) into xt, channels innermost in 16-byte chunks, each image's
//     plane padded with its zero border (fused_v5_geometry.hpp), so that A is K-major as TF32 wgmma requires and each
//     of the four taps is the same window at a descriptor offset of 16·(pitch + 1 − th·pitch − tw) bytes;
//   - one producer warp per block issues one TMA box per unit (unit_chunks chunks × the item's window) into a ring of
//     stages shared by the consumer warpgroups, in the block's item order (item j of the block: consumer j mod
//     consumers), behind full/empty mbarriers;
//   - a consumer warpgroup's unit is a wait, unit_chunks / 2 × 4 wgmma (A and B by descriptor) and a release of the
//     previous unit's stage once its wgmma group completed (wgmma reads shared memory asynchronously);
//   - weights, column order, epilogue and stores are v4's (the n-tile's packed weights resident in shared memory,
//     v4_column, v4_epilogue_values, v4_store_row_pairs); the consumers' accumulator rows are the standard wgmma
//     ones (row 16·warp + g and + 8: q-pixels L0 + row).
// Shared memory: the n-tile's weights (k_steps × 4 KB, v4's K-major 32-byte-swizzled layout), the ring's stages (each
// [unit_chunks][window][16 bytes]: the unswizzled K-major layout, core matrices of 8 consecutive pixels), their full
// and empty mbarriers, the n-tile's 32 bias values.
#pragma once

#include <cstdint>

#include "gpu/epilogue.cuh"
#include "gpu/fused_v3_tap_tile.cuh"
#include "gpu/fused_v4_flavors.cuh"
#include "gpu/fused_v4_wgmma.cuh"
#include "gpu/fused_v5_geometry.hpp"
#include "gpu/storage.cuh"
#include "gpu/tma.cuh"
#include "gpu/wgmma.cuh"

namespace gate::gpu {

// The flavours: storage, configuration, the packing flavour of fused_v4_pack_weights (k-step = 4·(16-byte chunk pair)
// + 2·th + tw, k = the pair's input channel), the wgmma.
struct FlavorV5Tf32 {
  using Storage = StorageF32;
  using Pack = FlavorV4Tf32;  // v4 TF32's k-steps are exactly these: 8 channels (two 4-channel chunks) × one tap
  static constexpr V5Config kConfig = kV5ConfigTf32;
  static __device__ __forceinline__ void mma(float (&d)[64], uint64_t a, uint64_t b, int acc) {
    wgmma_m64n128k8_tf32_ss(d, a, b, acc);
  }
};
template <class StorageT>
struct FlavorV5PackSixteenBit {  // 16 channels (two 8-channel chunks) × one tap per k16 step
  using Storage = StorageT;
  static constexpr V4Config kConfig = kV4Config16Bit;  // what the packer reads of it: 128 columns, one copy
  static constexpr bool kSplit = false;
  static __device__ __forceinline__ int b_offset(int n, int k) { return v4_b_offset(n, k >> 3, (k & 7) * 2); }
  static __device__ __forceinline__ uint16_t pack_b(uint16_t w, int) { return w; }
  static __device__ __forceinline__ V4BSource b_source(int step, int k) { return v4_b_source_tap_major(step, k, 16); }
};
template <class StorageT, void (*Mma)(float (&)[64], uint64_t, uint64_t, int)>
struct FlavorV5SixteenBit {
  using Storage = StorageT;
  using Pack = FlavorV5PackSixteenBit<StorageT>;
  static constexpr V5Config kConfig = kV5Config16Bit;
  static __device__ __forceinline__ void mma(float (&d)[64], uint64_t a, uint64_t b, int acc) { Mma(d, a, b, acc); }
};
using FlavorV5F16 = FlavorV5SixteenBit<StorageF16, wgmma_m64n128k16_f16_ss>;
using FlavorV5Bf16 = FlavorV5SixteenBit<StorageBF16, wgmma_m64n128k16_bf16_ss>;

// xt[(img·chunks + c)·plane + (ih + 1)·pitch + iw + 1] = the 16 / sizeof(Bits) channels of chunk c of x[img, ·, ih, iw],
// and zeros on the padded border (ih = −1 or H, iw = −1 or W). One thread per 16-byte row; a warp reads each channel's
// consecutive pixels and writes 512 contiguous bytes.
template <class Bits>
__global__ void fused_v5_rewrite_x(const Bits* __restrict__ x, uint4* __restrict__ xt, int H, int W, int pitch, int plane,
                                   int64_t rows) {
  constexpr int kChunkCi = 16 / int(sizeof(Bits));
  for (int64_t e = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; e < rows; e += int64_t(gridDim.x) * blockDim.x) {
    const int pixel = int(e % plane);
    const int64_t chunk_plane = e / plane;  // img·chunks + c: its first channel is img·Cin + c·kChunkCi
    const int ih = pixel / pitch - 1, iw = pixel % pitch - 1;
    union {
      uint4 row;
      Bits v[kChunkCi];
    } u{};
    if (ih >= 0 && ih < H && iw >= 0 && iw < W) {
      const Bits* src = x + (chunk_plane * kChunkCi * H + ih) * W + iw;
#pragma unroll
      for (int j = 0; j < kChunkCi; ++j) u.v[j] = __ldcs(src + int64_t(j) * H * W);
    }
    xt[e] = u.row;
  }
}

template <class Flavor>
__global__ void __launch_bounds__(128 * Flavor::kConfig.consumers + 32, 1)
    fused_v5_wgmma_ss(V5Geometry G, const __grid_constant__ CUtensorMap xt_map,
                      const typename Flavor::Storage::Bits* __restrict__ wpack,
                      const typename Flavor::Storage::Bits* __restrict__ bias, typename Flavor::Storage::Bits* __restrict__ y) {
#ifdef GATE_WGMMA_AVAILABLE
  using Storage = typename Flavor::Storage;
  constexpr V5Config kC = Flavor::kConfig;
  static_assert(int(sizeof(typename Storage::Bits)) == kC.elem_bytes, "the flavour's storage and configuration disagree");
  constexpr int kStages = kC.stages, kConsumers = kC.consumers, kPairs = kC.unit_chunks / 2;
  constexpr int kThreads = 128 * kConsumers + 32, kBStep = 128 * 32;  // v5_threads(kC)
  const V3Geometry& g = G.w;
  extern __shared__ __align__(1024) unsigned char smem_v5[];
  const int n_tile = blockIdx.x % g.n_tiles, cta = blockIdx.x / g.n_tiles;
  // role through a shuffle from lane 0: warp-uniform in a way ptxas can prove (a wgmma on a path it thinks divergent is
  // serialised, bench/NOTES.md §8a). Roles 0 .. consumers − 1: consumer warpgroups; role `consumers`: the producer warp.
  const int tid = threadIdx.x, role = __shfl_sync(0xFFFFFFFFu, tid >> 7, 0), warp = (tid >> 5) & 3, lane = tid & 31;
  const uint32_t smem_addr = uint32_t(__cvta_generic_to_shared(smem_v5));
  if ((smem_addr & 1023) != 0) __trap();  // the weights' swizzle acts on address bits
  const uint32_t stage_addr = smem_addr + uint32_t(G.b_bytes);
  const uint32_t full_base = stage_addr + uint32_t(kStages * G.stage_bytes), empty_base = full_base + kStages * 8;
  // turn[c]: consumer c may issue its next item's wgmma (one arrival per warp of the consumer before it, once that one
  // has issued all of its item's wgmma).
  const uint32_t turn_base = smem_addr + uint32_t(G.bias_offset + kV3CoutPerBlock * 4);

  // Prologue: the n-tile's weights by the whole block (complete before any other shared-memory write), the bias, the
  // ring's mbarriers (full: the producer's arrival + the TMA's bytes; empty: one arrival per consumer warp).
  {
    const unsigned char* src = reinterpret_cast<const unsigned char*>(wpack) + int64_t(n_tile) * G.b_bytes;
    for (int off = tid * 16; off < G.b_bytes; off += kThreads * 16) v3_cp_async<16>(smem_addr + off, src + off, true);
    v3_cp_async_commit();
    v3_cp_async_wait<0>();
    __syncthreads();
    if (tid < kV3CoutPerBlock) {
      const float b = g.has_bias ? Storage::load(bias[n_tile * kV3CoutPerBlock + tid]) : 0.0f;
      reinterpret_cast<float*>(smem_v5 + G.bias_offset)[v4_bias_slot(tid)] = b;
    }
    if (tid < 2 * kStages) mbarrier_init(full_base + uint32_t(tid * 8), tid < kStages ? 1 : 4);
    if (tid < kConsumers) mbarrier_init(turn_base + uint32_t(tid * 8), 4);
    mbarrier_init_fence();
    fence_proxy_async_shared();
    __syncthreads();
  }
  // Block item j is (image, m-tile) item cta + j·ctas_per_tile; its unit u is ring entry r = j·units + u, in stage
  // r mod stages, filled for the (r / stages)-th time.
  auto item_of = [&](int j) { return cta + j * G.ctas_per_tile; };

  if (role == kConsumers) {  // the producer warp: the whole warp runs the loop, lane 0 issues (uniform waits)
    int r = 0;
    for (int j = 0; item_of(j) < G.items; ++j) {
      const int item = item_of(j), img = item / G.m_tiles, l0 = (item - img * G.m_tiles) * kV5ItemM;
      for (int u = 0; u < G.units; ++u, ++r) {
        const int slot = r % kStages;
        if (r >= kStages) mbarrier_wait_uniform(empty_base + uint32_t(slot * 8), uint32_t((r / kStages - 1) & 1));
        tma_load_3d_if<false>(lane == 0, stage_addr + uint32_t(slot * G.stage_bytes), &xt_map, 0, l0 / kV5TmaPixels,
                       img * G.chunks + u * kC.unit_chunks, full_base + uint32_t(slot * 8), uint32_t(kC.unit_chunks * G.window * 16));
      }
    }
    return;
  }

  const int gl = lane >> 2, cl = lane & 3;
  const int row0 = warp * 16 + gl;  // the lane's accumulator rows: row0 and row0 + 8 of the item
  const int plane = g.Hout * g.Wout;
  // Tap s = (th, tw) = (s / 2, s % 2) of item row m reads window pixel m + pitch + 1 − th·pitch − tw. The descriptors
  // of a unit's wgmma differ from its first ones only in their start address fields (bits 0–13, address / 16; every
  // shared address here is below 256 KB, so adding to the low word never carries out of the field): those offsets,
  // a_off for the unit's (chunk pair, tap) steps, are fixed for the kernel.
  const uint32_t a_lbo = uint32_t(G.window * 16);
  uint32_t a_off[kPairs * 4];
#pragma unroll
  for (int p = 0; p < kPairs; ++p)
#pragma unroll
    for (int s = 0; s < 4; ++s) a_off[4 * p + s] = (uint32_t(p * 2) * a_lbo + uint32_t((G.pitch + 1 - (s >> 1) * G.pitch - (s & 1)) * 16)) >> 4;
  const uint64_t a_desc0 = wgmma_desc_k_major(stage_addr, a_lbo, 128);
  const uint64_t b_desc0 = wgmma_desc_k_major_sw32(smem_addr, kV4BStrideBytes);
  float acc[64];
  for (int j = role, k = 0; item_of(j) < G.items; j += kConsumers, ++k) {
    // Turns in block-item order (CUTLASS's ping-pong): item j's wgmma are issued after item j − 1's, so that one
    // consumer's tensor work overlaps the others' epilogues instead of all of them running both phases at once. Item j
    // waits for the k'-th completion of turn[role], k' = k (role > 0) or k − 1 (role 0: the turn comes from the
    // previous round's last consumer); a consumer is never two turns ahead of the next (it needs their turn first).
    if (j > 0) mbarrier_wait_uniform(turn_base + uint32_t(role * 8), uint32_t((role > 0 ? k : k - 1) & 1));
    int prev_slot = 0;
    for (int u = 0; u < G.units; ++u) {
      const int r = j * G.units + u, slot = r % kStages;
      mbarrier_wait_uniform(full_base + uint32_t(slot * 8), uint32_t((r / kStages) & 1));
      wgmma_fence();
      const uint64_t a_unit = a_desc0 + uint32_t(slot * G.stage_bytes >> 4);
      const uint64_t b_unit = b_desc0 + uint32_t(4 * u * kPairs * kBStep >> 4);  // k-step 4·(u·pairs + p) + s
#pragma unroll
      for (int p = 0; p < kPairs; ++p)
#pragma unroll
        for (int s = 0; s < 4; ++s) {
          Flavor::mma(acc, a_unit + a_off[4 * p + s], b_unit + uint32_t((4 * p + s) * kBStep >> 4),
                      (u > 0 || p > 0 || s > 0) ? 1 : 0);
        }
      wgmma_commit();
      if (u > 0) {  // unit u − 1's group has completed: its stage may be refilled
        wgmma_wait<1>();
        wgmma_pin(acc);
        mbarrier_arrive_if(lane == 0, empty_base + uint32_t(prev_slot * 8));
      }
      prev_slot = slot;
    }
    mbarrier_arrive_if(lane == 0, turn_base + uint32_t((role + 1) % kConsumers * 8));  // the next consumer's turn
    wgmma_wait<0>();
    wgmma_pin(acc);
    mbarrier_arrive_if(lane == 0, empty_base + uint32_t(prev_slot * 8));
    const int item = item_of(j), img = item / G.m_tiles, l0 = (item - img * G.m_tiles) * kV5ItemM;
    v4_epilogue_values(acc, reinterpret_cast<const float*>(smem_v5 + G.bias_offset), g.add_value, g.multiply_value, cl);
    v4_store_row_pairs<Storage>(acc, y + (int64_t(img) * g.Cout + n_tile * kV3CoutPerBlock) * plane, l0 + row0, G.pitch,
                                g, plane, cl);
  }
#endif
}

}  // namespace gate::gpu
