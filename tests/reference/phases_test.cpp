// Tests of reference/phases.cpp: the phases of an axis partition the output, and each phase's taps and offsets give
// exactly the (tap, input) pairs of PyTorch's definition o = i·stride − padding + k·dilation.
#include "reference/phases.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <utility>

namespace gate {

TEST_CASE("phases: every output index lies in one phase and receives exactly the taps of the definition", "[reference]") {
  int64_t axes = 0;
  for (int64_t in = 1; in <= 6; ++in)
    for (int64_t k = 1; k <= 5; ++k)
      for (int64_t s = 1; s <= 4; ++s)
        for (int64_t d = 1; d <= 3; ++d)
          for (int64_t pad = 0; pad <= d * (k - 1); ++pad)
            for (int64_t opad = 0; opad < std::max(s, d); ++opad) {
              const int64_t out = (in - 1) * s - 2 * pad + d * (k - 1) + opad + 1;
              if (out <= 0) continue;
              ++axes;
              const std::vector<AxisPhase> phases = axis_phases(in, out, k, s, pad, d);
              REQUIRE(static_cast<int64_t>(phases.size()) == s);
              std::vector<int> seen(static_cast<size_t>(out), 0);
              for (const AxisPhase& ph : phases) {
                for (int64_t j = 0; j < ph.count; ++j) {
                  const int64_t o = ph.first_out + j * s;
                  REQUIRE(o < out);
                  ++seen[static_cast<size_t>(o)];
                  std::set<std::pair<int64_t, int64_t>> from_phase, from_definition;
                  for (size_t t = 0; t < ph.taps.size(); ++t) {
                    const int64_t i = ph.first_q + j - ph.offsets[t];
                    if (i >= 0 && i < in) from_phase.insert({ph.taps[t], i});
                  }
                  for (int64_t kk = 0; kk < k; ++kk)
                    for (int64_t i = 0; i < in; ++i)
                      if (i * s - pad + kk * d == o) from_definition.insert({kk, i});
                  INFO("in " << in << " k " << k << " stride " << s << " dilation " << d << " padding " << pad
                             << " output " << o);
                  REQUIRE(from_phase == from_definition);
                }
              }
              for (int v : seen) REQUIRE(v == 1);
            }
  REQUIRE(axes > 1000);
}

TEST_CASE("phases: grouped phases read the same input positions, and every non-empty phase is in one group", "[reference]") {
  int64_t shared = 0;  // groups with more than one member: where the reference saves im2col work
  for (int64_t in = 1; in <= 9; ++in)
    for (int64_t k = 1; k <= 5; ++k)
      for (int64_t s = 1; s <= 4; ++s)
        for (int64_t d = 1; d <= 2; ++d)
          for (int64_t pad = 0; pad <= d * (k - 1); ++pad) {
            const int64_t out = (in - 1) * s - 2 * pad + d * (k - 1) + 1;
            if (out <= 0) continue;
            const std::vector<AxisPhase> phases = axis_phases(in, out, k, s, pad, d);
            const std::vector<PhaseGroup> groups = group_phases(phases);
            size_t members = 0;
            for (const PhaseGroup& g : groups) {
              members += g.members.size();
              shared += g.members.size() > 1;
              for (const AxisPhase* m : g.members) {
                REQUIRE(m->count > 0);
                REQUIRE(m->count == g.count());
                REQUIRE(m->first_q == g.members[0]->first_q);
                REQUIRE(m->offsets == g.members[0]->offsets);
              }
            }
            size_t non_empty = 0;
            for (const AxisPhase& ph : phases) non_empty += ph.count > 0;
            REQUIRE(members == non_empty);
          }
  REQUIRE(shared > 100);
  // The seed workload's axis (64 → 130, k = 4, stride 2): both phases in one group, so one im2col block serves all
  // four phase pairs.
  const std::vector<AxisPhase> seed = axis_phases(64, 130, 4, 2, 0, 1);
  const std::vector<PhaseGroup> seed_groups = group_phases(seed);
  REQUIRE(seed_groups.size() == 1);
  REQUIRE(seed_groups[0].members.size() == 2);
}

}  // namespace gate
