// The five inner products of the phase-GEMM, one struct each: how a K-chunk is stored in shared memory and how a warp
// multiplies it into its 64 × 32 accumulator tile. They differ here and in nothing else (loader, epilogue and stores are
// shared, STYLE.md §5).
//   FlavorTf32     float32 storage, operands rounded to TF32 (cvt.rna) once when staged, mma.sync m16n8k8.tf32    (tf32 contract)
//   Flavor3xTf32   float32 storage, each operand split into TF32 big + small at fragment load, three m16n8k8 products
//                  (small·big + big·small + big·big; split and dropped small·small err < 2^-20 relative); k-steps
//                  holding subnormal, tiny, huge or non-finite operands run as fp32 fma instead              (fp32 contract)
//   Flavor3xTf32Bf16Pairs  the same split with big rounded to TF32, and the two small products as one bf16 m16n8k16
//                  (pairs (v, small_a)·(small_w, big_w)): two products' tensor time, error < 2^-17 relative, for
//                  n >= kBf16PairsMinTerms products an output (fused_v2_mma_3xtf32.cu chooses)      (fp32 contract)
//   FlavorFfma     float32 storage, plain fp32 fma outer products in the same accumulator layout              (fp32 contract)
//   FlavorF16, FlavorBf16  16-bit storage staged as is, mma.sync m16n8k16 with fp32 accumulation
//
// Shared-memory layout, common to all: a K-chunk is kChunkK k-values; A is stored [k-word-row][m], B [k-word-row][n], in
// 32-bit words. For the 32-bit flavours one word-row is one k; for the 16-bit ones a word holds the pair (2r, 2r+1),
// low half first, exactly what the m16n8k16 fragments hold. Either way the fragment of lane (g = lane/4, c = lane%4) is
// rows {c, c+4} × columns {g, g+8} (A) or {g} (B) of a word-row block, so one loader of fragments serves all mma kinds.
#pragma once

#include <cstdint>
#include <cstring>

#include "gpu/phase_geometry.hpp"
#include "gpu/storage.cuh"

namespace gate::gpu {

__device__ __forceinline__ uint32_t tf32_round(float v) {
  uint32_t r;
  asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(v));
  return r;
}

// v rounded to TF32 on its bits: + 2^12, then the low 13 mantissa bits cleared (ties away from zero). For the split's
// operands (|v| < 2^60) v − result is exact in float32 and at most 2^-11·|v|.
__host__ __device__ __forceinline__ uint32_t tf32_round_bits(uint32_t v) { return (v + 0x1000u) & 0xFFFFE000u; }

// The bf16-pairs split of one operand (Flavor3xTf32Bf16Pairs, FlavorV4Tf32Bf16Pairs): big = v rounded to TF32, and the
// pair that meets the other operand's in one bf16 product — A (low half bf16(v), high half bf16(v − big)), B (low half
// bf16(w − big), high half bf16(big)) — so that the pairs' product is v·small_w + small_a·big_w. |small| <= 2^-11·|v|
// and bf16 rounds each factor by at most 2^-8, so each of the two products errs by < 2^-7 of itself: with big·big
// (exact in TF32) < 2^-17·(1 + 2^-10)·|v·w| in all (v·small_w carries small·small too), for any inputs, which is
// inside the fp32 contract's γ_{n+2}(2^-24)·S from kBf16PairsMinTerms products an output. Host-callable: the host
// test checks the parts and the bound (tests/gpu/mma_pairs_host_test.cu).
__host__ __device__ __forceinline__ float bits_float(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}
__host__ __device__ __forceinline__ void bf16_pairs_split_a(uint32_t v, uint32_t& big, uint32_t& pair) {
  big = tf32_round_bits(v);
  pair = StorageBF16::pack2(bits_float(v), bits_float(v) - bits_float(big));
}
__host__ __device__ __forceinline__ void bf16_pairs_split_b(uint32_t v, uint32_t& big, uint32_t& pair) {
  big = tf32_round_bits(v);
  pair = StorageBF16::pack2(bits_float(v) - bits_float(big), bits_float(big));
}

// d += a · b on one m16n8k8 TF32 tile.
__device__ __forceinline__ void mma_tf32(float d[4], const uint32_t a[4], const uint32_t b[2]) {
  asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
               : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
               : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}
__device__ __forceinline__ void mma_f16(float d[4], const uint32_t a[4], const uint32_t b[2]) {
  asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
               : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
               : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}
__device__ __forceinline__ void mma_bf16(float d[4], const uint32_t a[4], const uint32_t b[2]) {
  asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
               : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
               : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

// The warp's place in the block tile and the lane's place in an mma fragment.
struct WarpCoords {
  int wm, wn;  // first row (m) and column (n) of the warp's 64 × 32 tile
  int g, c;    // lane / 4 and lane % 4
};

// A fragment of m16 tile mt at word-row r0: rows (m) g and g+8, word-rows c and c+4.
template <int kLdA>
__device__ __forceinline__ void load_frag_a(uint32_t a[4], const uint32_t* As, int r0, int m0, const WarpCoords& wc) {
  a[0] = As[(r0 + wc.c) * kLdA + m0 + wc.g];
  a[1] = As[(r0 + wc.c) * kLdA + m0 + wc.g + 8];
  a[2] = As[(r0 + wc.c + 4) * kLdA + m0 + wc.g];
  a[3] = As[(r0 + wc.c + 4) * kLdA + m0 + wc.g + 8];
}
// B fragment of n8 tile at word-row r0: column (n) g, word-rows c and c+4.
__device__ __forceinline__ void load_frag_b(uint32_t b[2], const uint32_t* Bs, int r0, int n0, const WarpCoords& wc) {
  b[0] = Bs[(r0 + wc.c) * kLdB + n0 + wc.g];
  b[1] = Bs[(r0 + wc.c + 4) * kLdB + n0 + wc.g];
}

// Accumulator of one warp: [m16 tile][n8 tile][c0..c3], c0,c1 = (row g, cols 2c, 2c+1), c2,c3 = (row g+8, same cols).
using WarpAcc = float[4][4][4];

__device__ __forceinline__ void zero_warp_acc(WarpAcc& acc) {
#pragma unroll
  for (int mt = 0; mt < 4; ++mt)
#pragma unroll
    for (int nt = 0; nt < 4; ++nt)
#pragma unroll
      for (int i = 0; i < 4; ++i) acc[mt][nt][i] = 0.0f;
}

// One K-chunk of kWordRows word-rows through mma.sync (m16n8k8 TF32: 8 word-rows a step; m16n8k16 16-bit: 8 word-rows
// of pairs a step): the warp's 4 × 4 tiles from fragments loaded once per step. TF32 and the 16-bit flavours differ
// only in the word-row count and the mma.
template <int kLdA, int kWordRows, void (*Mma)(float*, const uint32_t*, const uint32_t*)>
__device__ __forceinline__ void mma_chunk(WarpAcc& acc, const uint32_t* As, const uint32_t* Bs, const WarpCoords& wc) {
#pragma unroll
  for (int r0 = 0; r0 < kWordRows; r0 += 8) {
    uint32_t a[4][4], b[4][2];
#pragma unroll
    for (int mt = 0; mt < 4; ++mt) load_frag_a<kLdA>(a[mt], As, r0, wc.wm + mt * 16, wc);
#pragma unroll
    for (int nt = 0; nt < 4; ++nt) load_frag_b(b[nt], Bs, r0, wc.wn + nt * 8, wc);
#pragma unroll
    for (int mt = 0; mt < 4; ++mt)
#pragma unroll
      for (int nt = 0; nt < 4; ++nt) Mma(acc[mt][nt], a[mt], b[nt]);
  }
}

// The stage column order of the mma flavours: the natural one (FlavorFfma has its own, below).
struct NaturalStageOrder {
  static __device__ __forceinline__ int stage_a_column(int m) { return m; }
  static __device__ __forceinline__ int stage_b_column(int n) { return n; }
};

struct FlavorTf32 : NaturalStageOrder {
  using Storage = StorageF32;
  static constexpr bool kSixteenBit = false;
  static __device__ __forceinline__ uint32_t to_smem(float v) { return tf32_round(v); }
  template <int kLdA>
  static __device__ __forceinline__ void chunk(WarpAcc& acc, const uint32_t* As, const uint32_t* Bs, const WarpCoords& wc) {
    mma_chunk<kLdA, kChunkK, mma_tf32>(acc, As, Bs, wc);
  }
};

// One k-step of plain fp32 fma outer products into the m16 tile mt of the accumulator (the layout FlavorFfma uses): the
// IEEE float32 path that Flavor3xTf32 takes where its operands leave the range the tensor core handles exactly.
template <int kLdA>
__device__ __forceinline__ void ffma_k_step(float (&acc_mt)[4][4], const uint32_t* As, const uint32_t* Bs, int r0, int mt,
                                            const WarpCoords& wc) {
  const float* Af = reinterpret_cast<const float*>(As);
  const float* Bf = reinterpret_cast<const float*>(Bs);
#pragma unroll 2
  for (int k = r0; k < r0 + 8; ++k) {
    const float a0 = Af[k * kLdA + wc.wm + mt * 16 + wc.g];
    const float a1 = Af[k * kLdA + wc.wm + mt * 16 + wc.g + 8];
#pragma unroll
    for (int nt = 0; nt < 4; ++nt) {
      const float2 b = *reinterpret_cast<const float2*>(&Bf[k * kLdB + wc.wn + nt * 8 + 2 * wc.c]);
      acc_mt[nt][0] = fmaf(a0, b.x, acc_mt[nt][0]);
      acc_mt[nt][1] = fmaf(a0, b.y, acc_mt[nt][1]);
      acc_mt[nt][2] = fmaf(a1, b.x, acc_mt[nt][2]);
      acc_mt[nt][3] = fmaf(a1, b.y, acc_mt[nt][3]);
    }
  }
}

template <bool kPairs>
struct Flavor3xTf32Split : NaturalStageOrder {
  using Storage = StorageF32;
  static constexpr bool kSixteenBit = false;
  static __device__ __forceinline__ uint32_t to_smem(float v) { return __float_as_uint(v); }
  // The operands the tensor core gets are 0 or in [2^-50, 2^60) in magnitude (kSplitMin, kSplitMax as bit patterns);
  // any other value (subnormal or tiny, huge, ±inf, NaN) is "outside", and a warp whose k-step of an m16 tile holds
  // one anywhere takes ffma_k_step for it instead: IEEE float32 with gradual underflow, inf·w = ±inf, 0·inf = NaN, as
  // FlavorFfma. Why: the split cannot carry them. inf − inf = NaN in the small part; an inf meets a weight whose small
  // part is 0 (a TF32 value) or whose big and small parts are both 0 (a subnormal below 2^-136: cvt.rna.tf32 rounds
  // 1 ulp and 1000 ulps of 2^-149 to 0) as inf·0 = NaN; and TF32 keeps only 2^-136 steps below 2^-126, so a subnormal
  // operand loses bits (absolute error ~2^-137·|w|, far outside γ_n·S when S is itself tiny). The tensor core is not
  // the problem: on the H100 mma.sync.m16n8k8.tf32 keeps subnormal operands, products and sums exactly as IEEE does
  // (bench/gpu/mma_subnormal_probe.cu; bench/NOTES.md, "3xTF32 and the values its split cannot carry"). Inside, every
  // product the mma forms is normal (|small| >= 2^-23·2^-50, so small·big >= 2^-123; big·big < 2^120), and small
  // loses nothing to the subnormal range. The seed workload has no outside value: it never leaves the mma path.
  static constexpr uint32_t kSplitMin = (127u - 50u) << 23;  // 2^-50
  static constexpr uint32_t kSplitMax = (127u + 60u) << 23;  // 2^60
  static __device__ __forceinline__ bool outside(uint32_t v) {
    const uint32_t u = v & 0x7FFFFFFFu;
    return u - 1u < kSplitMin - 1u || u >= kSplitMax;  // nonzero below 2^-50 (u − 1 wraps for 0), or from 2^60 up
  }
  // v = big + small + O(2^-21·|v|) for v inside: big = v truncated to TF32 (its low 13 mantissa bits cleared), small =
  // tf32(v − big) (the subtraction is exact; small is 0 when v is already a TF32 value). Per product the three mma
  // terms miss small·small and small's rounding: < 2^-20 relative.
  static __device__ __forceinline__ void split(uint32_t v, uint32_t& big, uint32_t& small) {
    big = v & 0xFFFFE000u;
    small = tf32_round(__uint_as_float(v) - __uint_as_float(big));
  }
  // The operands the chunk multiplies: big (TF32) and, without kPairs, small (split); with kPairs the bf16 pairs
  // (bf16_pairs_split_a/b), which meet in one m16n8k16: its registers hold the pairs K 2c, 2c + 1 and 2c + 8, 2c + 9
  // where the m16n8k8 ones hold k = c and c + 4, for A and B alike (bench/NOTES.md §19).
  static __device__ __forceinline__ void split_a(uint32_t v, uint32_t& big, uint32_t& second) {
    if constexpr (kPairs) bf16_pairs_split_a(v, big, second);
    else split(v, big, second);
  }
  static __device__ __forceinline__ void split_b(uint32_t v, uint32_t& big, uint32_t& second) {
    if constexpr (kPairs) bf16_pairs_split_b(v, big, second);
    else split(v, big, second);
  }
  // B is split once per k-step (16 registers); A one m16 tile at a time (8 registers), which keeps the kernel under
  // the 128-register cap of two blocks per SM.
  template <int kLdA>
  static __device__ __forceinline__ void chunk(WarpAcc& acc, const uint32_t* As, const uint32_t* Bs, const WarpCoords& wc) {
#pragma unroll
    for (int r0 = 0; r0 < kChunkK; r0 += 8) {
      uint32_t b_big[4][2], b_small[4][2];
      bool b_outside = false;
#pragma unroll
      for (int nt = 0; nt < 4; ++nt) {
        uint32_t raw[2];
        load_frag_b(raw, Bs, r0, wc.wn + nt * 8, wc);
#pragma unroll
        for (int i = 0; i < 2; ++i) {
          b_outside |= outside(raw[i]);
          split_b(raw[i], b_big[nt][i], b_small[nt][i]);
        }
      }
#pragma unroll
      for (int mt = 0; mt < 4; ++mt) {
        uint32_t raw[4], a_big[4], a_small[4];
        load_frag_a<kLdA>(raw, As, r0, wc.wm + mt * 16, wc);
        bool any_outside = b_outside;
#pragma unroll
        for (int i = 0; i < 4; ++i) {
          any_outside |= outside(raw[i]);
          split_a(raw[i], a_big[i], a_small[i]);
        }
        if (__any_sync(0xFFFFFFFFu, any_outside)) {  // warp-uniform: the mma needs the whole warp
          ffma_k_step<kLdA>(acc[mt], As, Bs, r0, mt, wc);
          continue;
        }
        // Small products first, so they are not absorbed by a large partial sum before the big one arrives (with
        // kPairs, a_small and b_small hold the bf16 pairs: both small products in one m16n8k16).
#pragma unroll
        for (int nt = 0; nt < 4; ++nt) {
          if constexpr (kPairs) {
            mma_bf16(acc[mt][nt], a_small, b_small[nt]);
          } else {
            mma_tf32(acc[mt][nt], a_small, b_big[nt]);
            mma_tf32(acc[mt][nt], a_big, b_small[nt]);
          }
          mma_tf32(acc[mt][nt], a_big, b_big[nt]);
        }
      }
    }
  }
};
using Flavor3xTf32 = Flavor3xTf32Split<false>;
using Flavor3xTf32Bf16Pairs = Flavor3xTf32Split<true>;

// FlavorFfma's stage column orders. A lane (g, c) owns the accumulator positions of an mma fragment (rows g + 8j of
// its warp's 64, j = 2·mt + half; columns 8·nt + 2c + e of its warp's 32), so the epilogue is shared. Stored in the
// natural order, those 8 rows and 8 columns cost 8 scalar and 4 8-byte shared loads per k for 64 fma (16 shared
// wavefronts). Stored so that each lane's four (j, nt) values sit side by side, they are 2 + 2 16-byte loads, each
// one wavefront (8 rows or 4 columns of 16 contiguous bytes, broadcast to the lanes that share them): 4 instructions
// and 4 wavefronts per 64 fma. Predicted to lift the shared-memory limit; measured 0–3% on its own (the kernel was
// issue-bound on the instructions around its loop, bench/NOTES.md §15b), the gains came with the changes after it.
__host__ __device__ constexpr int ffma_stage_row(int m) {  // m: the block's A column; row g + 8j of its warp tile
  const int r = m & (kWarpM - 1), g = r & 7, j = r >> 3;
  return (m & ~(kWarpM - 1)) + (j >> 2) * 32 + 4 * g + (j & 3);
}
__host__ __device__ constexpr int ffma_stage_col(int n) {  // n: the block's B column; 8·nt + 2c + e of its warp tile
  const int r = n & (kWarpN - 1), e = r & 1, c = (r >> 1) & 3, nt = r >> 3;
  return (n & ~(kWarpN - 1)) + (nt >> 1) * 16 + 4 * c + (nt & 1) * 2 + e;
}

// Both orders are permutations of their warp tile (so the stores place every element once and the 16-byte reads
// cover exactly the lane's fragment positions).
constexpr bool ffma_stage_orders_are_permutations() {
  bool row_seen[kWarpM] = {}, col_seen[kWarpN] = {};
  for (int m = 0; m < kWarpM; ++m) {
    const int p = ffma_stage_row(m);
    if (p < 0 || p >= kWarpM || row_seen[p]) return false;
    row_seen[p] = true;
  }
  for (int n = 0; n < kWarpN; ++n) {
    const int p = ffma_stage_col(n);
    if (p < 0 || p >= kWarpN || col_seen[p]) return false;
    col_seen[p] = true;
  }
  return ffma_stage_row(kWarpM + 5) == kWarpM + ffma_stage_row(5) && ffma_stage_col(kWarpN + 3) == kWarpN + ffma_stage_col(3);
}
static_assert(ffma_stage_orders_are_permutations(), "FlavorFfma's stage orders");

struct FlavorFfma {
  using Storage = StorageF32;
  static constexpr bool kSixteenBit = false;
  static __device__ __forceinline__ uint32_t to_smem(float v) { return __float_as_uint(v); }
  static __device__ __forceinline__ int stage_a_column(int m) { return ffma_stage_row(m); }
  static __device__ __forceinline__ int stage_b_column(int n) { return ffma_stage_col(n); }
  // Per k: rows (mt, half) = (0, 0), (0, 1), (1, 0), (1, 1) at 4g, (2, ·), (3, ·) at 32 + 4g; columns (nt, e) =
  // (0, 0), (0, 1), (1, 0), (1, 1) at 4c, nt = 2, 3 at 16 + 4c (ffma_stage_row, ffma_stage_col). The fma order per
  // accumulator (k ascending) is the natural layout's: the same results bit for bit.
  template <int kLdA>
  static __device__ __forceinline__ void chunk(WarpAcc& acc, const uint32_t* As, const uint32_t* Bs, const WarpCoords& wc) {
    static_assert(kLdA % 4 == 0 && kLdB % 4 == 0, "16-byte aligned k-rows");
    static_assert(kChunkK % 2 == 0, "k in pairs");
    const float* a_k = reinterpret_cast<const float*>(As) + wc.wm + 4 * wc.g;
    const float* b_k = reinterpret_cast<const float*>(Bs) + wc.wn + 4 * wc.c;
    // Eight k a trip (four pairs) through advancing pointers, each load at an immediate offset (the addresses
    // recomputed from k were 9 of every 145 instructions). Since the weights no longer pass through registers
    // (tile_loader.cuh) ptxas fits this in 127 registers without spilling; on the seed workload 2 against 4 k a trip
    // measured 3.40 against 3.31 ms, 4 against 8 k 3.27–3.30 against 3.24–3.25 (bench/NOTES.md §15).
#pragma unroll 4
    for (int k = 0; k < kChunkK; k += 2, a_k += 2 * kLdA, b_k += 2 * kLdB) {
#pragma unroll
      for (int kk = 0; kk < 2; ++kk) {
        const float4 a_lo = *reinterpret_cast<const float4*>(a_k + kk * kLdA);
        const float4 a_hi = *reinterpret_cast<const float4*>(a_k + kk * kLdA + 32);
        const float4 b_lo = *reinterpret_cast<const float4*>(b_k + kk * kLdB);
        const float4 b_hi = *reinterpret_cast<const float4*>(b_k + kk * kLdB + 16);
        const float a[4][2] = {{a_lo.x, a_lo.y}, {a_lo.z, a_lo.w}, {a_hi.x, a_hi.y}, {a_hi.z, a_hi.w}};
        const float2 b[4] = {{b_lo.x, b_lo.y}, {b_lo.z, b_lo.w}, {b_hi.x, b_hi.y}, {b_hi.z, b_hi.w}};
#pragma unroll
        for (int mt = 0; mt < 4; ++mt)
#pragma unroll
          for (int nt = 0; nt < 4; ++nt) {
            acc[mt][nt][0] = fmaf(a[mt][0], b[nt].x, acc[mt][nt][0]);
            acc[mt][nt][1] = fmaf(a[mt][0], b[nt].y, acc[mt][nt][1]);
            acc[mt][nt][2] = fmaf(a[mt][1], b[nt].x, acc[mt][nt][2]);
            acc[mt][nt][3] = fmaf(a[mt][1], b[nt].y, acc[mt][nt][3]);
          }
      }
    }
  }
};

template <class StorageT, void (*Mma)(float*, const uint32_t*, const uint32_t*)>
struct FlavorSixteenBit : NaturalStageOrder {
  using Storage = StorageT;
  static constexpr bool kSixteenBit = true;
  static __device__ __forceinline__ uint16_t to_smem(uint16_t bits) { return bits; }
  template <int kLdA>
  static __device__ __forceinline__ void chunk(WarpAcc& acc, const uint32_t* As, const uint32_t* Bs, const WarpCoords& wc) {
    mma_chunk<kLdA, kChunkK / 2, Mma>(acc, As, Bs, wc);  // a k16 step is 8 word-rows
  }
};
using FlavorF16 = FlavorSixteenBit<StorageF16, mma_f16>;
using FlavorBf16 = FlavorSixteenBit<StorageBF16, mma_bf16>;

}  // namespace gate::gpu
