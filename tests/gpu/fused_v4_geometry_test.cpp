// Host-side tests of fused_v4_wgmma's geometry (gpu/fused_v4_geometry.cpp): the sizes the kernel's correctness rests on
// (every item's window inside its TMA box, the tap shifts inside the stage, conflict-free fragment loads, shared memory
// within the H100's 227 KB) and the problems v4 declines. No GPU needed: runs in CI wherever CUDA was found.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <utility>
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

// The kernel's fragment addressing, modelled for every item of an image, lane and tap: the element a lane reads for
// pixel m's tap (th, tw) lies inside its channel's box and is x[qh − th][qw − tw] of that pixel's q-pixel (the box's
// origin plus its row and column in the box); 16-bit tap pairs start on a 32-bit word; boxes start on 16-byte columns.
// And every q-pixel of the image (qh < QH, qw <= W) is stored by exactly one (item, pixel).
void check_items(const V4Geometry& g, bool pair_rows) {
  using gate::gpu::kV4ItemM;
  std::vector<int> stores(size_t(g.w.QH) * (g.w.W + 1), 0);
  for (int t = 0; t < g.m_tiles; ++t) {
    const gate::gpu::V4Item it = gate::gpu::v4_item(g, t);  // image 0
    INFO("item " << t << (it.col ? " (col)" : " (row)") << " qh0 " << it.qh0 << " qw0 " << it.qw0);
    REQUIRE(it.img == 0);
    const gate::gpu::V4Box box = gate::gpu::v4_box(g, it);
    const gate::gpu::V4BoxOrigin origin = gate::gpu::v4_box_origin(g, it);
    // Boxes start on 16-byte columns (one starting an element left of a row's start: illegal instruction on the H100).
    CHECK(origin.col * (pair_rows ? 2 : 4) % 16 == 0);
    for (int m = 0; m < kV4ItemM; ++m) {
      const gate::gpu::V4Pixel px = gate::gpu::v4_pixel(g, it, m);
      if (px.stored) {
        REQUIRE(px.qh >= 0);
        REQUIRE(px.qh < g.w.QH);
        REQUIRE(px.qw >= 0);
        REQUIRE(px.qw <= g.w.W);
        ++stores[size_t(px.qh) * (g.w.W + 1) + px.qw];
      }
    }
    for (int warp = 0; warp < 4; ++warp)
      for (int gl = 0; gl < 8; ++gl) {
        // As the kernel: pixels m_a, m_b of fragment rows g, g + 8; a_item at (channel 0, m_a, tap (0, 0)); d8.
        const int m_a = warp * 16 + (pair_rows ? 2 * gl : gl), m_b = m_a + (pair_rows ? 1 : 8);
        const int a = gate::gpu::v4_a_base(g, it, m_a) + box.pitch;
        const int d8 = gate::gpu::v4_a_base(g, it, m_b) - gate::gpu::v4_a_base(g, it, m_a);
        if (pair_rows) CHECK(a % 2 == 0);  // (x[p], x[p + 1]) is one word
        for (int th = 0; th < 2; ++th)
          for (int tw = 0; tw < 2; ++tw)
            for (int r = 0; r < 2; ++r) {
              const int m = r == 0 ? m_a : m_b;
              const int pos = a + (r == 0 ? 0 : (pair_rows ? 1 : d8)) - th * box.pitch - tw;
              REQUIRE(pos >= 0);
              REQUIRE(pos < box.a_ld);
              const gate::gpu::V4Pixel px = gate::gpu::v4_pixel(g, it, m);
              if (!px.stored) continue;  // junk rows read inside the box; their values are never stored
              CHECK(origin.row + pos / box.pitch == px.qh - th);
              CHECK(origin.col + pos % box.pitch == px.qw - tw);
            }
      }
  }
  CHECK(std::all_of(stores.begin(), stores.end(), [](int k) { return k == 1; }));
}

// A float32 row item's output boxes (v4_out_box), for every full row item of the image with y 16-byte aligned (the
// launcher requires it for TMA stores): the row's shift is 0 or 8 and the same for the box's 32 channels; the box
// starts on a 16-byte boundary, fits the item's 128 outputs, is a whole number of 16-byte pieces, and starts on an
// even output (an output pair is never split). The boxes fill the staging buffer.
void check_out_boxes(const V4Geometry& g, const V4Config& c) {
  if (!c.staged_stores) return;
  REQUIRE(c.elem_bytes == 4);  // float32 outputs only
  CHECK(c.n_cols / 2 * 2 * gate::gpu::kV4ItemM * 4 == g.staging_bytes);
  const int64_t plane = int64_t(g.w.Hout) * g.w.Wout;
  for (int t = 0; t < g.m_tiles; ++t) {
    const gate::gpu::V4Item it = gate::gpu::v4_item(g, t);
    if (it.col || it.qw0 + gate::gpu::kV4ItemM > g.w.W) continue;  // stored from the registers
    for (int h = 0; h < c.n_cols / 64; ++h) {
      auto shift = [&](int ch) { return int((ch * plane + (2 * it.qh0 + h) * int64_t(g.w.Wout) + 2 * it.qw0) * 4 % 16); };
      const int s = shift(0);
      CHECK((s == 0 || s == 8));
      for (int ch = 1; ch < 32; ++ch) CHECK(shift(ch) == s);
      const gate::gpu::V4OutBox box = gate::gpu::v4_out_box(s);
      CHECK((s + box.head * 4) % 16 == 0);
      CHECK(box.head % 2 == 0);
      CHECK(box.width * 4 % 16 == 0);
      CHECK(box.head + box.width <= 2 * gate::gpu::kV4ItemM);
    }
  }
}

// Lane (g, c) of a row item reads element c·a_ld + g (float32) or the pair word of pixel 2g (16-bit) plus a
// constant: the 32 lanes of a warp in 32 distinct banks.
void check_row_banks(const V4Geometry& g, int elem) {
  std::vector<int> banks;
  for (int cl = 0; cl < 4; ++cl)
    for (int gl = 0; gl < 8; ++gl) {
      const int m_a = elem == 4 ? gl : 2 * gl;
      const int element = cl * g.row_box.a_ld + m_a;
      banks.push_back(element * elem / 4 % 32);
    }
  std::sort(banks.begin(), banks.end());
  CHECK(std::adjacent_find(banks.begin(), banks.end()) == banks.end());
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
    for (const auto& box : {g.row_box, g.col_box}) {
      CHECK(box.pitch * elem % 16 == 0);  // TMA box rows of whole 16-byte groups
      CHECK(box.a_ld == box.rows * box.pitch);
      CHECK(box.box_bytes == c.unit_ci * box.a_ld * elem);
      CHECK(box.box_bytes <= g.stage_bytes);
    }
    check_row_banks(g, elem);
    CHECK(g.smem_bytes <= kH100SmemOptin);
    CHECK(g.n_tiles * c.n_cols == s.Cout * 4);                                   // every (phase, channel) column once
    CHECK(g.b_bytes == c.b_copies * c.n_cols * s.Cin * 4 * elem);  // one n-tile: its columns × Cin × 4 taps
    CHECK(g.items == s.N * g.m_tiles);
    CHECK(g.ctas_per_tile * g.n_tiles <= 132);
    check_items(g, elem == 2);
    check_out_boxes(g, c);
  }
  // The seed workload's items (bench/NOTES.md §11): 65 row items (one per q-row, pitch 68, 2 rows) and 5 col items per
  // image, one block per SM for float32.
  const V4Geometry t = gate::gpu::make_v4_geometry(s, gate::gpu::kV4ConfigTf32, 132);
  CHECK(t.row_items == 65);
  CHECK(t.m_tiles == 70);
  // Groups of 16 q-rows: their row items, then their col item (v4_item); the last group is q-row 64 and its col item.
  CHECK(!gate::gpu::v4_item(t, 15).col);
  CHECK(gate::gpu::v4_item(t, 15).qh0 == 15);
  CHECK(gate::gpu::v4_item(t, 16).col);
  CHECK(gate::gpu::v4_item(t, 16).qh0 == 0);
  CHECK(gate::gpu::v4_item(t, 17).qh0 == 16);
  CHECK(gate::gpu::v4_item(t, 68).qh0 == 64);
  CHECK(gate::gpu::v4_item(t, 69).col);
  CHECK(gate::gpu::v4_item(t, 69).qh0 == 64);
  CHECK(gate::gpu::v4_item(t, 70).img == 1);
  CHECK(t.row_box.pitch == 68);
  CHECK(t.row_box.rows == 2);
  CHECK(t.col_box.a_ld == t.row_box.a_ld);  // a col item's window no larger than a row item's
  CHECK(2 * t.smem_bytes > kH100SmemOptin);
  const V4Geometry h = gate::gpu::make_v4_geometry(s, gate::gpu::kV4Config16Bit, 264);
  CHECK(h.row_box.pitch == 72);
  CHECK(h.smem_bytes <= kH100SmemOptin);
  // 3xTF32: both weight parts of a 64-column n-tile take what one part of a 128-column tile takes (128 KB).
  const V4Geometry x3 = gate::gpu::make_v4_geometry(s, gate::gpu::kV4Config3xTf32, 132);
  CHECK(x3.b_bytes == t.b_bytes);
  CHECK(x3.n_tiles == 2 * t.n_tiles);
}

TEST_CASE("v4 geometry across widths and heights: every read inside its box and the right x, every q-pixel stored once",
          "[v4]") {
  for (int W : {8, 16, 24, 56, 64, 72, 120})  // v3_supports (whose geometry v4 uses) declines W = 128
    for (int H : {1, 9, 31, 32, 63, 64})
      for (const V4Config& c : kConfigs) {
        INFO("W " << W << ", H " << H << ", element bytes " << c.elem_bytes << ", n_cols " << c.n_cols);
        const auto s = shape(2, 32, 64, H, W);
        REQUIRE(gate::gpu::v4_supports(s, c, kH100SmemOptin, nullptr));
        const V4Geometry g = gate::gpu::make_v4_geometry(s, c, 264);
        CHECK(g.segs * gate::gpu::kV4ItemM >= W);
        check_items(g, c.elem_bytes == 2);
        check_out_boxes(g, c);
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
