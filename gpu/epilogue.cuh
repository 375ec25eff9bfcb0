// The fused epilogue on one fp32 accumulator (bias already in it): + add, min(·, 0), GELU (exact erf form), × multiply.
// Every kernel variant (v1 direct, the fp32/tf32/3xTF32/fp16/bf16 phase-GEMM paths) calls this one function, so the
// epilogue is tested once (tests/gpu/epilogue_test.cu against reference/epilogue) and replaced in one place.
// Special values as DESIGN.md lists them (PyTorch 2.11, CUDA): min(NaN, 0) = NaN, min(+inf, 0) = 0, min(-0.0, +0.0) = -0.0,
// gelu(-inf) = NaN, gelu(NaN) = NaN, gelu(-0.0) = -0.0.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <cstring>

#include "gpu/gelu_erfcx_coefficients.hpp"

namespace gate::gpu {

inline constexpr float kInvSqrt2Hi = 0.70710676908493042f;  // 1/√2 rounded to float (the 16-bit outputs' GELU)

// min(v, 0) with NaN propagation and the sign of zero kept. fminf(NaN, 0) returns 0 and would hide a NaN conv value, so
// it is not used; PTX's min.NaN (sm_80 on) returns NaN when an operand is NaN, in one instruction where a compare and a
// select take two. With +0.0 as the first operand, min(+0.0, -0.0) is -0.0 whether the hardware orders -0.0 below
// +0.0 (IEEE 754-2019 minimum) or returns the second operand of equal ones (PTX's `a < b ? a : b`);
// tests/gpu/epilogue_test.cu checks -0.0, ±inf and NaN on the device.
__device__ __forceinline__ float clamp_nonpositive(float v) {
  float r;
  asm("min.NaN.f32 %0, %1, %2;" : "=f"(r) : "f"(0.0f), "f"(v));
  return r;
}

// 1/d for d in [1, 6]: the hardware's approximate reciprocal on the device (one MUFU.RCP), IEEE division on the host.
// gelu_nonpositive takes the reciprocal's exact residual into its correction ε, so either serves; the correctly rounded
// one (rcp.rn, which would make the host's evaluation the device's bit for bit) made v4's tf32 kernel 31% slower on
// GELU-heavy data — a subroutine per value — where the approximate one made it 11% faster (bench/NOTES.md §21g).
__host__ __device__ __forceinline__ float reciprocal_approx(float d) {
#ifdef __CUDA_ARCH__
  float r;
  asm("rcp.approx.ftz.f32 %0, %1;" : "=f"(r) : "f"(d));
  return r;
#else
  return 1.0f / d;
#endif
}

// gelu(v) for v <= 0 where the output is float32. With s = −v: gelu(v) = v·e^{−s²/2}·F(s), F(s) = erfcx(s/√2)/2 (smooth:
// 1/2 at 0, ~1/(s·√(2π)) far out), so the argument s/√2 of erfc, whose rounding its relative condition number ~s²
// would turn into up to ~30 ulp, is never formed (simd/gelu_float-inl.h takes the same route with tables).
//   F = t·G(t), t = 1/(1 + A·s), G of degree 9 (gpu/gelu_erfcx_coefficients.hpp, gpu/fit_gelu_erfcx.py: relative error
//       2^-27.3, Horner weight 2.3).
//   −s²/2 = sh + sl exactly (sh = −(v/2)·v rounded, sl its residual by an fma); k = round(sh/ln2);
//       r = (sh − k·ln2_hi) − k·ln2_lo + sl (the first difference exact: k·ln2_hi has ≤ 21 bits, Sterbenz), |r| ≤ ~0.347;
//       e^r − 1 = r + r²·Q(r) (Q of degree 4, 2^-27.9); e^{−s²/2} = 2^k·e^r.
//   y = (v·F)·e^r·2^k = fma(v·F, e^r − 1, v·F)·2^k, the power of two applied in two halves so that a subnormal result
//       is rounded once.
// Every operation but the reciprocal is an IEEE add, multiply or fma; the host evaluates it with IEEE division, and
// where the two reciprocals differ G's roundings at the two t differ too: the results differ at ~7% of the points by an
// ulp or two, each within the claim (tests/gpu/epilogue_test.cu measures both, and the device's results for every float
// v in [−14.5, 0]; tests/gpu/epilogue_host_test.cu checks a dense sweep of the host's in CI). Special values: NaN gives
// NaN (it flows through every step); below −kGeluErfcxMaxS the steps give garbage (−s²/2 overflows from |v| ~ 2^64) and
// the result is selected at the end: NaN for −inf, −0.0 for the finite ones, whose true values are below 2^-150 in
// magnitude. ~55 operations (PTX) where the erfcf form took ~72; on data where most
// outputs are negative GELU is most of the epilogue (bench/NOTES.md §21g).
// Claimed accuracy: within kGeluMaxUlp ulps (of the float result; 2^-149 for subnormals) of the exact gelu for every
// float v <= 0: 3.980 at worst over every float in [−14.5, 0] on the H100 (2026-11-27; the erfcf form's dense sweep
// 4.80).
inline constexpr float kGeluMaxUlp = 4.0f;
__host__ __device__ __forceinline__ float gelu_nonpositive(float v) {
  // t = 1/(1 + A·s) as t·(1 + ε): d = 1 + A·s rounded, d_lo its exact residual (1 − d is exact: d ≤ 5.35), e the
  // reciprocal's exact residual, ε ≈ e − d_lo·t to first order. F's relative condition number in t, σ (2.66 at s = 0),
  // would make the two roundings ~2.7 ulp each; F·(1 + σ·ε) removes them.
  const float d = fmaf(-kGeluErfcxA, v, 1.0f);
  const float d_lo = fmaf(-kGeluErfcxA, v, 1.0f - d);
  const float t = reciprocal_approx(d);
  const float eps = fmaf(-d_lo, t, fmaf(-d, t, 1.0f));
  const float vf0 = v * (t * gelu_erfcx_g(t));
  const float vf = fmaf(vf0, gelu_erfcx_sigma(t) * eps, vf0);
  const float h = 0.5f * v;
  const float sh = -(h * v);
  const float sl = fmaf(-h, v, -sh);
  constexpr float kMagic = 0x1.8p23f;  // adding it rounds to an integer kept in the low mantissa bits
  const float k_magic = fmaf(sh, 0x1.715476p+0f, kMagic);  // 1/ln2
  const float k = k_magic - kMagic;
  const float r = fmaf(k, -kGeluLn2Lo, fmaf(k, -kGeluLn2Hi, sh)) + sl;
  const float m = fmaf(vf, fmaf(r * r, gelu_exp_q(r), r), vf);
  // 2^k in two halves (k in [−152, 0]): k_bits = 0x4B400000 + k as an integer, so k = k_bits − 0x4B400000.
  int32_t ki;
  memcpy(&ki, &k_magic, sizeof ki);
  ki -= 0x4B400000;
  const int32_t k1 = ki >> 1, k2 = ki - k1;
  float s1, s2;
  const int32_t b1 = (k1 + 127) << 23, b2 = (k2 + 127) << 23;
  memcpy(&s1, &b1, sizeof s1);
  memcpy(&s2, &b2, sizeof s2);
  const float y = (m * s1) * s2;
  return v < -kGeluErfcxMaxS ? (v == -__builtin_huge_valf() ? __builtin_nanf("") : -0.0f) : y;
}

// gelu(v) for v <= 0 where the output is stored as float16 or bfloat16 (whose own rounding is 2^-11 or 2^-8 relative):
// erfc(z) = t·exp(−z² + P(t)), t = 1 / (1 + z/2), P the degree-9 Chebyshev fit of Numerical Recipes' erfcc (fractional
// error below 1.2e-7 in exact arithmetic), evaluated with the hardware reciprocal and exp2. Measured relative error on
// [-10, 0]: below kGeluFastMaxRel (1e-5 from float rounding of the exponent −z² + P near v = -10, where z² ≈ 50), ~25 times
// smaller than float16's half-ulp; tests/gpu/epilogue_test.cu checks the claim and the special values (-inf gives NaN:
// t = 0 times exp(−inf) = 0; huge negatives give -0.0). About 18 instructions against gelu_nonpositive's ~50: on data
// where most outputs are negative the GELU is most of the epilogue (bench/NOTES.md §9c). Not for float32 outputs, whose
// comparator allowance for the epilogue is a few float ulps where the convolution itself is exact.
inline constexpr float kGeluFastMaxRel = 2e-5f;
// Host-callable so that tests/gpu/epilogue_host_test.cu checks the fit in CI without a GPU (IEEE division there).
__host__ __device__ __forceinline__ float gelu_nonpositive_fast(float v) {
  const float z = -v * kInvSqrt2Hi;
#ifdef __CUDA_ARCH__
  const float t = __fdividef(1.0f, fmaf(0.5f, z, 1.0f));
#else
  const float t = 1.0f / fmaf(0.5f, z, 1.0f);
#endif
  float p = 0.17087277f;
  p = fmaf(p, t, -0.82215223f);
  p = fmaf(p, t, 1.48851587f);
  p = fmaf(p, t, -1.13520398f);
  p = fmaf(p, t, 0.27886807f);
  p = fmaf(p, t, -0.18628806f);
  p = fmaf(p, t, 0.09678418f);
  p = fmaf(p, t, 0.37409196f);
  p = fmaf(p, t, 1.00002368f);
  p = fmaf(p, t, -1.26551223f);
  const float e = exp2f(fmaf(-z, z, p) * 1.44269504f);  // exp(−z² + P(t))
  return 0.5f * v * (t * e);
}

// y = multiply · gelu(min(conv + add, 0)). conv is the fp32 accumulator with the bias added.
// Positive sums give +0.0 after the clamp and gelu(±0) = ±0, so GELU runs only where the clamp left a non-zero: on the
// seed workload (add 0.5) almost every element takes the short path, and a warp skips the erfc entirely when all do.
__device__ __forceinline__ float fused_epilogue(float conv, float add_value, float multiply_value) {
  float v = clamp_nonpositive(conv + add_value);
  if (!(v == 0.0f)) v = gelu_nonpositive(v);  // negative or NaN
  return v * multiply_value;
}

// The same epilogue in two steps for a thread holding many values (the phase-GEMM's 64 accumulators): clamp them all,
// ask the warp whether any is non-zero, and only then run GELU where needed. Same results as fused_epilogue, without a
// branch region per element on the common all-zero path.
__device__ __forceinline__ float epilogue_clamp(float conv, float add_value) { return clamp_nonpositive(conv + add_value); }
template <bool kFast = false>  // kFast: gelu_nonpositive_fast (16-bit outputs only)
__device__ __forceinline__ float epilogue_gelu_if_nonzero(float clamped) {
  // GELU computed for every value and the zeros selected back, not a branch per value: a branch per value made a
  // thread run its values' GELU one after the other, each a chain of ~20 (fast) or ~50 dependent instructions, where
  // without it the compiler interleaves them (bench/NOTES.md §18). gelu(±0) is ±0 in both forms anyway.
  const float g = kFast ? gelu_nonpositive_fast(clamped) : gelu_nonpositive(clamped);
  return clamped == 0.0f ? clamped : g;
}

// GELU over the clamped accumulators a thread holds, skipped by the whole warp when no lane holds a non-zero value
// (gelu(±0) = ±0, and on the seed workload + 0.5 clamps almost every value to exactly 0), and otherwise taken in chunks
// of kChunk values: a chunk in which some lane of the warp holds a non-zero runs GELU on all of its values, interleaved
// (epilogue_gelu_if_nonzero), a chunk in which none does is skipped. any_nonzero: this lane holds a non-zero it needs.
// Measured (H200, bench/NOTES.md §18): chunks of 8 against the per-value branch that was here, v4 on the seed workload
// (a few warps with a few non-zeros) f16 −6%, TF32 −3%; on data where most values are negative v4 TF32 3.11 → 1.66 ms,
// f16 1.52 → 0.88; GELU on every value of a warp that holds any non-zero: TF32 on the seed +14%. v3 keeps chunks of 1
// (its seed time +2–3% with 8).
// epilogue_gelu_chunks: the chunks alone, for a warp that has voted already (some lane holds a non-zero). kN mod kChunk
// values left over join the last chunk (fused_v6_swap's q-column W beside its 32 values), where their GELU chains
// interleave with the chunk's instead of running alone.
template <int kN, bool kFast = false, int kChunk = 8>
__device__ __forceinline__ void epilogue_gelu_chunks(float (&v)[kN], bool any_nonzero) {
  static_assert(kN >= kChunk, "at least one chunk");
  constexpr int kRest = kN % kChunk, kWhole = kN - kRest;  // the last kRest values ride with the last chunk
#pragma unroll
  for (int c = 0; c < kWhole; c += kChunk) {
    const bool last = c + kChunk == kWhole;
    bool chunk_nonzero = false;
#pragma unroll
    for (int j = 0; j < kChunk; ++j) chunk_nonzero |= !(v[c + j] == 0.0f);  // negative or NaN
#pragma unroll
    for (int j = kWhole; j < kN; ++j) chunk_nonzero |= last && !(v[j] == 0.0f);
    if (__any_sync(0xFFFFFFFFu, any_nonzero && chunk_nonzero)) {
#pragma unroll
      for (int j = 0; j < kChunk; ++j) v[c + j] = epilogue_gelu_if_nonzero<kFast>(v[c + j]);
#pragma unroll
      for (int j = kWhole; j < kN; ++j) {
        if (last) v[j] = epilogue_gelu_if_nonzero<kFast>(v[j]);
      }
    }
  }
}
template <int kN, bool kFast = false, int kChunk = 8>
__device__ __forceinline__ void epilogue_gelu_values(float (&v)[kN], bool any_nonzero) {
  if (__any_sync(0xFFFFFFFFu, any_nonzero)) epilogue_gelu_chunks<kN, kFast, kChunk>(v, any_nonzero);
}
// The same over a warp's 4×4×4 mma.sync tile (v2 and v3).
template <int kChunk>
__device__ __forceinline__ void epilogue_gelu_tile(float (&v)[4][4][4], bool any_nonzero) {
  epilogue_gelu_values<64, false, kChunk>(*reinterpret_cast<float(*)[64]>(&v), any_nonzero);
}

// v = gelu(min(acc + bias + add, 0)) over a warp's 4×4×4 mma.sync tile (v2 and v3; the multiply comes with the
// staging): + bias + add and the clamp on all 64 values first, GELU only if some lane of the warp holds a non-zero.
// acc[mt][nt][2·half + j] is column 8·nt + 2·c + j of the lane; bias_of(nt, j) is that column's bias.
template <int kChunk = 8, class BiasOf>  // kChunk: epilogue_gelu_values
__device__ __forceinline__ void epilogue_clamp_gelu_tile(const float (&acc)[4][4][4], BiasOf bias_of, float add_value,
                                                         float (&v)[4][4][4]) {
  bool any_nonzero = false;
#pragma unroll
  for (int nt = 0; nt < 4; ++nt)
#pragma unroll
    for (int j = 0; j < 2; ++j) {
      const float b = bias_of(nt, j);
#pragma unroll
      for (int mt = 0; mt < 4; ++mt)
#pragma unroll
        for (int half = 0; half < 2; ++half) {
          const float c = epilogue_clamp(acc[mt][nt][2 * half + j] + b, add_value);
          v[mt][nt][2 * half + j] = c;
          any_nonzero |= !(c == 0.0f);
        }
    }
  epilogue_gelu_tile<kChunk>(v, any_nonzero);
}

}  // namespace gate::gpu
