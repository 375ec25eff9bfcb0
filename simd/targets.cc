// See simd/targets.hpp. Compiled with the same HWY_* definitions as the dispatched files (simd/CMakeLists.txt).
#include "simd/targets.hpp"

#include "hwy/highway.h"
#include "hwy/targets.h"

namespace gate::simd {

std::vector<int64_t> supported_targets() { return hwy::SupportedAndGeneratedTargets(); }
std::string target_name(int64_t target) { return hwy::TargetName(target); }
void pin_target(int64_t target) { hwy::SetSupportedTargetsForTest(target); }

}  // namespace gate::simd
