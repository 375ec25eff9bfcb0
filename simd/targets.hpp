// The Highway targets gate_simd was compiled for that this CPU supports (best first), as the test loops and the
// benchmark need them: Highway's own list depends on HWY_TARGETS in the including file, so it is taken here, where the
// dispatched code is compiled.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gate::simd {

std::vector<int64_t> supported_targets();
std::string target_name(int64_t target);
// Pins dispatch to one target (0: back to the CPU's best), through hwy::SetSupportedTargetsForTest.
void pin_target(int64_t target);

}  // namespace gate::simd
