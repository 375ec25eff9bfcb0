// Inputs, reference and comparison for the GPU tests and validator (gpu_case.hpp).
#include "tests/gpu/gpu_case.hpp"

#include <cmath>
#include <cstdio>

#include "core/dtype.hpp"
#include "gpu/fused.hpp"
#include "reference/epilogue.hpp"
#include "reference/transposed_conv.hpp"

namespace gate::gpu_test {
namespace {

// splitmix64 of (seed, index): each element's value depends on its index alone.
double uniform01(uint64_t seed, uint64_t index) {
  uint64_t z = seed * 0x9E3779B97F4A7C15ull + index + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return double(z >> 11) * 0x1p-53;
}

void fill(HostTensor& t, uint64_t seed, double lo, double hi) {
  for (size_t i = 0; i < t.values.size(); ++i) {
    t.values[i] = round_to_dtype(float(lo + (hi - lo) * uniform01(seed, i)), t.dtype);
  }
}

}  // namespace

Inputs make_inputs(const Problem& p, uint64_t seed, float x_lo, float x_hi) {
  Inputs in;
  in.x = make_tensor(x_shape(p), p.dtype, "x");
  in.weight = make_tensor(weight_shape(p), p.dtype, "weight");
  const double b = 1.0 / std::sqrt(double(p.Cout / p.groups) * double(p.kH) * double(p.kW));
  fill(in.x, seed * 3 + 0, x_lo, x_hi);
  fill(in.weight, seed * 3 + 1, -b, b);
  if (p.has_bias) {
    in.bias = make_tensor(bias_shape(p), p.dtype, "bias");
    fill(in.bias, seed * 3 + 2, -b, b);
  }
  return in;
}

Expected make_expected(const Problem& p, const Inputs& in) {
  const ConvReference ref = reference_transposed_conv(p, in.x, in.weight, in.bias_ptr());
  Expected e;
  e.y.resize(ref.conv.size());
  e.scale.resize(ref.conv.size());
  const double mul = std::fabs(double(p.multiply_value));
  const double add = std::fabs(double(p.add_value));
  for (size_t i = 0; i < ref.conv.size(); ++i) {
    e.y[i] = epilogue(ref.conv[i], p.add_value, p.multiply_value);
    e.scale[i] = mul * (ref.magnitude[i] + add);
  }
  return e;
}

verify::ErrorContract contract_for(const Problem& p) {
  verify::ErrorContract c;
  c.precision = p.precision;
  c.dtype = p.dtype;
  c.terms = terms_per_output(p);
  c.multiply_abs = std::fabs(double(p.multiply_value));
  return c;
}

verify::CompareResult run_and_compare(const Problem& p, const Inputs& in, const Expected& expected,
                                      const std::string& variant) {
  const HostTensor y = gpu::run_fused(p, in.x, in.weight, in.bias_ptr(), variant);
  verify::CompareInput ci{y.values, expected.y, expected.scale, y.shape};
  return verify::compare(ci, contract_for(p));
}

std::string summary(const std::string& variant, const verify::CompareResult& r) {
  char line[512];
  std::snprintf(line, sizeof line, "%-22s %s  max %.2f ulp  utilisation %.3g  rel %.3g  %lld/%lld violations  %.0f%% zeros%s",
                variant.c_str(), r.passed() ? "passed" : "FAILED", r.max_ulp, r.max_utilisation, r.max_rel_err,
                (long long)r.violations, (long long)r.elements, 100.0 * r.zero_fraction,
                r.signed_zero_mismatches ? "  (signed-zero mismatches)" : "");
  std::string s = line;
  if (!r.passed() && r.has_worst) {
    std::snprintf(line, sizeof line, "\n    worst: flat %lld candidate %.9g reference %.17g (%s)", (long long)r.worst.flat_index,
                  r.worst.candidate, r.worst.reference, r.worst.verdict.c_str());
    s += line;
  }
  return s;
}

}  // namespace gate::gpu_test
