// The reference epilogue (epilogue.hpp): + add, min(·, 0), GELU in the erfc form, × multiply, in double, then one
// rounding to the output dtype. Special values follow DESIGN.md (PyTorch): NaN propagates through min, min(-0, +0) = -0,
// gelu(-0) = -0, gelu(-inf) = NaN.
#include "reference/epilogue.hpp"

#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "core/dtype.hpp"

namespace gate {

double clamp_nonpositive(double v) {
  // Not std::min(v, 0.0): that returns 0.0 for NaN (the comparison is false) and +0.0 for -0.0 in some orders.
  if (std::isnan(v)) return v;
  if (v > 0.0) return 0.0;
  return v;  // negative values, -0.0 and +0.0 unchanged
}

double gelu_erf(double v) {
  // 0.5·v·(1 + erf(v/√2)) = 0.5·v·erfc(−v/√2): no cancellation of 1 + erf for v ≪ 0. The argument is −v times
  // M_SQRT1_2 (1/√2 rounded to double): a relative argument error of at most γ_2, bounded in the header.
  // v = -0.0: 0.5·(-0.0)·erfc(0) = -0.0. v = -inf: (-inf)·erfc(+inf) = (-inf)·0 = NaN, as PyTorch. NaN propagates.
  if (v == 0.0) return v;  // ±0 exactly as the formula gives it (erfc(0) = 1), without the libm call: the common case
  const double z = -v * M_SQRT1_2;
  return 0.5 * v * std::erfc(z);
}

double epilogue(double conv, float add_value, float multiply_value) {
  const double t = conv + static_cast<double>(add_value);
  return gelu_erf(clamp_nonpositive(t)) * static_cast<double>(multiply_value);
}

float epilogue_rounded(double conv, float add_value, float multiply_value, DType dtype) {
  return round_double_to_dtype(epilogue(conv, add_value, multiply_value), dtype);
}

void epilogue_rounded(std::span<const double> conv, float add_value, float multiply_value, DType dtype,
                      std::span<float> out) {
  if (out.size() != conv.size()) throw std::invalid_argument("epilogue_rounded: conv and out sizes differ");
  const int64_t n = static_cast<int64_t>(conv.size());
  // conv + add > 0 (almost every element of the seed workload) gives min(·, 0) = +0.0, gelu(+0.0) = +0.0, then
  // +0.0 · multiply: one value for all of them, computed once by the same expressions (0 · inf = NaN included).
  // Every other element (NaN included, which fails the comparison) takes the scalar path.
  const double add = static_cast<double>(add_value);
  const float positive_out = epilogue_rounded(1.0, 0.0f, multiply_value, dtype);
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) {
    out[i] = conv[i] + add > 0.0 ? positive_out : epilogue_rounded(conv[i], add_value, multiply_value, dtype);
  }
}

}  // namespace gate
