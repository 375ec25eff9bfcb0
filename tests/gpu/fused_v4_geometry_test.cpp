// Host-side tests of fused_v4_wgmma's geometry (gpu/fused_v4_geometry.cpp): the sizes the kernel's correctness rests on
// (every item's window inside its TMA box, the tap shifts inside the stage, conflict-free fragment loads, shared memory
// within the H100's 227 KB) and the problems v4 declines. No GPU needed: runs in CI wherever CUDA was found.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "core/problem.hpp"
#include "gpu/fused_v4_geometry.hpp"
#include "gpu/kernel_shape.hpp"

namespace {

using gate::gpu::V4Geometry;

constexpr int kH100SmemOptin = 232448;  // cudaDevAttrMaxSharedMemoryPerBlockOptin on the H100 (227 KB)

gate::gpu::KernelShape shape(int N, int Cin, int Cout, int H, int W) {
  gate::Problem p;
  p.N = N, p.Cin = Cin, p.Cout = Cout, p.H = H, p.W = W, p.kH = 4, p.kW = 4;
  p.stride = {2, 2};
  return gate::gpu::make_kernel_shape(p);
}

// Every 64-pixel item's pixels, and the window rows its four taps read, fit the box: rows qh0 − 1 .. qh0 + rows − 2.
void check_windows(const V4Geometry& g) {
  for (int m0 = 0; m0 < g.m_tiles * gate::gpu::kV4ItemM; m0 += gate::gpu::kV4ItemM) {
    const int qh0 = m0 / g.wp, qh_last = (m0 + gate::gpu::kV4ItemM - 1) / g.wp;
    CHECK(qh_last - (qh0 - 1) < g.rows);
    // The lowest element a tap reads: the first pixel's (th, tw) = (1, 1) neighbour, one (16-bit: two) before the
    // window of channel 0 at worst, which the 128-byte zero pad in front of each stage covers.
    const int first = m0 - (qh0 - 1) * g.wp - g.wp - 1;
    CHECK(first >= -2);
  }
  // Channel c > 0 meets those one or two elements at the end of channel c − 1's last row: gap columns (>= W), zeros.
  CHECK(g.wp - 2 >= g.w.W);
  CHECK(g.m_tiles * gate::gpu::kV4ItemM >= g.w.QH * g.wp);
}

}  // namespace

TEST_CASE("v4 geometry of the seed workload: pitch, box, banks, shared memory", "[v4]") {
  const auto s = shape(128, 64, 128, 64, 64);
  for (int elem : {4, 2}) {
    INFO("element bytes " << elem);
    const char* why = nullptr;
    REQUIRE(gate::gpu::v4_supports(s, elem, kH100SmemOptin, &why));
    const V4Geometry g = gate::gpu::make_v4_geometry(s, elem, 132);
    CHECK(g.wp > s.W);
    CHECK(g.wp * elem % 16 == 0);  // TMA box rows of whole 16-byte groups
    CHECK(g.a_ld == g.rows * g.wp);
    const int words = g.a_ld * elem / 4;  // lane (g, c) reads word c·a_ld + g: distinct banks for c < 4, g < 8
    CHECK((words % 32 == 8 || words % 32 == 24));
    CHECK(g.smem_bytes <= kH100SmemOptin);
    CHECK(g.b_bytes == s.Cin * s.Cout / g.w.n_tiles * 16 * elem);  // one n-tile of weights, every tap
    CHECK(g.items == s.N * g.m_tiles);
    CHECK(g.ctas_per_tile * g.w.n_tiles <= 132);
    check_windows(g);
  }
  // The TF32 seed configuration as measured (bench/NOTES.md §7): pitch 72, 3 rows, one block per SM.
  const V4Geometry t = gate::gpu::make_v4_geometry(s, 4, 132);
  CHECK(t.wp == 72);
  CHECK(t.rows == 3);
  CHECK(2 * t.smem_bytes > kH100SmemOptin);
}

TEST_CASE("v4 geometry across widths keeps every window inside its box", "[v4]") {
  for (int W = 8; W <= 120; W += 8)
    for (int elem : {4, 2}) {
      INFO("W " << W << ", element bytes " << elem);
      const auto s = shape(2, 32, 64, 9, W);
      REQUIRE(gate::gpu::v4_supports(s, elem, kH100SmemOptin, nullptr));
      check_windows(gate::gpu::make_v4_geometry(s, elem, 264));
    }
}

TEST_CASE("v4 declines what its TMA boxes or pipeline units cannot express", "[v4]") {
  const char* why = nullptr;
  CHECK_FALSE(gate::gpu::v4_supports(shape(2, 24, 64, 9, 16), 4, kH100SmemOptin, &why));  // TF32 units of 16 channels
  CHECK(std::string(why).find("Cin") != std::string::npos);
  CHECK(gate::gpu::v4_supports(shape(2, 24, 64, 9, 16), 2, kH100SmemOptin, &why));  // 16-bit units of 8
  CHECK_FALSE(gate::gpu::v4_supports(shape(2, 32, 64, 9, 12), 2, kH100SmemOptin, &why));  // 24-byte rows
  CHECK(std::string(why).find("16 bytes") != std::string::npos);
  CHECK_FALSE(gate::gpu::v4_supports(shape(2, 64, 64, 9, 16), 4, 160 * 1024, &why));  // weights + stages > 160 KB
  CHECK(std::string(why).find("shared memory") != std::string::npos);
}
