// The float-lane core of the float GELU epilogue (simd/gelu_epilogue.cc), per target: multiply·gelu(v) for float v in
// (−7.875, −2^-32] on full float vectors (16 lanes on AVX-512), each result rounded once. The caller takes the other
// lanes: |v| < 2^-32 (±0 included) as (multiply/2)·v, and v ≤ −7.875, −inf, NaN, as well as multiply values that are 0,
// not finite or below 2^-80 in magnitude, through the double-lane path (ErfcCore of simd/erf-inl.h).
// Tables: simd/gelu_coefficients.hpp, made by simd/fit_gelu.py.
//
// Scheme: gelu(v) = v·exp(−v²/2)·F(v), F(v) = erfcx(−v/√2)/2, so no argument −v/√2 is ever rounded.
//   F:    piece j = round(−4v) (0..31), t = v + j/4 (exact: Sterbenz), F = c0 + w, c0 = c0hi (float),
//         w = t·S(t) + c0lo, S = c1 + t·(c2 + … + t·c5), Horner in float (kGeluF).
//   exp:  −v²/2 = sh + sl exactly (sh = (−v/2)·v, sl its FMA residual); k = round(32·sh/ln2) (|k| ≤ 1432);
//         ρ = (sh − k·L_hi) + (sl − k·L_lo), L_hi + L_lo = ln2/32 to 2^-44 (first bracket exact: k·L_hi has ≤ 24 bits,
//         Sterbenz); |ρ| ≤ 0.0109; E = exp(ρ) − 1 = ρ + ρ²(1/2 + ρ/6 + ρ²/24); exp(−v²/2) = 2^K·T_i·(1 + E) with
//         k = 32K + i and T_i = 2^(i/32) as a float pair Th + Tl (kGeluExp2Hi/Lo).
//   then  F·(1 + E) = c0 + g,             g = fma(c0 + w, E, w)
//         (c0 + g)·Th + c0·Tl = hh + hl,  hh = c0·Th, hl = fma(g, Th, fma(c0, Tl, err(c0·Th)))
//         v·(hh + hl) = vh + vl,          vh = v·hh,  vl = fma(v, hl, err(v·hh))
//         result = fma(m, vh, m·vl)·2^K   (that FMA is the one rounding; 2^K ≥ 2^-45 scales a normal value exactly)
//   err(a·b) = fma(a, b, −a·b) is exact: |v| ≥ 2^-32 keeps every such product far above the subnormal range.
//
// Error budget, relative to the exact m·gelu(v) before the final rounding, in u = 2^-24. Magnitudes (printed by
// fit_gelu.py or bounded here): |w| ≤ B·F, B = 0.102; |t|·Σ_k |p_k|·|t|^(k−1) ≤ A·F, A = 0.111, over the Horner
// partial sums p_k of S; |E| ≤ 0.0110; |g| ≤ 0.115·(c0 + g); |hl| ≤ 0.116·(hh + hl); |vl| ≤ 0.117·|vh + vl|.
//   F:   fit 2^-28.7 (0.04) + S's roundings (A: 0.111) + w's rounding (B: 0.102) ..................... 0.25
//   exp: ρ's rounding (0.011), rl's rounding (0.002), the ln2/32 split (0.001); E's rounding (0.011),
//        its truncation and the roundings inside ρ²(…) (< 0.001) ............................................ 0.03
//   g:   (c0 + w) rounded, times |E| (0.011); g's rounding (0.115) ....................................... 0.13
//   hl:  g·Tl left out (|Tl| ≤ u·Th: 0.115); hl's rounding (0.116); the pair T's error 2^-48 ................ 0.23
//   vl's rounding (0.117); m·vl's rounding (0.117, or 2^-150 absolute if subnormal: < 0.01 for |m| ≥ 2^-80) ... 0.24
//   total: |ỹ − y| ≤ 0.88u·|y| < 0.88 ulp(y).
// The final rounding: |ŷ − y| ≤ 0.5 ulp(y) + |ỹ − y| ≤ 1.38 ulp where y is a normal float (if ỹ lies across a power
// of two from y, ŷ is that power of two, or the binade below has half the spacing: no worse), within kGeluFloatMaxUlp
// = 2. Where y is subnormal the scaling by 2^K may round a second time: ≤ 2^-149 + 0.88u·|y| < FLT_MIN
// (kGeluFloatSubnormalMaxAbsErr). The (m/2)·v lanes: |erf(v/√2)| ≤ 0.8·2^-32 (0.003u), one rounding.
// Measured: build/tests/simd/gate_simd_exhaustive_check 2 --gelu-only (every negative float, two multiply values) and
// tests/simd/gelu_epilogue_test.cpp (dense sweeps vs MPFR, piece and range boundaries); figures in bench/RESULTS.md.
//
// Bitwise reproducibility: IEEE float add, mul and FMA (the Fma and FmaSub wrappers of simd/erf-inl.h), comparisons,
// selects, unsigned integer bit operations and exact table lookups (a two-register permute on AVX-512, a gather
// elsewhere).

#if defined(GATE_SIMD_GELU_FLOAT_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef GATE_SIMD_GELU_FLOAT_INL_H_
#undef GATE_SIMD_GELU_FLOAT_INL_H_
#else
#define GATE_SIMD_GELU_FLOAT_INL_H_
#endif

#include <cstdint>

#include "hwy/highway.h"
#include "simd/erf-inl.h"
#include "simd/gelu_coefficients.hpp"

HWY_BEFORE_NAMESPACE();
namespace gate::simd::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// table[idx & 31] per lane, table 64-byte aligned. AVX-512: one vpermt2ps over the table's two registers (it reads only
// the low 5 bits of each index); other targets: a gather. Both are exact, so every target gets the same bits.
template <class DF, class VU>
HWY_INLINE hn::Vec<DF> Lookup32(DF df, const float* table, VU idx) {
#if HWY_TARGET <= HWY_AVX3 && HWY_ARCH_X86 && HWY_TARGET != HWY_SCALAR && HWY_TARGET != HWY_EMU128
  if constexpr (hn::MaxLanes(df) == 16) {
    const auto lo = hn::Load(df, table);
    const auto hi = hn::Load(df, table + 16);
    return hn::Vec<DF>{_mm512_permutex2var_ps(lo.raw, idx.raw, hi.raw)};
  }
#endif
  const hn::RebindToSigned<DF> di;
  return hn::GatherIndex(df, table, hn::BitCast(di, idx & hn::Set(hn::RebindToUnsigned<DF>(), 31u)));
}

// The v range of the float-lane core: pieces 0..31 of width 1/4 reach down to −7.875 (exclusive).
inline constexpr float kGeluFloatLow = -7.875f;

// Above this v (v ≤ 0) the result is (m/2)·v (see above): such lanes skip the core.
inline constexpr float kGeluFloatTiny = -0x1p-32f;
// The smallest |multiply| the core takes (the budget's m·vl term); smaller ones go through the double lanes.
inline constexpr float kGeluFloatMinMultiply = 0x1p-80f;

// m·gelu(v) for v in (kGeluFloatLow, kGeluFloatTiny], m finite with |m| ≥ kGeluFloatMinMultiply. Other lanes: garbage.
template <class DF>
HWY_INLINE hn::Vec<DF> GeluTimesFloat(DF df, hn::Vec<DF> v, hn::Vec<DF> m) {
  const hn::RebindToUnsigned<DF> du;
  const auto magic = hn::Set(df, 0x1.8p23f);  // 1.5·2^23: adding it rounds to an integer kept in the low mantissa bits
  // F(v) = c0 + w on piece j = round(−4v).
  const auto j_magic = Fma(df, v, hn::Set(df, -4.0f), magic);
  const auto t = Fma(df, j_magic - magic, hn::Set(df, 0.25f), v);  // v + j/4, exact
  const auto j_idx = hn::BitCast(du, j_magic);
  auto s = Lookup32(df, kGeluF[kGeluDegree + 1], j_idx);
  for (int k = kGeluDegree; k >= 2; --k) s = Fma(df, s, t, Lookup32(df, kGeluF[k], j_idx));
  const auto w = Fma(df, s, t, Lookup32(df, kGeluF[1], j_idx));
  const auto c0 = Lookup32(df, kGeluF[0], j_idx);
  // exp(−v²/2) = 2^K·T_i·(1 + e), e = E above.
  const auto h = v * hn::Set(df, -0.5f);
  const auto sh = h * v;
  const auto sl = FmaSub(df, h, v, sh);
  const auto k_magic = Fma(df, sh, hn::Set(df, 0x1.715476p+5f), magic);  // 32/ln2
  const auto k = k_magic - magic;
  const auto rho = NegFma(df, k, hn::Set(df, 0x1.62ep-6f), sh) + NegFma(df, k, hn::Set(df, 0x1.0bfbe8p-20f), sl);
  const auto poly = Fma(df, Fma(df, rho, hn::Set(df, 1.0f / 24), hn::Set(df, 1.0f / 6)), rho, hn::Set(df, 0.5f));
  const auto e = Fma(df, rho * rho, poly, rho);
  const auto k_bits = hn::BitCast(du, k_magic);
  const auto th = Lookup32(df, kGeluExp2Hi, k_bits);
  const auto tl = Lookup32(df, kGeluExp2Lo, k_bits);
  // 2^K = bits (K + 127) << 23, K = floor(k/32); k_bits = 0x4B400000 + k (k ≥ −1432 here, so the sum stays positive).
  const auto biased_k = k_bits + hn::Set(du, 127u * 32u - 0x4B400000u);  // 32·(K + 127) + i
  const auto scale = hn::BitCast(df, hn::ShiftLeft<23>(hn::ShiftRight<5>(biased_k)));
  // The products, each carried as a pair.
  const auto g = Fma(df, c0 + w, e, w);
  const auto hh = c0 * th;
  const auto hl = Fma(df, g, th, Fma(df, c0, tl, FmaSub(df, c0, th, hh)));
  const auto vh = v * hh;
  const auto vl = Fma(df, v, hl, FmaSub(df, v, hh, vh));
  return Fma(df, m, vh, m * vl) * scale;
}

// NOLINTNEXTLINE(google-readability-namespace-comments)
}  // namespace gate::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // GATE_SIMD_GELU_FLOAT_INL_H_
