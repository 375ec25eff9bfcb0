// erf and erfc on Highway vectors, per target (included once per target by simd/erf.cc and simd/gelu_epilogue.cc through
// foreach_target.h). Three evaluation schemes, each with its error budget beside it; the polynomials come from
// simd/fit_erf.py (simd/erf_coefficients.hpp), their approximation errors are the "achieved" figures printed there.
//
// Bitwise reproducibility: every operation here is an IEEE-correctly-rounded add, mul, div or fused multiply-add, a
// comparison, a select or bit manipulation; no approximate reciprocal, no target-dependent Min/Max on NaN, and NaN
// tests through IsNaN (Highway 1.0.3's operator!= is ordered on AVX2/AVX-512, unordered on SSE: x != x differs). Targets without
// a native FMA (SSSE3, SSE4 and the scalar baseline HWY_SCALAR) get a lane-wise std::fma, so every target returns the same bits
// (tests/simd/erf_test.cpp pins each target and compares).

// Per-target include guard (Highway's idiom: the toggle flips once per target).
#if defined(GATE_SIMD_ERF_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef GATE_SIMD_ERF_INL_H_
#undef GATE_SIMD_ERF_INL_H_
#else
#define GATE_SIMD_ERF_INL_H_
#endif

#include <cmath>
#include <cstddef>

#include "hwy/highway.h"
#include "simd/erf_coefficients.hpp"

HWY_BEFORE_NAMESPACE();
namespace gate::simd::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// ---------------------------------------------------------------------------------------------------------------------
// Building blocks

// a*b + c with one rounding on every target: Highway's MulAdd is a*b+c (two roundings) where the target lacks FMA.
template <class D>
HWY_INLINE hn::Vec<D> Fma(D d, hn::Vec<D> a, hn::Vec<D> b, hn::Vec<D> c) {
#if HWY_NATIVE_FMA
  (void)d;
  return hn::MulAdd(a, b, c);
#else
  using T = hn::TFromD<D>;
  constexpr size_t kMax = HWY_MAX_BYTES / sizeof(T);
  HWY_ALIGN T va[kMax], vb[kMax], vc[kMax];
  hn::Store(a, d, va);
  hn::Store(b, d, vb);
  hn::Store(c, d, vc);
  for (size_t i = 0; i < hn::Lanes(d); ++i) va[i] = std::fma(va[i], vb[i], vc[i]);
  return hn::Load(d, va);
#endif
}

// a·b − c with one rounding on every target (vfmsub on FMA targets); err(a·b) = FmaSub(a, b, a·b) is exact where the
// product is far from the subnormal range.
template <class D>
HWY_INLINE hn::Vec<D> FmaSub(D d, hn::Vec<D> a, hn::Vec<D> b, hn::Vec<D> c) {
#if HWY_NATIVE_FMA
  (void)d;
  return hn::MulSub(a, b, c);
#else
  return Fma(d, a, b, hn::Neg(c));
#endif
}

// c − a*b with one rounding (vfnmadd on FMA targets).
template <class D>
HWY_INLINE hn::Vec<D> NegFma(D d, hn::Vec<D> a, hn::Vec<D> b, hn::Vec<D> c) {
#if HWY_NATIVE_FMA
  (void)d;
  return hn::NegMulAdd(a, b, c);
#else
  return Fma(d, hn::Neg(a), b, c);
#endif
}

// c[0] + t*(c[1] + t*(c[2] + ...)), Horner with one rounding per step.
template <class D, typename T, size_t N>
HWY_INLINE hn::Vec<D> Horner(D d, hn::Vec<D> t, const T (&c)[N]) {
  auto p = hn::Set(d, c[N - 1]);
  for (size_t i = N - 1; i-- > 0;) p = Fma(d, p, t, hn::Set(d, c[i]));
  return p;
}

// The same from a row of a table selected per lane (idx = row start), coefficients c[first..last].
template <class D, class VI>
HWY_INLINE hn::Vec<D> HornerGather(D d, hn::Vec<D> t, const double* table, VI idx, size_t first, size_t last) {
  auto p = hn::GatherIndex(d, table + last, idx);
  for (size_t i = last; i-- > first;) p = Fma(d, p, t, hn::GatherIndex(d, table + i, idx));
  return p;
}

// x < limit ? x : limit, with NaN mapped to limit on every target (hn::Min's NaN behaviour differs between targets).
template <class D>
HWY_INLINE hn::Vec<D> ClampBelow(D d, hn::Vec<D> x, double limit) {
  const auto l = hn::Set(d, static_cast<hn::TFromD<D>>(limit));
  return hn::IfThenElse(x < l, x, l);
}

// min(limit, x) with NaN propagating, the same on every target: x86's minps returns its second operand when either is
// NaN; Highway's scalar Min returns the non-NaN one, so the scalar target takes a compare and select instead.
template <class D>
HWY_INLINE hn::Vec<D> MinKeepNaN(D d, hn::Vec<D> x, double limit) {
  const auto l = hn::Set(d, static_cast<hn::TFromD<D>>(limit));
#if HWY_ARCH_X86 && HWY_TARGET != HWY_SCALAR && HWY_TARGET != HWY_EMU128
  return hn::Min(l, x);
#else
  return hn::IfThenElse(x > l, l, x);
#endif
}

// 2^k for an integer-valued float/double vector k within the normal exponent range.
template <class D>
HWY_INLINE hn::Vec<D> Pow2(D d, hn::Vec<D> k) {
  using T = hn::TFromD<D>;
  const hn::RebindToSigned<D> di;
  constexpr int kMantBits = sizeof(T) == 4 ? 23 : 52;
  constexpr int kBias = sizeof(T) == 4 ? 127 : 1023;
  const auto ki = hn::ConvertTo(di, k) + hn::Set(di, kBias);
  return hn::BitCast(d, hn::ShiftLeft<kMantBits>(ki));
}

// Round to the nearest integer (ties to even) through the 1.5*2^p trick: plain IEEE adds, identical on every target.
template <class D>
HWY_INLINE hn::Vec<D> RoundInt(D d, hn::Vec<D> y) {
  using T = hn::TFromD<D>;
  const auto magic = hn::Set(d, sizeof(T) == 4 ? T(0x1.8p23) : T(0x1.8p52));
  return (y + magic) - magic;
}

// ---------------------------------------------------------------------------------------------------------------------
// Float erf, all in float (the fast path: 16 lanes on AVX-512).
//
// |x| < 1:      erf = fma(|x|, E(x²), |x|), E(s) = erf(√s)/√s − 1 (kErfSmallF, |δE| ≤ 2^-29.4).
//               One rounding of a value whose error before it is ≤ |x|·(|δE| + 2^-24·|E|) ≤ 0.13 ulp: ≤ 0.63 ulp.
// 1 ≤ |x| < 4:  erf = 1 − exp(S(x) − x²), S = log erfc + x² (kErfTailF, erfc·|δS| ≤ 2^-29.6: 0.02 ulp of erf) and
//               the result fma(−2^k, e, 1 − 2^k) with exp(q) = 2^k(1 + e). erfc ≤ 0.1573 here, so erfc's relative error
//               ε turns into at most 0.1573·ε·2^24 ulp of erf ∈ [0.84, 1): q = fma(−x, x, S) rounds by ≤ 2^-24·|q|·2
//               (|q| ≤ 1.85 where erfc is largest: 0.29 ulp), the float exp adds ≤ 3·2^-24 (0.08 ulp) and its single
//               ln2 constant ≤ 0.02 ulp, S's rounding ≤ 0.05 ulp, final rounding 0.5 ulp: ≤ 0.96 ulp from erf, hence
//               ≤ 1 ulp from the correctly rounded float.
// |x| ≥ 3.92:   erf rounds to ±1; the tail code returns it by itself (x clamped to 4 keeps exp finite, NaN kept).
// Claim (kErfFloatMaxUlp in simd/erf.hpp): ≤ 1 ulp from the correctly rounded erf over all 2^32 floats.
template <class DF>
HWY_INLINE hn::Vec<DF> ExpNegF(DF df, hn::Vec<DF> q, hn::Vec<DF>* scale) {
  // exp(q) = 2^k (1 + e); returns e and sets *scale = 2^k. q in [-17.2, -1.8] (or NaN).
  // k = round(q/ln2) through the 1.5·2^23 trick, whose float keeps k in its low mantissa bits: 2^k from those bits.
  // One ln2 constant: k·(ln2 − fl(ln2)) ≤ 25·2^-25 moves exp by ≤ 2^-20.3 relative only where |k| is large, i.e.
  // where erfc ≤ 2^-|k|·1.4 is tiny; at |k| ≤ 3 (erfc up to 0.157) it is ≤ 2^-23.4·0.157 of erf: 0.02 ulp.
  const auto magic = hn::Set(df, 0x1.8p23f);
  const auto k_magic = Fma(df, q, hn::Set(df, 1.44269504088896341f), magic);
  const auto k = k_magic - magic;
  const auto r = NegFma(df, k, hn::Set(df, 0.693147180559945309f), q);
  const auto p = Horner(df, r, kExpF);
  const hn::RebindToSigned<DF> di;
  *scale = hn::BitCast(df, hn::ShiftLeft<23>(hn::BitCast(di, k_magic) + hn::Set(di, 127 - 0x4B400000)));
  return Fma(df, r * r, p, r);
}

template <class DF>
HWY_INLINE hn::Vec<DF> ErfF(DF df, hn::Vec<DF> x) {
  const auto ax = hn::Abs(x);
  const auto one = hn::Set(df, 1.0f);
  const auto small = ax < one;
  hn::Vec<DF> y;
  const auto small_value = [&] { return Fma(df, ax, Horner(df, ax * ax, kErfSmallF), ax); };
  const auto tail_value = [&] {
    const auto xt = MinKeepNaN(df, ax, 4.0);  // erf rounds to 1 from 3.92; NaN flows through to the result
    const auto s = Horner(df, xt - hn::Set(df, 2.5f), kErfTailF);
    const auto q = NegFma(df, xt, xt, s);
    hn::Vec<DF> scale;
    const auto e = ExpNegF(df, q, &scale);
    return NegFma(df, scale, e, one - scale);
  };
  // One branch only: vectors wholly below 1 skip the tail (the common case of GELU-like data); mixed and tail vectors
  // compute both (a second test for "all tail" cost more on mixed data than it saved).
  if (hn::AllTrue(df, small)) {
    y = small_value();
  } else {
    y = hn::IfThenElse(small, small_value(), tail_value());
  }
  return hn::CopySign(y, x);
}

// mask ? if_true() : if_false(), evaluating only the branch the vector needs when every lane agrees (the common case:
// data comes in runs), both when the lanes disagree.
template <class D, class M, class T, class F>
HWY_INLINE hn::Vec<D> SelectBranch(D d, M mask, const T& if_true, const F& if_false) {
  if (hn::AllTrue(d, mask)) return if_true();
  if (hn::AllFalse(d, mask)) return if_false();
  return hn::IfThenElse(mask, if_true(), if_false());
}

// ---------------------------------------------------------------------------------------------------------------------
// The float-accuracy core in double: erfc(z) with relative error ≤ 2^-28 (so that the one final rounding to float lands
// within 1 ulp of the correctly rounded float, and GELU's within 0.6 ulp of its exact value). Used by erfc_float and the
// float GELU epilogue, whose argument −v/√2 it receives in double (the far-tail advice: no float rounding of z
// or z²).
//
// |z| < 1:     erfc = fma(−z, E(z²), 1 − z)  (kCoreSmall, |δE| ≤ 2^-34.7; erfc ≥ 0.157 so relative ≤ 2^-32).
// 1 ≤ z < 4:   erfc = exp(−z²)·G(z), G = erfcx in t = z − 2.5 (kCoreMid, relative 2^-29.8).
// 4 ≤ z ≤ 15:  erfc = exp(−z²)·H(1/z²)/z (kCoreTail, relative 2^-29.1); one IEEE division.
// z > 15:      0 (erfc(15) = 7e-100: below any float result, even times FLT_MAX); erfc(−z) = 2 − erfc(z).
// exp(−z²): z² rounded in double (≤ 225·2^-53 = 2^-45 absolute in the exponent), k = round(−z²/ln2) by the 1.5·2^52
// trick, r = −z² − k·fl(ln2) (|k| ≤ 325: k·|ln2 − fl(ln2)| ≤ 2^-47), exp(r) = 1 + r + r²P(r) (kCoreExp, |δP| ≤ 2^-29.3,
// times r² ≤ 0.12). Sum of the terms with the roundings of the double arithmetic: ≤ 2^-28.
template <class DD>
HWY_INLINE hn::Vec<DD> ErfcBigCore(DD dd, hn::Vec<DD> az) {
  // erfc(az) for az >= 1 (NaN propagates; smaller lanes give values the caller discards).
  const auto one = hn::Set(dd, 1.0);
  const auto zc = MinKeepNaN(dd, az, 15.0);
  const auto mid = zc < hn::Set(dd, 4.0);
  const auto mid_value = [&] { return Horner(dd, zc - hn::Set(dd, 2.5), kCoreMid); };
  const auto tail_value = [&] {
    const auto rz = one / zc;
    return Horner(dd, rz * rz, kCoreTail) * rz;
  };
  const auto g = SelectBranch(dd, mid, mid_value, tail_value);
  const auto nsq = NegFma(dd, zc, zc, hn::Zero(dd));
  const auto magic = hn::Set(dd, 0x1.8p52);
  const auto k_magic = Fma(dd, nsq, hn::Set(dd, 1.4426950408889634), magic);
  const auto k = k_magic - magic;
  const auto r = NegFma(dd, k, hn::Set(dd, 0.69314718055994531), nsq);
  const auto e = Fma(dd, r * r, Horner(dd, r, kCoreExp), r);
  const hn::RebindToSigned<DD> di;
  const auto scale = hn::BitCast(
      dd, hn::ShiftLeft<52>(hn::BitCast(di, k_magic) + hn::Set(di, int64_t{1023} - int64_t{0x4338000000000000})));
  const auto sg = scale * g;
  return hn::IfThenZeroElse(az > hn::Set(dd, 15.0), Fma(dd, sg, e, sg));  // erfc(+inf) = 0 exactly
}

// erfc(z) for any z (kSigned) or for z >= 0 only (the GELU epilogue's −v/√2). NaN propagates.
template <bool kSigned, class DD>
HWY_INLINE hn::Vec<DD> ErfcCore(DD dd, hn::Vec<DD> z) {
  const auto one = hn::Set(dd, 1.0);
  const auto az = kSigned ? hn::Abs(z) : z;
  const auto small = az < one;
  const auto small_value = [&] { return NegFma(dd, z, Horner(dd, z * z, kCoreSmall), one - z); };
  const auto big_value = [&] {
    const auto pos = ErfcBigCore(dd, az);
    return kSigned ? hn::IfThenElse(z < hn::Zero(dd), hn::Set(dd, 2.0) - pos, pos) : pos;
  };
  // NaN in, the same NaN out: the arithmetic above would also give a NaN, but which operand's payload and sign it keeps
  // depends on the instruction order the compiler picked (it differed between targets under AddressSanitizer).
  return hn::IfThenElse(hn::IsNaN(z), z, SelectBranch(dd, small, small_value, big_value));
}

// ---------------------------------------------------------------------------------------------------------------------
// Double erf/erfc (the reference side): ≤ 1 ulp from the correctly rounded double. The last steps run in double-double
// so that only the final rounding (0.5 ulp) and a few hundredths of an ulp remain.
//
// |z| < 0.5:      erf = fma(z, E(z²), z) (kErfSmallD, |δE| ≤ 2^-55.3: ≤ 0.6 ulp);
//                 erfc = (1 − z) + (err(1 − z) − z·E), 1 − z split exactly (Fast2Sum): ≤ 0.55 ulp.
// 0.5 ≤ z < 8:    erfc = exp(−z²)·G(z), G from one of 30 pieces of width 1/4 (kErfcPiecesD, relative 2^-59.7) with its
//                 constant term as hi + lo; G = c0_hi + fma(t, Q(t), c0_lo) kept as a pair (|t·Q| ≤ 0.08·G, so Q's own
//                 rounding costs ≤ 0.08 ulp).
// 8 ≤ z < 27.3:   erfc = exp(−z²)·H(1/z²)/z (kErfcAsymD, relative 2^-60.7), 1/z corrected by its FMA residual.
// exp(−z²):       z² = hh + ll exactly (FMA); k = round(−hh/ln2); −hh − k·ln2_hi is exact (Sterbenz, k·ln2_hi exact);
//                 r = rh + rl exactly; exp(r) = (1 + rh) + rh²P(rh) + rl (kExpD, |δP| ≤ 2^-59) as a pair.
// The product of the two pairs is rounded once (≤ 0.5 ulp) then scaled by 2^k in two exact-or-once-rounding steps.
// erf = 1 − erfc (erfc ≤ 0.48 there: ≤ 0.25 + 0.5 ulp), erfc(−z) = 2 − erfc(z) (≤ 0.07 + 0.5 ulp).
// Claim (kErfDoubleMaxUlp in simd/erf.hpp): ≤ 1 ulp from the correctly rounded double, 10^8 random inputs vs MPFR.
//
// zl: a low part of the argument (z + zl, |zl| ≤ 2^-52·z) for the GELU epilogue, whose argument −v/√2 is not a double;
// it enters exp(−(z + zl)²) as −2·z·zl in the exponent and the small-z branch as −zl·2/√π (first order; the second
// order, 2·zl²·(z²+1), is below 2^-100 relative).
// a + b = *s + *e exactly (Knuth's TwoSum, no ordering assumption).
template <class DD>
HWY_INLINE void TwoSum(DD, hn::Vec<DD> a, hn::Vec<DD> b, hn::Vec<DD>* s, hn::Vec<DD>* e) {
  *s = a + b;
  const auto bb = *s - a;
  *e = (a - (*s - bb)) + (b - bb);
}

// (ph + pl)·erfc(z + zl) for z >= 0.5 (lanes below are computed on a clamped value and ignored by the caller), rounded
// once. The prefactor pair (1 + 0 for erf/erfc, multiply·v/2 exactly as hi + lo for GELU) enters the final product, so
// GELU costs no extra rounding, and before the scaling by 2^k, so a normal product is never built from a subnormal
// erfc (erfc(26.55) is already below 2^-1022).
template <class DD>
HWY_INLINE hn::Vec<DD> ErfcPositiveD(DD dd, hn::Vec<DD> z, hn::Vec<DD> zl, hn::Vec<DD> ph, hn::Vec<DD> pl) {
  using VD = hn::Vec<DD>;
  const hn::RebindToSigned<DD> di;
  const auto one = hn::Set(dd, 1.0);
  const auto zc = hn::IfThenElse(z < hn::Set(dd, 0.5), hn::Set(dd, 0.5), ClampBelow(dd, z, 27.5));
  // G(z) as a pair (gh, gl).
  const auto in_pieces = zc < hn::Set(dd, 8.0);
  constexpr size_t kRow = sizeof(kErfcPiecesD) / sizeof(double) / kErfcPieces;
  VD gh, gl;
  const auto pieces_value = [&](VD* hi, VD* lo) {
    const auto zp = hn::IfThenElse(in_pieces, zc, hn::Set(dd, 0.5));
    const auto piece = hn::ConvertTo(di, (zp - hn::Set(dd, 0.5)) * hn::Set(dd, 4.0));  // exact, truncation
    const auto t = zp - (hn::Set(dd, 0.625) + hn::ConvertTo(dd, piece) * hn::Set(dd, 0.25));
    const auto idx = piece * hn::Set(di, static_cast<int64_t>(kRow));
    const auto q = HornerGather(dd, t, kErfcPiecesD, idx, 2, kRow - 1);
    const auto w = Fma(dd, t, q, hn::GatherIndex(dd, kErfcPiecesD + 1, idx));
    TwoSum(dd, hn::GatherIndex(dd, kErfcPiecesD, idx), w, hi, lo);
  };
  const auto asym_value = [&](VD* hi, VD* lo) {
    const auto za = hn::IfThenElse(in_pieces, hn::Set(dd, 8.0), zc);
    const auto rz = one / za;
    const auto rz_err = Fma(dd, hn::Neg(rz), za, one);  // 1/za = rz·(1 + rz_err) to first order
    const auto u = rz * rz;
    constexpr size_t kN = sizeof(kErfcAsymD) / sizeof(double);
    VD q = hn::Set(dd, kErfcAsymD[kN - 1]);
    for (size_t i = kN - 1; i-- > 2;) q = Fma(dd, q, u, hn::Set(dd, kErfcAsymD[i]));
    VD h_hi, h_lo;
    TwoSum(dd, hn::Set(dd, kErfcAsymD[0]), Fma(dd, u, q, hn::Set(dd, kErfcAsymD[1])), &h_hi, &h_lo);
    *hi = h_hi * rz;
    *lo = Fma(dd, h_hi, rz, hn::Neg(*hi)) + rz * Fma(dd, h_hi, rz_err, h_lo);
  };
  if (hn::AllTrue(dd, in_pieces)) {
    pieces_value(&gh, &gl);
  } else if (hn::AllFalse(dd, in_pieces)) {
    asym_value(&gh, &gl);
  } else {
    VD ph, pl, ah, al;
    pieces_value(&ph, &pl);
    asym_value(&ah, &al);
    gh = hn::IfThenElse(in_pieces, ph, ah);
    gl = hn::IfThenElse(in_pieces, pl, al);
  }
  // exp(−(z + zl)²) = 2^k·(eh + el).
  const auto hh = zc * zc;
  const auto ll = Fma(dd, zc, zc, hn::Neg(hh)) + hn::Set(dd, 2.0) * zc * zl;
  const auto k = RoundInt(dd, hh * hn::Set(dd, -1.4426950408889634));
  const auto r0 = Fma(dd, k, hn::Set(dd, -0x1.62e42fefa3800p-1), hn::Neg(hh));  // exact
  const auto c = Fma(dd, k, hn::Set(dd, 0x1.ef35793c7673p-45), ll);             // k·ln2_lo + ll, tiny
  VD rh, rl;
  TwoSum(dd, r0, hn::Neg(c), &rh, &rl);
  const auto p = rh * rh * Horner(dd, rh, kExpD);
  VD eh, el;
  TwoSum(dd, one, rh, &eh, &el);
  el = el + (p + rl);
  // (eh + el)(gh + gl) = yh + yl, then (yh + yl)(ph + pl) with one rounding.
  const auto yh = eh * gh;
  const auto yl = Fma(dd, eh, gh, hn::Neg(yh)) + Fma(dd, eh, gl, el * gh);
  const auto y = Fma(dd, yh, ph, Fma(dd, yh, pl, yl * ph));
  // 2^k in two halves: k reaches −1100 where erfc goes subnormal.
  const auto k1 = RoundInt(dd, k * hn::Set(dd, 0.5));
  const auto pos = (y * Pow2(dd, k1)) * Pow2(dd, k - k1);
  // erfc(27.5) < 2^-1100: 0 in double; ph·0 keeps the sign (and −inf·0 = NaN: gelu(−inf)). With a prefactor above
  // 2^70 the true product there could still be a (tiny) normal double: a limit of the double GELU path.
  return hn::IfThenElse(z > hn::Set(dd, 27.5), ph * hn::Zero(dd), pos);
}

template <class DD>
HWY_INLINE hn::Vec<DD> ErfcWithLowD(DD dd, hn::Vec<DD> z, hn::Vec<DD> zl) {
  using VD = hn::Vec<DD>;
  const auto az = hn::Abs(z);
  const auto one = hn::Set(dd, 1.0);
  const auto small = az < hn::Set(dd, 0.5);
  const auto small_value = [&] {
    const auto zs = hn::IfThenElseZero(small, z);
    const auto e = Horner(dd, zs * zs, kErfSmallD);
    VD s, err;
    TwoSum(dd, one, hn::Neg(zs), &s, &err);
    const auto corr = Fma(dd, zs, e, zl * hn::Set(dd, 1.1283791670955126));  // z·E + zl·2/√π
    return s + (err - corr);
  };
  const auto big_value = [&] {
    const auto pos = ErfcPositiveD(dd, az, hn::IfThenElse(z < hn::Zero(dd), hn::Neg(zl), zl), one, hn::Zero(dd));
    return hn::IfThenElse(z < hn::Zero(dd), hn::Set(dd, 2.0) - pos, pos);
  };
  const auto y = SelectBranch(dd, small, small_value, big_value);
  return hn::IfThenElse(hn::IsNaN(z), z, y);
}

// (ph + pl)·erfc(z + zl) for z >= 0, rounded once (the GELU epilogue: z = −v/√2, ph + pl = multiply·v/2); NaN
// propagates.
template <class DD>
HWY_INLINE hn::Vec<DD> ScaledErfcNonNegativeD(DD dd, hn::Vec<DD> z, hn::Vec<DD> zl, hn::Vec<DD> ph, hn::Vec<DD> pl) {
  using VD = hn::Vec<DD>;
  const auto small = z < hn::Set(dd, 0.5);
  const auto small_value = [&] {
    const auto zs = hn::IfThenElseZero(small, z);
    const auto e = Horner(dd, zs * zs, kErfSmallD);
    VD s, err;
    TwoSum(dd, hn::Set(dd, 1.0), hn::Neg(zs), &s, &err);
    const auto corr = Fma(dd, zs, e, zl * hn::Set(dd, 1.1283791670955126));
    const auto lo = err - corr;  // erfc = s + lo
    // ph = ±0 (v = ±0): the sum of signed zeros below would lose the sign of gelu(-0.0) = -0.0 (DESIGN.md).
    return hn::IfThenElse(ph == hn::Zero(dd), ph, Fma(dd, s, ph, Fma(dd, s, pl, lo * ph)));
  };
  const auto big_value = [&] { return ErfcPositiveD(dd, z, zl, ph, pl); };
  const auto y = SelectBranch(dd, small, small_value, big_value);
  return hn::IfThenElse(hn::IsNaN(z), z, y);
}

template <class DD>
HWY_INLINE hn::Vec<DD> ErfcD(DD dd, hn::Vec<DD> z) {
  return ErfcWithLowD(dd, z, hn::Zero(dd));
}

template <class DD>
HWY_INLINE hn::Vec<DD> ErfD(DD dd, hn::Vec<DD> x) {
  const auto ax = hn::Abs(x);
  const auto small = ax < hn::Set(dd, 0.5);
  const auto small_value = [&] {
    const auto xs = hn::IfThenElseZero(small, ax);
    return Fma(dd, xs, Horner(dd, xs * xs, kErfSmallD), xs);
  };
  // erf rounds to 1 from 5.93; clamping at 6.5 keeps erfc's work in range.
  const auto big_value = [&] {
    const auto one = hn::Set(dd, 1.0);
    return one - ErfcPositiveD(dd, ClampBelow(dd, ax, 6.5), hn::Zero(dd), one, hn::Zero(dd));
  };
  const auto y = hn::CopySign(SelectBranch(dd, small, small_value, big_value), x);
  return hn::IfThenElse(hn::IsNaN(x), x, y);
}

// NOLINTNEXTLINE(google-readability-namespace-comments)
}  // namespace gate::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // GATE_SIMD_ERF_INL_H_
