// The flavours of fused_v4_wgmma (fused_v4_wgmma.cuh, the kernel's only template parameter): how each packs B, loads
// (and splits) its A fragments, issues its wgmma and stores an item's outputs; each names its V4Config
// (fused_v4_geometry.hpp).
//   FlavorV4Tf32  float32 storage, TF32 wgmma; A fed as raw float32 bits (the tensor core reads the TF32 part:
//                 truncation, within the tf32 contract's 2^-10, as in v3), B packed cvt.rna. k-step = one tap, 8 channels.
//   FlavorV4Tf32x3  float32 storage, the fp32 contract by 3xTF32 (small·big + big·small + big·big, three m64n64k8
//                 wgmma per k-step into the k-step's tw chain: whole rows, as TF32): B's two parts as v2's Flavor3xTf32
//                 splits them (big = truncated TF32, small = cvt.rna of the rest), packed side by side; A split in
//                 registers into big and the exact rest, which the tensor core truncates; a block computes the 2
//                 phases of one output row parity (n_cols 64: both parts of 128 columns would not fit shared memory).
//                 An operand its split cannot carry (kSplitMin/kSplitMax) raises a device flag — weights in the pack
//                 kernel (the main kernel then does nothing), inputs in the main kernel's loader warps (V4RangeScan) —
//                 and v2's 3xTF32 kernel, queued behind it, computes the whole output only when the flag is set.
//   FlavorV4Tf32Bf16Pairs  the same contract with one TF32 product (big·big) and one bfloat16 product carrying both
//                 small products a k-step: two thirds of the tensor work, for Cin >= kV4PairsMinCin (its error bound
//                 needs n >= 128 products an output; see the struct).
//   FlavorV4F16, FlavorV4Bf16  16-bit storage, fp32 accumulation; a k16 step is 8 channels × the taps th = 0, 1 of one
//                 tw, so an A register is one column's values in the window's two rows, and the tw chains split as
//                 TF32's (whole rows). The rows of a lane are the adjacent q-pixels p = 2g, 2g + 1 (p even), whose
//                 words (x[p], x[p + 1]) of both rows give both pixels' registers by two byte_perms.
#pragma once

#include <cstdint>
#include <utility>

#include "gpu/epilogue.cuh"
#include "gpu/fused_v3_geometry.hpp"
#include "gpu/fused_v4_geometry.hpp"
#include "gpu/mma_flavors.cuh"
#include "gpu/storage.cuh"
#include "gpu/tma.cuh"
#include "gpu/wgmma.cuh"

namespace gate::gpu {

// Byte offset of B(n, ·) in one k-step of packed weights: wgmma's K-major layout with the 32-byte swizzle. Column n is
// a 32-byte row (K = 8 TF32 or 16 half values) at 32·n; its two 16-byte halves (k_half) swap places on the rows with
// n & 4 (Swizzle<1,4,3>: address bit 4 ^= bit 7), so that the eight rows of a core matrix fall in distinct banks. The
// unswizzled layout (8-row × 16-byte core matrices, LBO 128, SBO 256) measured the same on the H100 (bench/NOTES.md
// §7c), so wgmma's B reads were not the limit; the swizzled one is conflict-free by construction. byte_in_half < 16.
__device__ __forceinline__ int v4_b_offset(int n, int k_half, int byte_in_half) {
  return n * 32 + ((k_half ^ (n >> 2)) & 1) * 16 + byte_in_half;
}

// The tap and input channel of B's (k-step, k) (fused_v4_pack_weights).
struct V4BSource {
  int th, tw, ci;
};

// A lane's fragment addressing within one item's window stage (per item kind, fused_v4_geometry.hpp): tap (th, tw) of a
// pixel is −th·pitch − tw elements from its tap (0, 0); channel c + 1 is a_ld further; fragment row g + 8's pixel m_b is
// d8 from row g's (float32: 8 in a row item, 2 q-rows in a col item; the 16-bit flavours' m_b is the next pixel);
// tw1: row g's tw = 1 column shift (v4_tw1_shift: −1, or W − 1 for row 0 of a whole-rows item).
struct V4LaneA {
  int pitch, a_ld, d8, tw1;
};
// The same where every item is a whole-rows row item (W = 64): its window's pitch and channel stride are constants
// (v4_row_box_pitch), so that the fragment loads' offsets are immediates. With them in registers (uniform ones, moved
// to vector registers and scaled for every address) the 16-bit unit loop spent ~30 of its ~90 instructions per unit
// and warp on addresses (bench/NOTES.md §18).
template <int kElem>
struct V4LaneAWholeRows {
  static constexpr int pitch = v4_row_box_pitch(kElem), a_ld = 2 * pitch;
  int d8, tw1;
};

// f(std::integral_constant<int, i>) for i = 0 .. kN − 1, unrolled: each call sees i as a compile-time constant, so that
// the staging writes below take their offsets as immediates (st_shared_v2).
template <int kN, class F>
__device__ __forceinline__ void v4_for_each_constant(F&& f) {
  [&]<int... I>(std::integer_sequence<int, I...>) {
    (f(std::integral_constant<int, I>{}), ...);
  }(std::make_integer_sequence<int, kN>{});
}

// Fragment row r of the lane (its pixel px[r], r = 0: row g, 1: row g + 8) holds in (acc[4t + 2r], acc[4t + 2r + 1])
// the (rw = 0, 1) pair of output channel v4_channel(t mod 8, cl), row 2·qh + rh: one 8-byte store; in a row item the 8 lanes
// of a channel write 64 contiguous bytes. y_item is y at (image, the n-tile's first channel, the block's row parity,
// 0); offsets from it fit 32 bits (v4_supports). The fragment-row layout of v4's float32 flavours. (A whole-rows item,
// whose row 0 also holds q-column W, is always staged: its flavour has staged_stores, fused_v4_wgmma.cuh.)
template <int kN>
__device__ __forceinline__ void v4_store_row_pairs(const float (&acc)[kN], float* y_item, const V4Pixel (&px)[2],
                                                   const V3Geometry& g, int plane, int cl) {
  // Group t = 8h + c8 is channel v4_channel(c8, cl), row parity h (v4_column): its pair sits
  // v4_channel(c8, 0)·plane + h·Wout elements from the lane's first one. The pointers advance by 64-bit adds (two
  // instructions a store: 1 plane after an even c8, 7 after an odd one), not by an index recomputed and widened for
  // each of the 32 stores (seven).
  const int64_t step_even = plane, step_odd = int64_t(7) * plane;
#pragma unroll
  for (int r = 0; r < 2; ++r) {
    if (!px[r].stored) continue;
    const int qh = px[r].qh, qw = px[r].qw;
#pragma unroll
    for (int h = 0; h < kN / 32; ++h) {
      float* p = y_item + (2 * qh + h) * g.Wout + 2 * qw + int64_t(v4_channel(0, cl)) * plane;
#pragma unroll
      for (int c8 = 0; c8 < 8; p += (c8 & 1) ? step_odd : step_even, ++c8) {
        const int t = 8 * h + c8;
        static_assert(kN % 32 == 0, "whole groups of 8 channels");
        static_assert(v4_column(8 * 9).rh_local == 1 && v4_column(8 * 9).co_local == 1, "the order v4_column defines");
        static_assert(v4_channel(1, 0) - v4_channel(0, 0) == 1 && v4_channel(2, 0) - v4_channel(1, 0) == 7, "the steps");
        store_streaming_pair(p, acc[4 * t + 2 * r], acc[4 * t + 2 * r + 1]);
      }
    }
  }
}

// Whether ±0 × multiply_value is the same ±0 (multiply_value positive and finite): then a warp whose clamped values
// are all ±0 (gelu(±0) = ±0; on the seed workload almost every output clamps) leaves them as they are, without the
// multiply (64 instructions a thread and item; bench/NOTES.md §23). Otherwise (0 × −m is −0, 0 × ∞ is NaN) it
// multiplies.
__device__ __forceinline__ bool v4_zeros_stay(float multiply_value) {
  return multiply_value > 0.0f && isfinite(multiply_value);
}
// The tail of both v4 epilogues on a thread's clamped values: one vote; GELU in chunks where some lane of the warp
// holds a non-zero (nonzero: this lane does), then × multiply_value, unless the warp's values are all ±0 and stay so.
template <bool kFastGelu, int kChunk, int kN>
__device__ __forceinline__ void v4_gelu_multiply(float (&v)[kN], bool nonzero, float multiply_value) {
  if (__any_sync(0xFFFFFFFFu, nonzero)) epilogue_gelu_chunks<kN, kFastGelu, kChunk>(v, nonzero);
  else if (v4_zeros_stay(multiply_value)) return;
#pragma unroll
  for (int i = 0; i < kN; ++i) v[i] *= multiply_value;
}

// The epilogue on a thread's kN accumulators in v4's column order, acc[4t + i] of accumulator group t being output
// channel v4_channel(t mod 8, cl) of the n-tile's 32: + (bias + add) and min(·, 0) on all, GELU only if some lane of
// the warp holds a non-zero, × multiply (unless every value of the warp is ±0 and stays so: v4_gelu_multiply). Every
// lane of the warp calls it (the vote).
// bias + add is one float per channel, formed once per item, so each value takes one addition instead of two: a
// different rounding of the same sum, one rounding of magnitude <= 2^-24·(|b| + |add|), inside the comparator's
// accumulation bound, which scales with Σ|x·w| + |b| + |add| (shared/DESIGN.md, "What correct means").
// bias_smem: the n-tile's 32 bias values at v4_bias_slot (lane quad cl's eight contiguous, 16-byte aligned).
// kFastGelu: gelu_nonpositive_fast, for the flavours whose outputs are 16-bit (epilogue.cuh).
template <bool kFastGelu, int kN>
__device__ __forceinline__ void v4_epilogue_values(float (&v)[kN], const float* bias_smem, float add_value,
                                                   float multiply_value, int cl) {
  float bias_v[8];
  *reinterpret_cast<float4*>(&bias_v[0]) = reinterpret_cast<const float4*>(bias_smem)[2 * cl];
  *reinterpret_cast<float4*>(&bias_v[4]) = reinterpret_cast<const float4*>(bias_smem)[2 * cl + 1];
#pragma unroll
  for (int c8 = 0; c8 < 8; ++c8) bias_v[c8] += add_value;
  uint32_t bits = 0;  // OR of the clamped values' bits: non-zero beyond the sign bit iff one of them is non-zero
#pragma unroll
  for (int i = 0; i < kN; ++i) {
    v[i] = clamp_nonpositive(v[i] + bias_v[(i / 4) & 7]);
    bits |= __float_as_uint(v[i]);
  }
  v4_gelu_multiply<kFastGelu, 8>(v, (bits & 0x7FFFFFFFu) != 0, multiply_value);
}

// q-column W of a whole-rows item: warp 0's four row-0 lanes hold it (lane cl: group t's (rw 0, rw 1) in
// acc_tw1[4t], acc_tw1[4t + 1], where the other lanes hold pixel m_a's tw = 1 sums). Such a lane hands its groups' raw
// sums to the storer warp, which runs their epilogue and staging (v4_w_from_side): written to the warpgroup's side
// buffer of the staging buffer it stages into (v4_w_side_slot; TF32's boxes: FlavorV4Float32::stage_w_raw). Warp 0
// then issues 16 (or 8) stores in four lanes instead of spreading q-column W over its lanes (32 shuffles and selects),
// its epilogue and its staging: ~500 cycles an item that the warpgroup's next wgmma waited for (bench/NOTES.md §24).
template <int kAcc>
__device__ __forceinline__ void v4_w_to_side(const float (&acc_tw1)[kAcc], uint32_t side, int cl) {
  const uint32_t at = side + uint32_t(v4_w_side_slot(cl, 0));
  v4_for_each_constant<kAcc / 4>([&](auto tc) {
    constexpr int t = decltype(tc)::value;
    st_shared_v2<8 * t>(at, make_float2(acc_tw1[4 * t], acc_tw1[4 * t + 1]));
  });
}
// The storer's lane L: its share of q-column W from the side buffer, groups L mod 8 + 8q (q < kG; one channel, both
// row parities where kG = 2) of lane quad L / 8, in w[2q + rw]. (Groups 8 apart rather than adjacent: a staging store's
// 32 lanes then cover both channel parities, a 4-way bank conflict instead of 8-way; tests/gpu/fused_v4_geometry_test.)
template <int kG>
__device__ __forceinline__ void v4_w_from_side(float (&w)[2 * kG], uint32_t side, int lane) {
#pragma unroll
  for (int q = 0; q < kG; ++q) {
    const float2 r = ld_shared_v2(side + uint32_t(v4_w_side_slot(lane >> 3, (lane & 7) + 8 * q)));
    w[2 * q] = r.x, w[2 * q + 1] = r.y;
  }
}
// The epilogue on a lane's share of q-column W, all of one output channel (v4_w_from_side's: groups t0 + 8q of lane quad
// w_cl, channel v4_channel(t0, w_cl)), whose bias + add_value is b; the same operations as v4_epilogue_values (one
// rounding of bias + add), so the same results. Every lane of the warp calls it (the vote).
template <bool kFastGelu, int kN>
__device__ __forceinline__ void v4_epilogue_w(float (&w)[kN], float b, float multiply_value) {
  bool nonzero = false;
#pragma unroll
  for (int i = 0; i < kN; ++i) {
    w[i] = clamp_nonpositive(w[i] + b);
    nonzero |= !(w[i] == 0.0f);
  }
  v4_gelu_multiply<kFastGelu, kN>(w, nonzero, multiply_value);
}

// What the float32 flavours (TF32, 3xTF32) share: storage, k-steps of one tap × 8 channels, fragment rows, B layout
// and the stores. kT = n_cols / 8 accumulator groups; kSplitTw: the flavour's V4Config::split_tw.
template <int kT, bool kSplitTw>
struct FlavorV4Float32 {
  using Storage = StorageF32;
  static constexpr int kStepsPerChunk = 4;  // taps (th, tw) = (s / 2, s % 2)
  static constexpr bool kPairRows = false;  // fragment rows g, g + 8 are q-pixels g, g + 8 of the warp's 16
  static constexpr bool kFastGelu = false;  // float32 outputs: the accurate GELU (epilogue.cuh)
  // Byte offset of B(n, k) in one k-step.
  static __device__ __forceinline__ int b_offset(int n, int k) { return v4_b_offset(n, k >> 2, (k & 3) * 4); }
  // k-step = 4·chunk + 2·th + tw, k = the chunk's input channel.
  static __device__ __forceinline__ V4BSource b_source(int step, int k) {
    return {(step >> 1) & 1, step & 1, (step >> 2) * 8 + k};
  }
  static __device__ __forceinline__ void store_item(const float (&acc)[4 * kT], float* y_item, const V4Pixel& px_a,
                                                    const V4Pixel& px_b, const V3Geometry& g, int plane, int cl) {
    const V4Pixel px[2] = {px_a, px_b};
    v4_store_row_pairs(acc, y_item, px, g, plane, cl);
  }
  // A row item's outputs (W = 64, n_cols 64: the block's one row parity) into its staging buffer (v4_row_slot): group
  // t (< 8) is channel v4_channel(t, cl), and the lane's pixels m_a and m_a + 8 are the pairs at outputs 2m_a and
  // 2m_a + 16 of that row, 8 bytes each. One st.shared.v2 at an immediate offset from the lane's row of channel
  // v4_channel(0, cl) each.
  static __device__ __forceinline__ void stage_row_item(const float (&acc)[4 * kT], unsigned char* staging, int m_a,
                                                        int cl, int, V4ParityShift) {
    static_assert(kT == 8, "row staging without whole rows: one row parity (n_cols 64)");
    const uint32_t base =
        uint32_t(__cvta_generic_to_shared(staging)) + uint32_t(v4_row_slot(v4_channel(0, cl), 0, 4) + 8 * m_a);
    v4_for_each_constant<2 * kT>([&](auto i) {  // group i / 2, fragment row i mod 2
      constexpr int t = decltype(i)::value >> 1, r = decltype(i)::value & 1;
      constexpr int kOffset = v4_row_slot(v4_channel(t, 0), 0, 4) - v4_row_slot(v4_channel(0, 0), 0, 4) + r * 8 * 8;
      st_shared_v2<kOffset>(base, make_float2(acc[4 * t + 2 * r], acc[4 * t + 2 * r + 1]));
    });
  }
  // A whole-rows item's q-column W, the storer's lane's share (v4_w_from_side: groups t = t0 + 8q of lane quad w_cl,
  // channel v4_channel(t0, w_cl), row parity q; w[2q + rw]): its (rw 0, rw 1) pair at outputs 2W, 2W + 1 of the row,
  // into the staged row (n_cols 64, 3xTF32: W = 64, the pitch's 528 bytes hold the row's 520), beside stage_row_item's
  // 128 outputs. (3xTF32's rows are shifted by row_shift in `staging` already.) TF32's boxes: stage_w_raw.
  static __device__ __forceinline__ void stage_w(const float (&w)[kT / 4], unsigned char* staging, int w_cl, int t0,
                                                 V4ParityShift) {
    static_assert(kT == 8, "row staging: one row parity (n_cols 64)");
    static_assert(v4_row_pitch(4) >= (2 * kV4ItemM + 2) * 4, "a whole row fits the staged row's pitch");
    const uint32_t base = uint32_t(__cvta_generic_to_shared(staging));
    st_shared_v2<0>(base + uint32_t(v4_row_slot(v4_channel(t0, w_cl), 0, 4) + 8 * kV4ItemM), make_float2(w[0], w[1]));
  }
  // The lane's staging slots (bytes from the buffer) of channel v4_channel(0, cl) at its four write positions (row 0
  // at outputs 2m_a, 2m_a + 16; row 1 the same), under shift 0 and under shift 4, and those of q-column W's row-0 pair
  // of the same channel (stage_w_raw, warp 0's row-0 lanes: output 128 under either shift): item-invariant, so
  // computed once by the kernel before its item loop (stage_item and stage_w_raw then take one of each pair per
  // channel parity). Computed per item with their −1 tests (v4_out_slot), they cost GELU-heavy data 7% and the seed 5%
  // (~170 more instructions an item, bench/NOTES.md §23).
  static constexpr int kV4OutWRow1 = (2 * kV4ItemM + 2) + 2 * kV4ItemM;  // q-column W's output in row 1: 258
  struct StageSlots {
    uint32_t s0[4], s4[4];
    uint32_t raw0, raw4;
  };
  static __device__ __forceinline__ StageSlots stage_slots(int m_a, int cl) {
    constexpr int kRow = 2 * kV4ItemM + 2;  // Wout at W = 64
    StageSlots s;
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int out = (i >= 2 ? kRow : 0) + 2 * m_a + 16 * (i & 1);
      s.s0[i] = 4 * uint32_t(v4_out_slot_any(out, v4_channel(0, cl), 0));
      s.s4[i] = 4 * uint32_t(v4_out_slot_any(out, v4_channel(0, cl), 4));
    }
    s.raw0 = 4 * uint32_t(v4_out_slot_any(2 * kV4ItemM, v4_channel(0, cl), 0));
    s.raw4 = 4 * uint32_t(v4_out_slot_any(2 * kV4ItemM, v4_channel(0, cl), 4));
    return s;
  }
  // q-column W's raw sums for the storer warp (v4_w_to_side), by a row-0 lane of warp 0 (lane quad cl: groups
  // t of channel v4_channel(t mod 8, cl), row t / 8): row 0's pairs where their outputs 128, 129 are staged (the
  // storer finishes them in place), row 1's to the side buffer at 8 bytes per channel (v4_w_row1_slot; the storer
  // stages them or, unshifted, sends them to y). Channel v4_channel(t, cl)'s slot is channel v4_channel(0, cl)'s
  // (raw0, raw4) plus a constant of t and the shift (v4_w_raw_offset), so every write is a store at an immediate
  // offset, one branch per channel parity.
  static __device__ __forceinline__ void stage_w_raw(const float (&acc_tw1)[4 * kT], float* staging, int cl,
                                                     V4ParityShift sh, const StageSlots& slots, uint32_t side) {
    static_assert(kT == 16, "boxes: both row parities (n_cols 128)");
    const uint32_t base = uint32_t(__cvta_generic_to_shared(staging));
    auto parity = [&](auto p_c) {
      constexpr int p = decltype(p_c)::value;
      auto row0 = [&](auto shift_c, uint32_t at) {
        v4_for_each_constant<4>([&](auto j) {
          constexpr int t = 2 * decltype(j)::value + p;
          constexpr int kOffset = v4_w_raw_offset(t, decltype(shift_c)::value);
          st_shared_v2<kOffset>(at, make_float2(acc_tw1[4 * t], acc_tw1[4 * t + 1]));
        });
      };
      if (sh.of(p) != 0) row0(std::integral_constant<int, 4>{}, base + slots.raw4);
      else row0(std::integral_constant<int, 0>{}, base + slots.raw0);
    };
    parity(std::integral_constant<int, 0>{});
    parity(std::integral_constant<int, 1>{});
    const uint32_t row1 = side + uint32_t(v4_w_row1_slot(v4_channel(0, cl)));
    v4_for_each_constant<8>([&](auto j) {
      constexpr int t = decltype(j)::value + 8;
      st_shared_v2<v4_w_row1_slot(v4_channel(t - 8, 0))>(row1, make_float2(acc_tw1[4 * t], acc_tw1[4 * t + 1]));
    });
  }
  // The storer's side (lane = channel ch of the block's 32, whose bias + add is bias_add): q-column W of channel ch from
  // stage_w_raw's places, its epilogue (v4_epilogue_w, the same results as in the computing warps), then row 0's pair
  // back in place and row 1's into its slot where the channel's run is shifted, else to y (y_pair: the item's first
  // channel's plane at its q-row's first output). The TMA reads the buffer after these writes (the caller's fence).
  static __device__ __forceinline__ void finish_w_boxes(uint32_t staging, uint32_t side, float* y_pair, int64_t plane,
                                                        V4ParityShift sh, float bias_add, float multiply_value, int ch) {
    const bool shifted = sh.of(ch) != 0;
    const uint32_t row0 = staging + 4 * uint32_t(v4_out_slot_any(2 * kV4ItemM, ch, shifted ? 4 : 0));
    const float2 a = ld_shared_v2(row0), b = ld_shared_v2(side + uint32_t(v4_w_row1_slot(ch)));
    float w[4] = {a.x, a.y, b.x, b.y};
    v4_epilogue_w<false>(w, bias_add, multiply_value);
    st_shared_v2<0>(row0, make_float2(w[0], w[1]));
    if (shifted) st_shared_v2<0>(staging + 4 * uint32_t(v4_out_slot_any(kV4OutWRow1, ch, 4)), make_float2(w[2], w[3]));
    else store_streaming_pair(y_pair + ch * plane + kV4OutWRow1, w[2], w[3]);
  }
  // A whole-rows item's outputs (W = 64: 260 per channel) into its staging buffer (v4_out_slot, n_cols 128), or
  // straight to y for the four that the boxes leave out: the lane's pixels m_a and m_a + 8, each an (rw 0, rw 1) pair
  // of every group t (channel v4_channel(t mod 8, cl), row parity t / 8), outputs 2m and 2m + 1 of the row (q-column
  // W's pairs at outputs 128, 129: stage_w_raw, finish_w_boxes). The four left to y are row 0's outputs 0..3 (pixels 0
  // and 1) of the channels whose run is shifted (store_heads, once the item is staged), row 1's 126..129 (pixel 63's
  // and q-column W's) of the others (v4_out_slot), where y_pair is the item's first channel's plane at its q-row's
  // first output; the shift is one per channel parity (sh: v4_out_shifts).
  // Channel ch + 8's slot is channel ch's box row + 1, the swizzle's piece index with bit 0 flipped, ch + 16's 8 rows on
  // (v4_out_slot): the lane's four slots per channel parity and those with bit 4 of the byte address flipped are
  // computed once (Wout = 130 a constant), and every staging write is one shared store at a constant offset from one
  // of those sixteen (the version with the slots computed per write, a generic store for pixel 63 and a runtime Wout
  // ran ~330 instructions per item and warp).
  static __device__ __forceinline__ void stage_item(const float (&acc)[4 * kT], float* staging, float* y_pair, int m_a,
                                                    int cl, int plane, V4ParityShift sh, const StageSlots& slots) {
    static_assert(kT == 16, "staging holds both row parities (n_cols 128)");
    constexpr int kRow = 2 * kV4ItemM + 2;                            // Wout at W = 64
    constexpr int kRowBytes = kV4OutBoxWidth * 4;                     // a box row: 128 bytes
    const bool first_a = m_a < 2;                 // fragment row g is pixel 0 or 1: row 0's outputs 0..3
    const bool last_b = m_a + 8 == kV4ItemM - 1;  // fragment row g + 8 is pixel 63: row 1's outputs 126, 127
    // Every write is one 8-byte shared store at an immediate offset from one of the lane's eight slot addresses
    // (st_shared_v2; through float2 pointers nvcc split most of them in two, not proving the alignment): per channel
    // parity the lane's slots under that parity's shift (stage_slots); parity 1's are 16 box rows (2 KB) further.
    static_assert(v4_out_slot(0, 1, 0) - v4_out_slot(0, 0, 0) == kV4OutParityRows * kV4OutBoxWidth,
                  "parity 1's slots: 16 box rows after parity 0's");
    const uint32_t base = uint32_t(__cvta_generic_to_shared(staging));
    uint32_t at[2][4];  // per channel parity: row 0 at 2m_a, 2m_a + 16; row 1 at 2m_a, 2m_a + 16 (bytes)
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      at[0][i] = base + (sh.even != 0 ? slots.s4[i] : slots.s0[i]);
      at[1][i] = base + (sh.odd != 0 ? slots.s4[i] : slots.s0[i]);
    }
    auto pair = [&](int t, int r) { return make_float2(acc[4 * t + 2 * r], acc[4 * t + 2 * r + 1]); };
    // Group c8's write at position i: channel v4_channel(c8, cl) = v4_channel(c8 mod 2, cl) + 8k, k = c8 / 2: box row
    // (k mod 2) + 8·(k / 2) further, and 16 further for parity 1; the swizzle's piece index with bit 0 flipped
    // where k is odd (bit 4 of the address).
    auto put = [&](auto c8, int i, float2 v) {
      constexpr int k = decltype(c8)::value >> 1, par = decltype(c8)::value & 1;
      constexpr int kOffset = ((k & 1) + 8 * (k >> 1) + kV4OutParityRows * par) * kRowBytes;
      if constexpr ((k & 1) != 0) st_shared_v2<kOffset>(at[par][i] ^ 16u, v);
      else st_shared_v2<kOffset>(at[par][i], v);
    };
    v4_for_each_constant<8>([&](auto c8) {
      constexpr int k = decltype(c8)::value;
      put(c8, 1, pair(k, 1));      // row 0, pixel m_a + 8
      put(c8, 2, pair(8 + k, 0));  // row 1, pixel m_a
    });
    // A parity's writes at position i where its run is not shifted (sh_par 0: position 0's outputs are staged,
    // position 3's go to y) or is (the reverse), as one branch per parity.
    auto put_parity = [&](auto par_c, int i, int t0, int r) {
      v4_for_each_constant<8>([&](auto c8) {
        constexpr int k = decltype(c8)::value;
        if constexpr ((k & 1) == decltype(par_c)::value) put(c8, i, pair(t0 + k, r));
      });
    };
    using Even = std::integral_constant<int, 0>;
    using Odd = std::integral_constant<int, 1>;
    if (!first_a) {
      v4_for_each_constant<8>([&](auto c8) { put(c8, 0, pair(decltype(c8)::value, 0)); });
    } else {  // a shifted parity's outputs 0..3: store_heads, after the item is staged
      if (sh.even == 0) put_parity(Even{}, 0, 0, 0);
      if (sh.odd == 0) put_parity(Odd{}, 0, 0, 0);
    }
    if (!last_b) {
      v4_for_each_constant<8>([&](auto c8) { put(c8, 3, pair(8 + decltype(c8)::value, 1)); });
    } else {  // an unshifted parity's outputs 126, 127 of row 1 (pixel 63): to y
      constexpr int kAt = kRow + 2 * (kV4ItemM - 1);
      if (sh.even == 0) store_parity<0>(acc, 8, 1, y_pair, cl, plane, kAt);
      else put_parity(Even{}, 3, 8, 1);
      if (sh.odd == 0) store_parity<1>(acc, 8, 1, y_pair, cl, plane, kAt);
      else put_parity(Odd{}, 3, 8, 1);
    }
  }
  // The first four outputs of the channels whose run is shifted (stage_item leaves them out: v4_out_slot), from the
  // lanes of pixels 0 and 1 (two 8-byte pieces of each 16-byte head in one instruction), once the item is staged
  // (bench/NOTES.md §22: 0.616 ms, from within stage_item 0.618–0.627).
  static __device__ __forceinline__ void store_heads(const float (&acc)[4 * kT], float* y_pair, int m_a, int cl,
                                                     int plane, V4ParityShift sh) {
    if (m_a >= 2) return;
    if (sh.even != 0) store_parity<0>(acc, 0, 0, y_pair, cl, plane, 2 * m_a);
    if (sh.odd != 0) store_parity<1>(acc, 0, 0, y_pair, cl, plane, 2 * m_a);
  }
  // The lane's pairs (acc[4t + 2r], acc[4t + 2r + 1]) of groups t = t0 + 2k + kPar (k < 4: channels
  // v4_channel(kPar, cl) + 8k) to output `at` of their channels' row pairs in y: one pointer, a stride of 8 planes.
  template <int kPar>
  static __device__ __forceinline__ void store_parity(const float (&acc)[4 * kT], int t0, int r, float* y_pair, int cl,
                                                      int plane, int at) {
    float* p = y_pair + int64_t(v4_channel(kPar, cl)) * plane + at;
    const int64_t step = 8 * int64_t(plane);
#pragma unroll
    for (int k = 0; k < 4; ++k) {
      const int t = t0 + 2 * k + kPar;
      store_streaming_pair(p + k * step, acc[4 * t + 2 * r], acc[4 * t + 2 * r + 1]);
    }
  }
};

// A fragments of one k-step from a float32 stage: rows g, g + 8 (pixels m_a, m_b), channels c, c + 4 of the lane; tap
// s = (th, tw) = (s / 2, s % 2) is the shift −th·pitch − tw (row g's tw = 1 shift: l.tw1, v4_tw1_shift). `a` points
// at the lane's element (channel c, pixel m_a).
// kSplitTw: the flavour's V4Config::split_tw (without it the shift is −1 for every row).
template <bool kSplitTw, class Lane>
__device__ __forceinline__ void v4_load_a_f32(uint32_t (&f)[4], const float* a, int s, const Lane& l) {
  const float* p = a - (s >> 1) * l.pitch;
  const float* pa = (s & 1) ? p + (kSplitTw ? l.tw1 : -1) : p;
  const float* pb = p - (s & 1) + l.d8;
  f[0] = __float_as_uint(pa[0]);
  f[1] = __float_as_uint(pb[0]);
  f[2] = __float_as_uint(pa[4 * l.a_ld]);
  f[3] = __float_as_uint(pb[4 * l.a_ld]);
}

struct FlavorV4Tf32 : FlavorV4Float32<16, kV4ConfigTf32.split_tw> {
  static constexpr V4Config kConfig = kV4ConfigTf32;
  static constexpr int kFragRegs = 4;
  static constexpr bool kSplit = false;
  // The value stored for B (copy 0: the only one).
  static __device__ __forceinline__ float pack_b(float w, int) { return __uint_as_float(tf32_round(w)); }
  // A fragments of the chunk's four taps.
  template <class Lane>  // V4LaneA or V4LaneAWholeRows
  static __device__ __forceinline__ void load_a(uint32_t (&f)[kStepsPerChunk][4], const float* a, const Lane& l) {
#pragma unroll
    for (int s = 0; s < kStepsPerChunk; ++s) v4_load_a_f32<kConfig.split_tw>(f[s], a, s, l);
  }
  static __device__ __forceinline__ void mma(float (&d)[64], const uint32_t (&a)[4], uint64_t b, int acc) {
    wgmma_m64n128k8_tf32(d, a, b, acc);
  }
};

struct FlavorV4Tf32x3 : FlavorV4Float32<8, kV4Config3xTf32.split_tw> {
  static constexpr V4Config kConfig = kV4Config3xTf32;
  static constexpr int kFragRegs = 8;  // the big part in 0..3, the small part in 4..7
  static constexpr bool kSplit = true;
  // copy 0: big, copy 1: small (Flavor3xTf32::split).
  static __device__ __forceinline__ float pack_b(float w, int copy) {
    uint32_t big, small;
    Flavor3xTf32::split(__float_as_uint(w), big, small);
    return __uint_as_float(copy == 0 ? big : small);
  }
  // big = v truncated to TF32, small = v − big (exact: both share v's exponent), fed raw: the tensor core reads its
  // TF32 part, so small is truncated there, |error| < 2^-20·|v| where cvt.rna (v2's split) would give 2^-21 — far
  // inside the fp32 contract's γ_n·S — at two instructions a value instead of five (the rounding is emulated:
  // FSETP, LEA, LOP3), which measured 5% of the kernel's time (bench/NOTES.md §15).
  // No range test here: the loader warps test every input value (V4RangeScan); if one is outside, the fallback
  // rewrites all of y after this kernel.
  template <class Lane>
  static __device__ __forceinline__ void load_a(uint32_t (&f)[kStepsPerChunk][8], const float* a, const Lane& l) {
    load_a_split(f, a, l, [](uint32_t raw, uint32_t& big, uint32_t& small) {
      big = raw & 0xFFFFE000u;
      small = __float_as_uint(__uint_as_float(raw) - __uint_as_float(big));
    });
  }
  // The chunk's raw A fragments, each value split by split(raw, f[s][i], f[s][4 + i]) (the flavours' own parts).
  template <class Lane, class Split>
  static __device__ __forceinline__ void load_a_split(uint32_t (&f)[kStepsPerChunk][8], const float* a, const Lane& l,
                                                      Split split) {
#pragma unroll
    for (int s = 0; s < kStepsPerChunk; ++s) {
      uint32_t raw[4];
      v4_load_a_f32<kConfig.split_tw>(raw, a, s, l);
#pragma unroll
      for (int i = 0; i < 4; ++i) split(raw[i], f[s][i], f[s][4 + i]);
    }
  }
  // The three products of a k-step into one accumulator chain d, the small ones (small·big, big·small) first. b is the
  // descriptor of the big part's k-step; the small part's is b_small bytes further. With split_tw (whole rows) the
  // kernel's two chains are the tw = 0 and tw = 1 k-steps, each taking its steps' three products.
  static __device__ __forceinline__ void mma(float (&d)[32], const uint32_t (&a)[8], uint64_t b, uint32_t b_small,
                                             int acc) {
    const uint32_t(&big)[4] = *reinterpret_cast<const uint32_t(*)[4]>(&a[0]);
    const uint32_t(&small)[4] = *reinterpret_cast<const uint32_t(*)[4]>(&a[4]);
    wgmma_m64n64k8_tf32(d, small, b, acc);
    wgmma_m64n64k8_tf32(d, big, wgmma_desc_advance(b, b_small), 1);
    wgmma_m64n64k8_tf32(d, big, b, 1);
  }
};

// The fp32 contract with one TF32 product and one bfloat16 product a k-step instead of three TF32 products: the two
// small products (big·small + small·big) cost one TF32 product's tensor time as a bf16 m64n64k16 wgmma whose K pairs
// are (A: v, small_a) · (B: small_w, big_w) for each TF32 k. An A register of the bf16 fragment layout (rows g, g + 8;
// K 2c, 2c + 1 and 2c + 8, 2c + 9) holds the same row and TF32 k (c, c + 4) as the TF32 register of the same index,
// and word k of B's bf16 copy sits where the TF32 copy's word k does (the same K-major 32-byte rows): the pairs meet.
// The split and its error (< 2^-17·(1 + 2^-10)·|v·w| a product, inside the fp32 contract from kBf16PairsMinTerms
// products an output; fewer go to FlavorV4Tf32x3, launch_v4_wgmma_3xtf32): bf16_pairs_split_a/b (mma_flavors.cuh).
// Inside the split's range (kSplitMin..kSplitMax, tested as for FlavorV4Tf32x3) bf16 keeps every part normal.
struct FlavorV4Tf32Bf16Pairs : FlavorV4Tf32x3 {
  // copy 0: big (TF32); copy 1: the pair (low half bf16(small_w), high half bf16(big_w)) (mma_flavors.cuh).
  static __device__ __forceinline__ float pack_b(float w, int copy) {
    uint32_t big, pair;
    bf16_pairs_split_b(__float_as_uint(w), big, pair);
    return __uint_as_float(copy == 0 ? big : pair);
  }
  // f[s][0..3]: big; f[s][4..7]: the pairs (low half bf16(v), high half bf16(small_a)).
  template <class Lane>
  static __device__ __forceinline__ void load_a(uint32_t (&f)[kStepsPerChunk][8], const float* a, const Lane& l) {
    load_a_split(f, a, l, [](uint32_t raw, uint32_t& big, uint32_t& pair) { bf16_pairs_split_a(raw, big, pair); });
  }
  // The small products first (one bf16 wgmma), then big·big; b is the big copy's k-step, the pairs' b_small bytes
  // further.
  static __device__ __forceinline__ void mma(float (&d)[32], const uint32_t (&a)[8], uint64_t b, uint32_t b_small,
                                             int acc) {
    const uint32_t(&big)[4] = *reinterpret_cast<const uint32_t(*)[4]>(&a[0]);
    const uint32_t(&pairs)[4] = *reinterpret_cast<const uint32_t(*)[4]>(&a[4]);
    wgmma_m64n64k16_bf16(d, pairs, wgmma_desc_advance(b, b_small), acc);
    wgmma_m64n64k8_tf32(d, big, b, 1);
  }
};

template <class StorageT, void (*Mma)(float (&)[64], const uint32_t (&)[4], uint64_t, int)>
struct FlavorV4SixteenBit {
  using Storage = StorageT;
  static constexpr V4Config kConfig = kV4Config16Bit;
  static constexpr int kStepsPerChunk = 2;  // tw = s; k = 2·channel + th
  static constexpr bool kPairRows = true;   // fragment rows g, g + 8 are q-pixels 2g, 2g + 1
  static constexpr bool kFastGelu = true;  // 16-bit outputs: gelu_nonpositive_fast (epilogue.cuh)
  static constexpr int kFragRegs = 4;
  static constexpr bool kSplit = false;
  static __device__ __forceinline__ int b_offset(int n, int k) { return v4_b_offset(n, k >> 3, (k & 7) * 2); }
  static __device__ __forceinline__ uint16_t pack_b(uint16_t w, int) { return w; }
  // k-step = 2·chunk + tw, k = 2·(the chunk's input channel) + th: a k-step holds one tw, so that the tw = 0 and tw = 1
  // steps accumulate apart (split_tw) and a row item owns its q-row's rows whole, as TF32's do (fused_v4_geometry.hpp).
  static __device__ __forceinline__ V4BSource b_source(int step, int k) {
    return {k & 1, step & 1, (step >> 1) * 8 + (k >> 1)};
  }
  // `a` points at the lane's element (channel c, pixel m_a = p = 2g of its warp's 16, tap (0, 0)), an even position;
  // tap (1, tw) is a pitch before tap (0, tw). An A register is (th = 0, th = 1) of one pixel and channel: the two
  // window rows' values at its column, from the words (x[p], x[p + 1]) of both rows — and, for tw = 1, pixel p's
  // column p − 1 (l.tw1 − 1 elements on: the word (x[p − 2], x[p − 1]), or for row 0 of a whole-rows item the word
  // ending at x[W − 1]), while pixel p + 1's column p is pixel p's tw = 0 register. Per lane and channel four loads and
  // three byte_perms for its two pixels' two steps (the earlier tap pairs (tw = 1, tw = 0) of one th: four loads, two).
  template <class Lane>
  static __device__ __forceinline__ void load_a(uint32_t (&f)[kStepsPerChunk][4], const uint16_t* a, const Lane& l) {
#pragma unroll
    for (int h = 0; h < 2; ++h) {  // channel c, c + 4
      const uint16_t* c0 = a + h * 4 * l.a_ld;
      const uint32_t cur0 = *reinterpret_cast<const uint32_t*>(c0);
      const uint32_t cur1 = *reinterpret_cast<const uint32_t*>(c0 - l.pitch);
      const uint32_t prev0 = *reinterpret_cast<const uint32_t*>(c0 + l.tw1 - 1);
      const uint32_t prev1 = *reinterpret_cast<const uint32_t*>(c0 - l.pitch + l.tw1 - 1);
      f[0][2 * h] = __byte_perm(cur0, cur1, 0x5410);      // tw = 0, row g (pixel p): (x0[p], x1[p])
      f[0][2 * h + 1] = __byte_perm(cur0, cur1, 0x7632);  // tw = 0, row g + 8 (pixel p + 1): (x0[p + 1], x1[p + 1])
      f[1][2 * h] = __byte_perm(prev0, prev1, 0x7632);    // tw = 1, row g: (x0[p − 1], x1[p − 1])
      f[1][2 * h + 1] = f[0][2 * h];                      // tw = 1, row g + 8: column p
    }
  }
  static __device__ __forceinline__ void mma(float (&d)[64], const uint32_t (&a)[4], uint64_t b, int acc) {
    Mma(d, a, b, acc);
  }
  // The lane's pixels are adjacent q-pixels (qh, qw) and (qh, qw + 1) of one q-row (px_a, px_b; in a col item
  // q-columns W − 2, W − 1 or W, W + 1, of which only W is stored), so for each accumulator group t it holds four
  // consecutive outputs 2qw .. 2qw + 3 of one channel and row (acc[4t .. 4t + 3]): one 8-byte store where both are
  // stored and the address allows (even output rows), else 4-byte ones; in a row item the 8 lanes of a channel cover 64
  // contiguous bytes either way.
  // Row items at W = 64 are staged instead (stage_row_item).
  // A whole-rows item's outputs (W = 64) into its staging buffer as runs (v4_run_slot, fused_v4_geometry.hpp): group
  // t = 8h + c8 is channel v4_channel(c8, cl) (of parity c8 mod 2, so shifted by sh.even or sh.odd), row h, and the
  // lane's four outputs 2m_a .. 2m_a + 3 of it (m_a even) are run bytes 260·h + 4·m_a .. + 7. Row 0's are one
  // st.shared.v2; row 1's, 4 bytes off an 8-byte boundary, two words, which the lanes with odd g + cl write in the
  // other order, so that each of the two stores fills 32 distinct banks (the channels' runs 8 banks apart, pixels 2).
  // Every write at an immediate offset from one of the lane's six bases.
  static __device__ __forceinline__ void stage_row_item(const float (&acc)[64], unsigned char* staging, int m_a, int cl,
                                                        int gl, V4ParityShift sh) {
    const uint32_t lane_base =
        uint32_t(__cvta_generic_to_shared(staging)) + uint32_t(v4_run_slot(v4_channel(0, cl)) + 4 * m_a);
    const uint32_t row0[2] = {lane_base + uint32_t(sh.even), lane_base + uint32_t(sh.odd)};
    const bool swap = ((gl ^ cl) & 1) != 0;  // row 1: the second word first
    const uint32_t first[2] = {row0[0] + (swap ? 4u : 0u), row0[1] + (swap ? 4u : 0u)};
    const uint32_t second[2] = {row0[0] + (swap ? 0u : 4u), row0[1] + (swap ? 0u : 4u)};
    v4_for_each_constant<16>([&](auto group) {
      constexpr int t = decltype(group)::value, c8 = t & 7, h = t >> 3, par = c8 & 1;
      constexpr int kOffset = v4_run_slot(v4_channel(c8, 0)) - v4_run_slot(v4_channel(0, 0)) + h * kV4RunBytes / 2;
      const uint32_t lo = StorageT::pack2(acc[4 * t], acc[4 * t + 1]);
      const uint32_t hi = StorageT::pack2(acc[4 * t + 2], acc[4 * t + 3]);
      if constexpr (h == 0) {
        st_shared_v2<kOffset>(row0[par], make_float2(__uint_as_float(lo), __uint_as_float(hi)));
      } else {
        st_shared_u32<kOffset>(first[par], swap ? hi : lo);
        st_shared_u32<kOffset>(second[par], swap ? lo : hi);
      }
    });
  }
  // A whole-rows item's q-column W, the storer's lane's share (v4_w_from_side: groups t0 + 8q of lane quad w_cl,
  // channel v4_channel(t0, w_cl), row q; w[2q + rw]): each row's (rw 0, rw 1) pair as one word at outputs 2W, 2W + 1 of
  // the channel's staged run (run bytes 260·q + 256), beside stage_row_item's 128 outputs of the row.
  static __device__ __forceinline__ void stage_w(const float (&w)[4], unsigned char* staging, int w_cl, int t0,
                                                 V4ParityShift sh) {
    static_assert(kV4RunBytes == 2 * (2 * kV4ItemM + 2) * 2, "a run: both rows of 2W + 2 outputs");
    const int ch = v4_channel(t0, w_cl);
    const uint32_t base = uint32_t(__cvta_generic_to_shared(staging)) +
                          uint32_t(v4_run_slot(ch) + ((t0 & 1) != 0 ? sh.odd : sh.even) + 4 * kV4ItemM);
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      st_shared_u32<0>(base + uint32_t(h * kV4RunBytes / 2), StorageT::pack2(w[2 * h], w[2 * h + 1]));
    }
  }
  static __device__ __forceinline__ void store_item(const float (&acc)[64], uint16_t* y_item,
                                                    const V4Pixel& px_a, const V4Pixel& px_b, const V3Geometry& g,
                                                    int plane, int cl) {
    const bool first = px_a.stored, second = px_b.stored;
    if (!first && !second) return;
    const int qh = px_a.qh, qw = px_a.qw;
    const int64_t step_even = plane, step_odd = int64_t(7) * plane;  // v4_channel(c8 + 1, cl) − v4_channel(c8, cl)
    auto pack = [&](int t, int i) { return StorageT::pack2(acc[4 * t + 2 * i], acc[4 * t + 2 * i + 1]); };
#pragma unroll
    for (int h = 0; h < 2; ++h) {  // group t = 8h + c8: channel v4_channel(c8, cl), row parity h (v4_store_row_pairs)
      uint16_t* p = y_item + (2 * qh + h) * g.Wout + 2 * qw + int64_t(v4_channel(0, cl)) * plane;
      // A plane is 2·Hout·Wout bytes, a multiple of 8 (stride 2, kernel 4: Hout and Wout are even), so one test of the
      // row's alignment serves all eight channels
      // (ptxas does not see that: tested per store, it was a branch region around each).
      if (first && second && (reinterpret_cast<uintptr_t>(p) & 7) == 0) {
#pragma unroll
        for (int c8 = 0; c8 < 8; p += (c8 & 1) ? step_odd : step_even, ++c8) {
          __stcs(reinterpret_cast<uint2*>(p), make_uint2(pack(8 * h + c8, 0), pack(8 * h + c8, 1)));
        }
      } else {
#pragma unroll
        for (int c8 = 0; c8 < 8; p += (c8 & 1) ? step_odd : step_even, ++c8) {
          if (first) __stcs(reinterpret_cast<unsigned int*>(p), pack(8 * h + c8, 0));
          if (second) __stcs(reinterpret_cast<unsigned int*>(p + 2), pack(8 * h + c8, 1));
        }
      }
    }
  }
};
using FlavorV4F16 = FlavorV4SixteenBit<StorageF16, wgmma_m64n128k16_f16>;
using FlavorV4Bf16 = FlavorV4SixteenBit<StorageBF16, wgmma_m64n128k16_bf16>;

}  // namespace gate::gpu
