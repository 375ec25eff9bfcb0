// Reference arrays and judging (case_run.hpp).
#include "verify/case_run.hpp"

#include <cmath>
#include <stdexcept>
#include <utility>

#include "reference/epilogue_scale.hpp"
#include "verify/nan_tolerance.hpp"
#include "verify/terms.hpp"

namespace gate::verify {

ReferenceOutput compute_reference(const Problem& p, const HostTensor& x, const HostTensor& weight,
                                  const HostTensor* bias, bool conv_exact, double ulp_budget) {
  // One pass (reference/epilogue_scale.hpp): each output row gets its epilogue and scale while it is in cache, bit for
  // bit what reference_transposed_conv followed by a loop of epilogue() and |multiply|·(S + |add|) gives.
  EpilogueScaleReference r = reference_epilogue_and_scale(p, x, weight, bias);
  ReferenceOutput out;
  out.y = std::move(r.y);  // 2.2 GB each at the seed workload: moved, not copied
  out.scale = std::move(r.scale);
  const double mul_abs = std::fabs(static_cast<double>(p.multiply_value));
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
