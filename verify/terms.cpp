// Products per output element (terms.hpp).
#include "verify/terms.hpp"

#include <algorithm>
#include <vector>

namespace gate::verify {

int64_t max_taps_per_output(int64_t kernel, int64_t stride, int64_t dilation) {
  std::vector<int64_t> per_residue(static_cast<size_t>(stride), 0);
  for (int64_t k = 0; k < kernel; ++k) ++per_residue[static_cast<size_t>((k * dilation) % stride)];
  return *std::max_element(per_residue.begin(), per_residue.end());
}

int64_t max_terms_per_output(const Problem& p) {
  return (p.Cin / p.groups) * max_taps_per_output(p.kH, p.stride.h, p.dilation.h) *
         max_taps_per_output(p.kW, p.stride.w, p.dilation.w);
}

}  // namespace gate::verify
