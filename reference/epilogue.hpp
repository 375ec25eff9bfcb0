// The reference epilogue on a double convolution value: v + add → min(·, 0) → GELU (exact erf form) → × multiply,
// evaluated in double with GELU in the erfc form for negative arguments (no cancellation of 1 + erf(x/√2) for x ≪ 0),
// then one rounding to the output dtype. Special values as DESIGN.md lists them (PyTorch 2.11, CUDA):
// min(NaN, 0) = NaN; min(+inf, 0) = 0; gelu(-inf) = NaN; gelu(NaN) = NaN; gelu(-0.0) = -0.0; min(-0.0, +0.0) = -0.0.
//
// Accuracy, against MPFR at 200 bits (tests/reference/epilogue_test.cpp, `ctest -R reference_epilogue`):
//  - gelu_erf(v) for v in [-40, 0]: |err| ≤ gelu_erf_max_rel_err(v)·|gelu(v)| + kGeluErfMaxAbsErr. On
//    [kGeluErfRelErrFloor, 0] the result is a normal double and the relative term is at most kGeluErfMaxRelErr; below,
//    erfc and the result go subnormal (|gelu(v)| < 1e-298, invisible after any rounding to float32) and the absolute
//    term takes over.
//    Derivation: z = fl(fl(-v)·fl(1/√2)) = (−v/√2)(1+η), |η| ≤ γ_2 (M_SQRT1_2 is 1/√2 rounded, then one product).
//    |d ln erfc(z)/dz| < z + √(z²+2) ≤ 2z + √2 (from erfc(z) > 2e^{−z²}/(√π(z + √(z²+2)))), so the argument error
//    moves erfc by a relative (2z+√2)·z·γ_2, up to 3.1e-13 at v = -37: harmless in double, 6 orders below a float32 ulp.
//    glibc's erfc adds kGlibcErfcMaxUlp ulp (glibc's libm-test-ulps for x86_64), 0.5·v is exact (for normal v) and the
//    final product one rounding. Subnormal v loses bits in 0.5·v: that is the absolute term.
//  - epilogue(conv, add, mul) in double, for t = conv + add in [kGeluErfRelErrFloor, 0]: relative error at most
//    epilogue_max_rel_err(t) (+ |mul|·kGeluErfMaxAbsErr). The rounding of conv + add moves t by u·|t|; GELU's relative
//    condition number on t < 0 is |1 + t·φ(t)/Φ(t)| ≤ t² + 2 (Mills ratio: Φ(t) ≥ φ(t)·|t|/(t² + 1)); × multiply
//    is one more rounding.
//  - epilogue_rounded: within kEpilogueRoundedMaxUlp of the exact multiply·gelu(min(conv + add, 0)) in ULP of the dtype
//    (one rounding, 0.5 ulp, plus the double epilogue's ~1e-12 relative error, which is 2e-5 of a float32 ulp).
#pragma once

#include <cmath>
#include <span>

#include "core/problem.hpp"

namespace gate {

// min(v, 0) with PyTorch's semantics: NaN propagates, -0.0 stays -0.0, +0.0 and positives give +0.0.
double clamp_nonpositive(double v);
// GELU(v) = 0.5 · v · erfc(-v / √2), accurate for every v <= 0 (and correct for v > 0); gelu(-inf) = NaN.
double gelu_erf(double v);
// The whole epilogue in double: multiply · gelu(min(conv + add, 0)). add and multiply are the case's float32 scalars.
double epilogue(double conv, float add_value, float multiply_value);
// The epilogue then one rounding to dtype.
float epilogue_rounded(double conv, float add_value, float multiply_value, DType dtype);
// The same over a whole tensor, OpenMP-parallel: out[i] = epilogue_rounded(conv[i], ...) bit for bit (sizes must agree).
void epilogue_rounded(std::span<const double> conv, float add_value, float multiply_value, DType dtype,
                      std::span<float> out);

inline constexpr double kGlibcErfcMaxUlp = 5.0;          // glibc 2.36 libm-test-ulps, x86_64, erfc in double
inline constexpr double kGeluErfRelErrFloor = -37.0;     // gelu(-37) ≈ -2e-298, erfc(37/√2) still normal
inline constexpr double kGeluErfMaxAbsErr = 0x1p-1060;   // subnormal results: a few units of 2^-1074, times |v|/2 ≤ 20
inline constexpr double kEpilogueRoundedMaxUlp = 0.5001;  // one rounding to the dtype plus the double epilogue's error

// The relative error term of gelu_erf at v in [-40, 0] (see the derivation above), u = 2^-53.
inline double gelu_erf_max_rel_err(double v) {
  const double u = 0x1p-53;
  const double z = std::fabs(v) * 0.70710678118654757;
  const double gamma2 = 2.0 * u / (1.0 - 2.0 * u);
  return (2.0 * z + 1.4142135623730951) * z * gamma2 + (kGlibcErfcMaxUlp + 1.0) * 2.0 * u;
}
// Its largest value on [kGeluErfRelErrFloor, 0] (at the floor), rounded up: 4e-13.
inline constexpr double kGeluErfMaxRelErr = 4e-13;
// The relative error bound of epilogue() at t = conv + add in [kGeluErfRelErrFloor, 0] (see above), u = 2^-53.
inline double epilogue_max_rel_err(double t) {
  const double u = 0x1p-53;
  return gelu_erf_max_rel_err(t) + (t * t + 3.0) * u * (1.0 + 0x1p-40);
}

}  // namespace gate
