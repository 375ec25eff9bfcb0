// Reference arrays and judging (case_run.hpp).
#include "verify/case_run.hpp"

#include <cmath>
#include <stdexcept>

#include "reference/epilogue.hpp"
#include "reference/transposed_conv.hpp"
#include "verify/nan_tolerance.hpp"
#include "verify/terms.hpp"

namespace gate::verify {

ReferenceOutput compute_reference(const Problem& p, const HostTensor& x, const HostTensor& weight,
                                  const HostTensor* bias, bool conv_exact, double ulp_budget) {
  ConvReference conv = reference_transposed_conv(p, x, weight, bias);
  ReferenceOutput out;
  // Reuse the reference's two arrays in place: at the seed workload each is 2.2 GB.
  out.y = std::move(conv.conv);
  out.scale = std::move(conv.magnitude);
  const double add_abs = std::fabs(static_cast<double>(p.add_value));
  const double mul_abs = std::fabs(static_cast<double>(p.multiply_value));
  const int64_t n = static_cast<int64_t>(out.y.size());
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) {
    out.y[i] = epilogue(out.y[i], p.add_value, p.multiply_value);
    out.scale[i] = mul_abs * (out.scale[i] + add_abs);
  }
  out.shape = y_shape(p);
  out.contract.precision = p.precision;
  out.contract.dtype = p.dtype;
  out.contract.terms = max_terms_per_output(p);
  out.contract.ulp_budget = ulp_budget;
  out.contract.multiply_abs = mul_abs;
  out.contract.conv_exact = conv_exact;
  out.nan_tolerated = padding_nan_mask(p, weight);
  if (p.precision == Precision::kTf32) {
    const std::vector<uint8_t> flushed = tf32_flush_nan_mask(p, x, weight);
    if (out.nan_tolerated.empty()) {
      out.nan_tolerated = flushed;
    } else {
      for (size_t i = 0; i < flushed.size(); ++i) out.nan_tolerated[i] |= flushed[i];
    }
  }
  return out;
}

CompareResult judge(const ReferenceOutput& ref, const HostTensor& candidate) {
  if (candidate.shape != ref.shape) {
    throw std::invalid_argument("candidate shape " + shape_string(candidate.shape) + " differs from the expected " +
                                shape_string(ref.shape));
  }
  return compare(CompareInput{candidate.values, ref.y, ref.scale, ref.shape, ref.nan_tolerated}, ref.contract);
}

}  // namespace gate::verify
