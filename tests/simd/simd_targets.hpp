// Runs a block once per Highway target that gate_simd was compiled for and this CPU supports, as Highway's hwy_gtest
// does: pin the target (hwy::SetSupportedTargetsForTest), open a Catch2 section named by the target, unpin afterwards.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "simd/targets.hpp"

namespace gate::simd_test {

// Unpins on scope exit, so a failed REQUIRE inside a section leaves dispatch as it found it.
struct TargetPin {
  explicit TargetPin(int64_t target) { gate::simd::pin_target(target); }
  ~TargetPin() { gate::simd::pin_target(0); }
  TargetPin(const TargetPin&) = delete;
  TargetPin& operator=(const TargetPin&) = delete;
};

}  // namespace gate::simd_test

// FOR_EACH_SIMD_TARGET { ... }: the body runs inside DYNAMIC_SECTION(target name) with that target pinned.
#define FOR_EACH_SIMD_TARGET                                                              \
  for (const int64_t gate_simd_target : gate::simd::supported_targets())                 \
    DYNAMIC_SECTION("target " << gate::simd::target_name(gate_simd_target))               \
      if (const gate::simd_test::TargetPin gate_simd_pin{gate_simd_target}; true)
