// Host-side tests of fused_v4_wgmma's geometry (gpu/fused_v4_geometry.cpp): the sizes the kernel's correctness rests on
// (every item's window inside its TMA box, the tap shifts inside the stage, conflict-free fragment loads, shared memory
// within the H100's 227 KB) and the problems v4 declines. No GPU needed: runs in CI wherever CUDA was found.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "core/problem.hpp"
#include "gpu/fused_v4_geometry.hpp"
#include "gpu/kernel_shape.hpp"

namespace {

using gate::gpu::V4Config;
using gate::gpu::V4Geometry;

constexpr V4Config kConfigs[] = {gate::gpu::kV4ConfigTf32, gate::gpu::kV4Config16Bit, gate::gpu::kV4Config3xTf32};

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
  for (const V4Config& c : kConfigs) {
    const int elem = c.elem_bytes;
    INFO("element bytes " << elem << ", n_cols " << c.n_cols);
    const char* why = nullptr;
    REQUIRE(gate::gpu::v4_supports(s, c, kH100SmemOptin, &why));
    const V4Geometry g = gate::gpu::make_v4_geometry(s, c, 132);
    CHECK(g.wp > s.W);
    CHECK(g.wp * elem % 16 == 0);  // TMA box rows of whole 16-byte groups
    CHECK(g.a_ld == g.rows * g.wp);
    const int words = g.a_ld * elem / 4;  // lane (g, c) reads word c·a_ld + g: distinct banks for c < 4, g < 8
    CHECK((words % 32 == 8 || words % 32 == 24));
    CHECK(g.smem_bytes <= kH100SmemOptin);
    CHECK(g.n_tiles * c.n_cols == s.Cout * 4);                                   // every (phase, channel) column once
    CHECK(g.b_bytes == c.b_copies * c.n_cols * s.Cin * 4 * elem);  // one n-tile: its columns × Cin × 4 taps
    CHECK(g.items == s.N * g.m_tiles);
    CHECK(g.ctas_per_tile * g.n_tiles <= 132);
    check_windows(g);
  }
  // The TF32 seed configuration as measured (bench/NOTES.md §7): pitch 72, 3 rows, one block per SM.
  const V4Geometry t = gate::gpu::make_v4_geometry(s, gate::gpu::kV4ConfigTf32, 132);
  CHECK(t.wp == 72);
  CHECK(t.rows == 3);
  CHECK(2 * t.smem_bytes > kH100SmemOptin);
  // 3xTF32: both weight parts of a 64-column n-tile take what one part of a 128-column tile takes (128 KB).
  const V4Geometry x3 = gate::gpu::make_v4_geometry(s, gate::gpu::kV4Config3xTf32, 132);
  CHECK(x3.b_bytes == t.b_bytes);
  CHECK(x3.n_tiles == 2 * t.n_tiles);
}

TEST_CASE("v4 geometry across widths keeps every window inside its box", "[v4]") {
  for (int W = 8; W <= 120; W += 8)
    for (const V4Config& c : kConfigs) {
      INFO("W " << W << ", element bytes " << c.elem_bytes << ", n_cols " << c.n_cols);
      const auto s = shape(2, 32, 64, 9, W);
      REQUIRE(gate::gpu::v4_supports(s, c, kH100SmemOptin, nullptr));
      check_windows(gate::gpu::make_v4_geometry(s, c, 264));
    }
}

TEST_CASE("v4 declines what its TMA boxes or pipeline units cannot express", "[v4]") {
  using gate::gpu::kV4Config16Bit;
  using gate::gpu::kV4Config3xTf32;
  using gate::gpu::kV4ConfigTf32;
  const char* why = nullptr;
  CHECK_FALSE(gate::gpu::v4_supports(shape(2, 24, 64, 9, 16), kV4Config3xTf32, kH100SmemOptin, &why));  // units of 16
  CHECK((why != nullptr && std::string(why).find("Cin") != std::string::npos));
  CHECK(gate::gpu::v4_supports(shape(2, 32, 64, 9, 16), kV4Config3xTf32, kH100SmemOptin, &why));
  CHECK(gate::gpu::v4_supports(shape(2, 24, 64, 9, 16), kV4ConfigTf32, kH100SmemOptin, &why));  // units of 8
  CHECK(gate::gpu::v4_supports(shape(2, 24, 64, 9, 16), kV4Config16Bit, kH100SmemOptin, &why));
  CHECK_FALSE(gate::gpu::v4_supports(shape(2, 32, 64, 9, 12), kV4Config16Bit, kH100SmemOptin, &why));  // 24-byte rows
  CHECK(std::string(why).find("16 bytes") != std::string::npos);
  for (const V4Config& c : {kV4ConfigTf32, kV4Config3xTf32}) {
    CHECK_FALSE(gate::gpu::v4_supports(shape(2, 64, 64, 9, 16), c, 136 * 1024, &why));  // 128 KB weights + stages
    CHECK(std::string(why).find("shared memory") != std::string::npos);
  }
}

TEST_CASE("v4's column order: each (phase, channel) once, register pairs are rw pairs, the lanes' reads match", "[v4]") {
  using gate::gpu::v4_bias_slot;
  using gate::gpu::v4_column;
  for (int n_cols : {128, 64}) {
    INFO("n_cols " << n_cols);
    const int splits = 128 / n_cols;
    std::vector<int> seen(4 * 32, 0);  // (phase, channel) of the 32-channel n-tile group, over its row-parity tiles
    for (int rh_tile = 0; rh_tile < splits; ++rh_tile)
      for (int n = 0; n < n_cols; ++n) {
        const auto c = v4_column(n);
        REQUIRE(c.co_local >= 0);
        REQUIRE(c.co_local < 32);
        const int phase = 2 * (rh_tile + c.rh_local) + c.rw;
        REQUIRE(phase >= 0);
        REQUIRE(phase < 4);
        ++seen[phase * 32 + c.co_local];
      }
    CHECK(std::all_of(seen.begin(), seen.end(), [](int k) { return k == 1; }));
    // The accumulator pair (8t + 2c, 8t + 2c + 1) is one output row's (rw = 0, rw = 1), and lane quad c's channel is
    // quad 0's plus c: what the stores assume (fused_v4_flavors.cuh).
    for (int t = 0; t < n_cols / 8; ++t)
      for (int c = 0; c < 4; ++c) {
        const auto lo = v4_column(8 * t + 2 * c), hi = v4_column(8 * t + 2 * c + 1), q0 = v4_column(8 * t);
        CHECK(lo.rw == 0);
        CHECK(hi.rw == 1);
        CHECK(hi.co_local == lo.co_local);
        CHECK(hi.rh_local == lo.rh_local);
        CHECK(lo.co_local == q0.co_local + c);
        CHECK(lo.rh_local == q0.rh_local);
        // The epilogue's bias_v[t mod 8] of lane quad c is slot 8·c + t mod 8 (two 16-byte loads at 2c and 2c + 1).
        CHECK(v4_bias_slot(lo.co_local) == 8 * c + (t & 7));
      }
  }
  std::vector<int> slots(32, 0);
  for (int co = 0; co < 32; ++co) ++slots[v4_bias_slot(co)];
  CHECK(std::all_of(slots.begin(), slots.end(), [](int k) { return k == 1; }));
}
