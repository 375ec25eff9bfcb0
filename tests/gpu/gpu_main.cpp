// The Catch2 main of the GPU tests: without a usable CUDA device it prints why and exits with kSkipReturnCode, which
// tests/gpu/CMakeLists.txt registers as ctest's SKIP_RETURN_CODE, so the tests show as skipped, never as passed.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "gpu/fused.hpp"

namespace {
constexpr int kSkipReturnCode = 4;
}

int main(int argc, char** argv) {
  std::string why;
  if (!gate::gpu::device_available(&why)) {
    std::printf("gpu tests skipped: %s\n", why.c_str());
    return kSkipReturnCode;
  }
  std::printf("gpu tests on %s\n", gate::gpu::device_description().c_str());
  return Catch::Session().run(argc, argv);
}
