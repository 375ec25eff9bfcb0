// Phase decomposition of one axis (phases.hpp). With t = o + padding = stride·q + r, tap k contributes to output o
// exactly when k·dilation ≡ r (mod stride), from input i = q - (k·dilation - r)/stride.
#include "reference/phases.hpp"

#include <algorithm>

namespace gate {

std::vector<AxisPhase> axis_phases(int64_t in_size, int64_t out_size, int64_t kernel, int64_t stride, int64_t padding,
                                   int64_t dilation) {
  (void)in_size;  // bounds on i are checked where the input is read; kept in the signature for symmetry of call sites
  std::vector<AxisPhase> phases(static_cast<size_t>(stride));
  for (int64_t r = 0; r < stride; ++r) {
    AxisPhase& ph = phases[static_cast<size_t>(r)];
    // Smallest o >= 0 with (o + padding) mod stride == r.
    int64_t o = ((r - padding) % stride + stride) % stride;
    ph.first_out = o;
    ph.count = o < out_size ? (out_size - 1 - o) / stride + 1 : 0;
    ph.first_q = (o + padding) / stride;
    for (int64_t k = 0; k < kernel; ++k) {
      if ((k * dilation) % stride == r) {
        ph.taps.push_back(k);
        ph.offsets.push_back((k * dilation - r) / stride);
      }
    }
  }
  return phases;
}

std::vector<PhaseGroup> group_phases(const std::vector<AxisPhase>& phases) {
  std::vector<PhaseGroup> groups;
  for (const AxisPhase& ph : phases) {
    if (ph.count == 0) continue;
    auto same = [&](const PhaseGroup& g) {
      const AxisPhase& m = *g.members[0];
      return m.first_q == ph.first_q && m.offsets == ph.offsets && m.count == ph.count;
    };
    auto it = std::find_if(groups.begin(), groups.end(), same);
    if (it == groups.end()) {
      groups.push_back({{&ph}});
    } else {
      it->members.push_back(&ph);
    }
  }
  return groups;
}

}  // namespace gate
