// Host-side tests of fused_v3_tap_tile's geometry (gpu/fused_v3_geometry.cpp) where it is the fast path: on sm_89 (RTX
// 4090, 99 KB of shared memory per block), which cannot be timed here, the configuration must at least fit. No GPU
// needed: runs in CI wherever CUDA was found.
#include <catch2/catch.hpp>

#include "core/problem.hpp"
#include "gpu/fused_v3_geometry.hpp"
#include "gpu/kernel_shape.hpp"

namespace {

constexpr int kSm89SmemPerBlock = 101376;  // cudaDevAttrMaxSharedMemoryPerBlockOptin on compute capability 8.9 (99 KB)

gate::gpu::KernelShape seed_shape() {
  gate::Problem p;
  p.N = 128, p.Cin = 64, p.Cout = 128, p.H = 64, p.W = 64, p.kH = 4, p.kW = 4;
  p.stride = {2, 2};
  return gate::gpu::make_kernel_shape(p);
}

}  // namespace

TEST_CASE("v3 on the seed workload fits one block per sm_89 multiprocessor, as its comment says", "[v3]") {
  const auto s = seed_shape();
  REQUIRE(gate::gpu::v3_supports(s, nullptr));
  const auto tf32 = gate::gpu::make_v3_geometry(s, 4);
  const auto half = gate::gpu::make_v3_geometry(s, 2);
  CHECK(tf32.a_ld == 200);
  CHECK(tf32.smem_bytes == 91136);  // 89 KB
  CHECK(half.smem_bytes == 66048);  // 64.5 KB: the staging tile
  for (int bytes : {tf32.smem_bytes, half.smem_bytes}) {
    CHECK(bytes <= kSm89SmemPerBlock);
    CHECK(2 * bytes > kSm89SmemPerBlock);  // one block per SM there
  }
  // Conflict-free fragment loads: a_ld in 32-bit words ≡ 8 (mod 32).
  CHECK(tf32.a_ld * 4 / 4 % 32 == 8);
  CHECK(half.a_ld * 2 / 4 % 32 == 8);
}
