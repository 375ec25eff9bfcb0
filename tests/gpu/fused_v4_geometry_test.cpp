// Host-side tests of fused_v4_wgmma's geometry (gpu/fused_v4_geometry.cpp): the sizes the kernel's correctness rests on
// (every item's window inside its TMA box, the tap shifts inside the stage, conflict-free fragment loads, shared memory
// within the H100's 227 KB) and the problems v4 declines. No GPU needed: runs in CI wherever CUDA was found.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/problem.hpp"
#include "gpu/fused_v4_geometry.hpp"
#include "gpu/kernel_shape.hpp"
#include "tests/gpu/stride2_k4_shape.hpp"

namespace {

using gate::gpu::V4Config;
using gate::gpu::V4Geometry;

constexpr V4Config kConfigs[] = {gate::gpu::kV4ConfigTf32, gate::gpu::kV4Config16Bit, gate::gpu::kV4Config3xTf32};

using gate::gpu_test::kH100SmemOptin;
constexpr auto shape = gate::gpu_test::stride2_k4_shape;

// The kernel's fragment addressing, modelled for every item of an image, lane and tap: the element a lane reads for
// pixel m's tap (th, tw) lies inside its channel's box and is x[qh − th][qw − tw] of that pixel's q-pixel (the box's
// origin plus its row and column in the box); 16-bit tap pairs start on a 32-bit word; boxes start on 16-byte columns.
// Row 0 of a whole-rows item: its tw = 0 taps are q-column 0's (whose tw = 1 inputs, x[−1], are zeros) and its tw = 1
// taps read x[qh − th][W − 1], q-column W's (whose tw = 0 inputs, x[W], are zeros).
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
      if (px.with_w) {
        REQUIRE(px.stored);
        REQUIRE(px.qw == 0);  // its tw = 1 inputs x[−1] are zeros, so the tw = 1 steps are free for q-column W
        REQUIRE(g.w.W == gate::gpu::kV4ItemM);
        ++stores[size_t(px.qh) * (g.w.W + 1) + g.w.W];
      }
    }
    for (int warp = 0; warp < 4; ++warp)
      for (int gl = 0; gl < 8; ++gl) {
        // As the kernel: pixels m_a, m_b of fragment rows g, g + 8; a_item at (channel 0, m_a, tap (0, 0)); d8.
        const int m_a = warp * 16 + (pair_rows ? 2 * gl : gl), m_b = m_a + (pair_rows ? 1 : 8);
        const int a = gate::gpu::v4_a_base(g, it, m_a) + box.pitch;
        const int d8 = gate::gpu::v4_a_base(g, it, m_b) - gate::gpu::v4_a_base(g, it, m_a);
        const int tw1 = gate::gpu::v4_tw1_shift(g, m_a);  // row g's tw = 1 shift
        if (pair_rows) CHECK(a % 2 == 0);              // (x[p], x[p + 1]) is one word
        if (pair_rows) CHECK((a + tw1 - 1) % 2 == 0);  // and so is the word ending at row g's tw = 1 column
        for (int th = 0; th < 2; ++th)
          for (int tw = 0; tw < 2; ++tw)
            for (int r = 0; r < 2; ++r) {
              const int m = r == 0 ? m_a : m_b;
              // As v4_load_a_f32 and the 16-bit load_a (its tw = 1 row g from the word ending at column p + tw1, row
              // g + 8 from column p).
              const int shift = tw == 0 ? 0 : (r == 0 ? tw1 : -1);
              const int pos = a + (r == 0 ? 0 : (pair_rows ? 1 : d8)) - th * box.pitch + shift;
              REQUIRE(pos >= 0);
              REQUIRE(pos < box.a_ld);
              const gate::gpu::V4Pixel px = gate::gpu::v4_pixel(g, it, m);
              if (!px.stored) continue;  // junk rows read inside the box; their values are never stored
              CHECK(origin.row + pos / box.pitch == px.qh - th);
              const int qw = px.with_w && tw == 1 ? g.w.W : px.qw;  // whole rows: row 0's tw = 1 taps are q-column W's
              CHECK(origin.col + pos % box.pitch == qw - tw);
            }
      }
  }
  CHECK(std::all_of(stores.begin(), stores.end(), [](int k) { return k == 1; }));
}

// A whole-rows item's staged output (v4_out_slot), for every item of two images with y 16-byte aligned (the launcher
// requires it for TMA stores; 32-byte aligned or not): each channel's shift (v4_out_shift) is the same for all
// channels of its parity, and puts every box row (128 bytes) on 32-byte sector boundaries of its plane; for each
// pair of shifts of even and odd channels the staging slots of (row parity, channel, output) fill the buffer exactly
// once, each where the TMA's 128-byte swizzle reads that element of box (b, parity) ([16 planes][32 outputs] at byte
// 2048·(2b + parity), 16-byte piece k of buffer row r at piece k ^ (r mod 8)), an output pair in one aligned 8-byte
// slot; the four outputs left to the registers are the first four of a shifted channel, else its last four; channel
// ch + 8k's slot is channel ch's (k mod 2)·128 + (k / 2)·1024 bytes on, with bit 4 flipped where k is odd (ch < 8:
// stage_item's constant offsets), and every slot is v4_out_slot_any's of channel v4_channel(0, cl) moved so (and
// 2048 bytes on for odd channels), as stage_item computes it.
// And the staging writes of FlavorV4Float32::stage_item meet no bank conflict: in each half-warp (lanes g = 4h .. 4h + 3
// of every lane quad cl, pixel m = 16·warp + g, channel v4_channel(c8, cl)), the 16 lanes' two words are 32 banks.
// The staged/free mbarriers (two per warpgroup and staging buffer, 8 bytes each) sit between the bias and the buffers.
void check_store_barriers(const V4Geometry& g, const V4Config& c) {
  CHECK(g.store_bar_offset >= g.bias_offset + gate::gpu::kV3CoutPerBlock * 4);
  CHECK(g.store_bar_offset % 8 == 0);
  CHECK(g.staging_offset >= g.store_bar_offset + 2 * c.warpgroups * c.staging_buffers * 8);
}

// Shared memory ends where the staging buffers end; q-column W's side buffers (whole rows: v4_w_to_side) lie between
// the store barriers and the staging buffers, 16-byte aligned, v4_w_side_bytes per warpgroup and staging buffer:
// 16-bit's hold each of warp 0's four row-0 lanes' 16 pairs apart, 8-byte aligned, the four lanes' stores of one group
// in four different banks (v4_w_side_slot); TF32's row 1's pair of each channel (v4_w_row1_slot), the four lanes'
// stores again in four banks, and row 0's go where their outputs are staged, at v4_w_raw_offset from one base per
// lane quad and shift.
void check_side_buffers(const V4Geometry& g, const V4Config& c) {
  using gate::gpu::v4_channel;
  using gate::gpu::v4_out_slot_any;
  const int staging_end = g.staging_offset + c.warpgroups * c.staging_buffers * g.staging_bytes;
  CHECK(g.smem_bytes == staging_end);
  CHECK(g.w_side_offset % 16 == 0);
  CHECK(g.w_side_offset >= g.store_bar_offset + 2 * c.warpgroups * c.staging_buffers * 8);
  if (!(g.whole_rows && g.staged)) return;
  const int side = gate::gpu::v4_w_side_bytes(c);
  CHECK(g.w_side_offset + c.warpgroups * c.staging_buffers * side <= g.staging_offset);
  std::vector<int> used(size_t(side), 0);
  auto bank_free = [](const std::vector<int>& words) {
    std::vector<int> banks(32, 0);
    for (const int w : words) ++banks[size_t(w % 32)], ++banks[size_t((w + 1) % 32)];
    return std::all_of(banks.begin(), banks.end(), [](int k) { return k <= 1; });
  };
  if (gate::gpu::v4_tma_stores(c)) {
    for (int ch = 0; ch < 32; ++ch)
      for (int b = 0; b < 8; ++b) ++used[size_t(gate::gpu::v4_w_row1_slot(ch) + b)];
    for (int t = 0; t < 8; ++t) {
      std::vector<int> words;
      for (int q = 0; q < 4; ++q) words.push_back(gate::gpu::v4_w_row1_slot(v4_channel(t, q)) / 4);
      CHECK(bank_free(words));
      for (const int shift : {0, 4})
        for (int q = 0; q < 4; ++q)
          CHECK(4 * v4_out_slot_any(2 * gate::gpu::kV4ItemM, v4_channel(t, q), shift) ==
                4 * v4_out_slot_any(2 * gate::gpu::kV4ItemM, v4_channel(0, q), shift) +
                    gate::gpu::v4_w_raw_offset(t, shift));
    }
  } else {
    for (int q = 0; q < 4; ++q)
      for (int t = 0; t < 16; ++t) {
        const int at = gate::gpu::v4_w_side_slot(q, t);
        CHECK(at % 8 == 0);
        REQUIRE(at + 8 <= side);
        for (int b = 0; b < 8; ++b) ++used[size_t(at + b)];
      }
    for (int t = 0; t < 16; ++t) {
      std::vector<int> words;
      for (int q = 0; q < 4; ++q) words.push_back(gate::gpu::v4_w_side_slot(q, t) / 4);
      CHECK(bank_free(words));
    }
  }
  CHECK(std::count(used.begin(), used.end(), 1) == 4 * 16 * 8 / (gate::gpu::v4_tma_stores(c) ? 2 : 1));
  CHECK(std::count(used.begin(), used.end(), 0) + std::count(used.begin(), used.end(), 1) == side);  // no overlap
}

void check_row_staging(const V4Geometry& g, const V4Config& c);
void check_out_boxes(const V4Geometry& g, const V4Config& c) {
  if (!gate::gpu::v4_tma_stores(c)) return check_row_staging(g, c);
  using gate::gpu::kV4OutBoxes;
  using gate::gpu::kV4OutBoxWidth;
  using gate::gpu::v4_out_slot;
  CHECK(g.staged == (c.staged_stores && g.whole_rows));
  CHECK(g.whole_rows == (c.split_tw && g.w.W == gate::gpu::kV4ItemM));
  if (!g.staged) return;
  REQUIRE(c.elem_bytes == 4);
  REQUIRE(c.n_cols == 128);  // both row parities in the block
  const int wout = g.w.Wout, pair = 2 * wout, ch_n = gate::gpu::kV3CoutPerBlock;
  CHECK(kV4OutBoxWidth * 4 == 128);
  CHECK(g.staging_bytes == kV4OutBoxes * ch_n * kV4OutBoxWidth * 4);
  CHECK(g.staging_offset % 1024 == 0);
  check_store_barriers(g, c);
  check_side_buffers(g, c);
  CHECK(g.staging_bytes % 1024 == 0);
  const int64_t plane = int64_t(g.w.Hout) * wout;
  for (const uintptr_t y0 : {uintptr_t(0), uintptr_t(16)})
    for (int t = 0; t < std::min(g.items, 2 * g.m_tiles); ++t) {
      const gate::gpu::V4Item it = gate::gpu::v4_item(g, t);
      REQUIRE(!it.col);
      for (int ch = 0; ch < 2 * ch_n; ++ch) {  // two n-tiles' channels
        const uintptr_t run = y0 + uintptr_t((int64_t(it.img) * g.w.Cout + ch) * plane + 2 * int64_t(it.qh0) * wout) * 4;
        const int shift = gate::gpu::v4_out_shift(run);
        CHECK(run % 16 == 0);
        CHECK(shift == gate::gpu::v4_out_shift(run + uintptr_t(2 * plane * 4)));  // one shift per parity
        // as the kernel takes it: from its n-tile's first channel (v4_out_shifts)
        const uintptr_t tile_run = run - uintptr_t(ch % ch_n * plane * 4);
        CHECK(gate::gpu::v4_out_shifts(tile_run, plane * 4).of(ch) == shift);
        for (int b = 0; b < kV4OutBoxes; ++b) CHECK((run + uintptr_t(shift + b * kV4OutBoxWidth) * 4) % 32 == 0);
      }
    }
  const int rows = gate::gpu::kV4OutParityRows;
  for (const int shift_even : {0, 4})
    for (const int shift_odd : {0, 4}) {
      INFO("shifts " << shift_even << " / " << shift_odd);
      auto shift = [&](int ch) { return ch % 2 != 0 ? shift_odd : shift_even; };
      auto slot_of = [&](int at, int ch) { return v4_out_slot(at, ch, shift(ch)); };
      std::vector<int> slots(size_t(g.staging_bytes / 4), 0);
      for (int rh = 0; rh < 2; ++rh)
        for (int ch = 0; ch < ch_n; ++ch)
          for (int j = 0; j < wout; ++j) {
            const int at = rh * wout + j, slot = slot_of(at, ch), staged = at - shift(ch);
            if (slot < 0) {
              CHECK((shift(ch) != 0 ? at < 4 : at >= pair - 4));
              if (j % 2 == 0) CHECK(slot_of(at + 1, ch) < 0);  // an output pair stays together
              continue;
            }
            REQUIRE(slot < int(slots.size()));
            ++slots[size_t(slot)];
            if (j % 2 == 0) {
              CHECK(slot % 2 == 0);
              CHECK(slot_of(at + 1, ch) == slot + 1);
            }
            // box (b, parity) element (its row, column col)
            const int box = staged / kV4OutBoxWidth, col = staged % kV4OutBoxWidth;
            const int k = ch / 8, cl = ch / 2 % 4;
            const int row = (2 * box + ch % 2) * rows + k % 2 + 2 * cl + 8 * (k / 2);
            const int byte = row * 128 + ((col * 4 / 16) ^ (row % 8)) * 16 + col * 4 % 16;
            CHECK(slot * 4 == byte);
            CHECK(byte / 2048 == 2 * box + ch % 2);
            // stage_item's address: the item-invariant slot (v4_out_slot_any) of channel v4_channel(0, cl) under this
            // channel's shift, bit 4 flipped where k is odd, plus its constant offset
            const int base0 = gate::gpu::v4_out_slot_any(at, gate::gpu::v4_channel(0, cl), shift(ch)) * 4;
            CHECK(byte == ((k % 2 != 0) ? (base0 ^ 16) : base0) + 128 * (k % 2) + 1024 * (k / 2) + 2048 * (ch % 2));
            if (ch < 8) {
              for (int kk = 1; kk < 4; ++kk) {
                const int up = slot_of(at, ch + 8 * kk) * 4;
                CHECK(up == ((kk % 2 != 0) ? (byte ^ 16) : byte) + 128 * (kk % 2) + 1024 * (kk / 2));
              }
            }
          }
      CHECK(std::all_of(slots.begin(), slots.end(), [](int k) { return k == 1; }));
      // q-column W (stage_w_raw, finish_w_boxes): its pair in row 0 (output 2W) always staged, in row 1 (output
      // Wout + 2W) staged exactly where the channel is shifted, at v4_out_slot_any's slots
      for (int ch = 0; ch < ch_n; ++ch) {
        const int w0 = 2 * gate::gpu::kV4ItemM, w1 = wout + 2 * gate::gpu::kV4ItemM;
        CHECK(slot_of(w0, ch) >= 0);
        CHECK(slot_of(w0, ch) == gate::gpu::v4_out_slot_any(w0, ch, shift(ch)));
        CHECK((slot_of(w1, ch) >= 0) == (shift(ch) != 0));
        if (shift(ch) != 0) CHECK(slot_of(w1, ch) == gate::gpu::v4_out_slot_any(w1, ch, 4));
      }
      // stage_item's writes: row 0 at outputs 2m and 2m + 16, row 1 at the same (those left to y skipped).
      const int kinds[4][2] = {{0, 0}, {0, 16}, {1, 0}, {1, 16}};
      for (int warp = 0; warp < 4; ++warp)
        for (int h = 0; h < 2; ++h)
          for (const auto& kind : kinds)
            for (int c8 = 0; c8 < 8; ++c8) {
              std::vector<int> banks(32, 0);
              for (int gl = 4 * h; gl < 4 * h + 4; ++gl)
                for (int cl = 0; cl < 4; ++cl) {
                  const int m = 16 * warp + gl;
                  const int slot = slot_of(kind[0] * wout + 2 * m + kind[1], gate::gpu::v4_channel(c8, cl));
                  if (slot < 0) continue;
                  ++banks[size_t(slot % 32)];
                  ++banks[size_t((slot + 1) % 32)];
                }
              INFO("warp " << warp << " half " << h << " row " << kind[0] << " +" << kind[1] << " c8 " << c8);
              CHECK(std::all_of(banks.begin(), banks.end(), [](int k) { return k <= 1; }));
            }
    }
}

// 16-bit whole rows staged as runs (v4_run_slot): for every item of two images, every channel of every n-tile (so that
// both plane parities and both q-row parities come up) and y 16- or only 8-byte aligned, each run starts 8-byte aligned
// in y and its shift (v4_run_shift, from the channel's parity) is its address mod 16, so that the storer's 32 16-byte
// pieces from the shift on are 16-byte aligned in y and in the buffer, and its 8 bytes left are the run's first or
// last; the shifted runs lie inside their slots, the slots inside the buffer without overlap. The staging writes
// (FlavorV416Bit::stage_row_item, stage_w), for each pair of shifts of even and odd channels, write every byte of
// every run exactly once, row 0's 8-byte writes in 32 distinct banks per half-warp, row 1's two word writes (the lanes
// with odd g + cl their second word first) in 32 distinct banks per warp, stage_w's at most 4-way.
void check_run_staging(const V4Geometry& g, const V4Config& c) {
  using gate::gpu::kV4RunBytes;
  using gate::gpu::kV4RunPitch;
  using gate::gpu::v4_channel;
  using gate::gpu::v4_run_slot;
  const int ch_n = gate::gpu::kV3CoutPerBlock, m_n = gate::gpu::kV4ItemM;
  REQUIRE(c.n_cols == 128);  // both output rows of a q-row in the block
  CHECK(kV4RunBytes == 2 * g.w.Wout * 2);
  CHECK(kV4RunBytes == 32 * 16 + 8);  // the storer's pieces
  CHECK(kV4RunPitch % 64 == 16);      // runs of channels 2 apart 8 banks apart
  CHECK(g.staging_bytes == ch_n * kV4RunPitch);
  CHECK(g.staging_offset % 128 == 0);
  check_store_barriers(g, c);
  check_side_buffers(g, c);
  for (int ch = 0; ch < ch_n; ++ch) {
    CHECK(v4_run_slot(ch) % 16 == 0);
    CHECK(v4_run_slot(ch) + 8 + kV4RunBytes <= (ch + 1 < ch_n ? v4_run_slot(ch + 1) : g.staging_bytes));
    for (const int sh : {0, 8}) {
      // the storer: lane l's 16 bytes at run byte sh + 16·l (slot byte 2·sh + 16·l), the 8 left at run byte 0 or 512
      CHECK((v4_run_slot(ch) + sh + sh) % 16 == 0);
      CHECK(sh + 16 * 32 + (sh != 0 ? 0 : 8) == kV4RunBytes);
      CHECK((v4_run_slot(ch) + sh + (sh != 0 ? 0 : kV4RunBytes - 8)) % 8 == 0);
    }
  }
  const int64_t plane_bytes = int64_t(g.w.Hout) * g.w.Wout * 2;
  for (const uintptr_t y0 : {uintptr_t(0), uintptr_t(8)})
    for (int t = 0; t < std::min(g.items, 2 * g.m_tiles); ++t) {
      const gate::gpu::V4Item it = gate::gpu::v4_item(g, t);
      for (int tile = 0; tile < g.n_tiles; ++tile) {
        const uintptr_t run0 =
            y0 + uintptr_t((int64_t(it.img) * g.w.Cout + tile * ch_n) * plane_bytes + int64_t(it.qh0) * 4 * g.w.Wout);
        const gate::gpu::V4ParityShift sh = gate::gpu::v4_run_shift(run0, plane_bytes);
        for (int ch = 0; ch < ch_n; ++ch) {
          const uintptr_t run = run0 + uintptr_t(ch * plane_bytes);
          CHECK(run % 8 == 0);
          CHECK(int(run % 16) == sh.of(ch));
        }
      }
    }
  for (const int sh_even : {0, 8})
    for (const int sh_odd : {0, 8}) {
      auto shift = [&](int ch) { return ch % 2 != 0 ? sh_odd : sh_even; };
      std::vector<int> bytes(size_t(g.staging_bytes), 0);
      for (int warp = 0; warp < 4; ++warp)
        for (int t = 0; t < 16; ++t) {
          const int h = t / 8;
          // the lane's write(s) of group t: {byte, size} per store instruction s (row 0: one 8-byte, row 1: two words)
          for (int s = 0; s < (h == 0 ? 1 : 2); ++s)
            for (int half = 0; half < (h == 0 ? 2 : 1); ++half) {
              std::vector<int> banks(32, 0);
              for (int gl = h == 0 ? 4 * half : 0; gl < (h == 0 ? 4 * half + 4 : 8); ++gl)
                for (int cl = 0; cl < 4; ++cl) {
                  const int ch = v4_channel(t % 8, cl), m_a = 16 * warp + 2 * gl;
                  const bool swap = ((gl ^ cl) & 1) != 0;
                  const int word_at = h == 0 ? 0 : (s == 0) == swap ? 4 : 0;
                  const int byte = v4_run_slot(ch) + shift(ch) + h * kV4RunBytes / 2 + 4 * m_a + word_at;
                  const int size = h == 0 ? 8 : 4;
                  CHECK(byte % size == 0);
                  for (int b = 0; b < size; ++b) ++bytes[size_t(byte + b)];
                  for (int w = 0; w < size / 4; ++w) ++banks[size_t((byte / 4 + w) % 32)];
                }
              INFO("shifts " << sh_even << "/" << sh_odd << " warp " << warp << " group " << t << " store " << s);
              CHECK(std::all_of(banks.begin(), banks.end(), [](int k) { return k <= 1; }));
            }
        }
      for (int q = 0; q < 2; ++q) {  // stage_w: lane L of warp 0 the groups L mod 8 + 8q of lane quad L / 8
        std::vector<int> banks(32, 0);
        for (int lane = 0; lane < 32; ++lane) {
          const int ch = v4_channel(lane % 8, lane / 8);
          const int byte = v4_run_slot(ch) + shift(ch) + q * kV4RunBytes / 2 + 4 * m_n;
          for (int b = 0; b < 4; ++b) ++bytes[size_t(byte + b)];
          ++banks[size_t(byte / 4 % 32)];
        }
        CHECK(*std::max_element(banks.begin(), banks.end()) <= 4);
      }
      for (int ch = 0; ch < ch_n; ++ch)
        for (int b = 0; b < g.staging_bytes; ++b) {
          const int run_b = b - v4_run_slot(ch) - shift(ch);
          if (b < v4_run_slot(ch) || b >= v4_run_slot(ch) + kV4RunPitch) continue;
          const bool in_run = run_b >= 0 && run_b < kV4RunBytes;
          if (bytes[size_t(b)] != (in_run ? 1 : 0)) {
            INFO("shifts " << sh_even << "/" << sh_odd << " channel " << ch << " run byte " << run_b);
            CHECK(bytes[size_t(b)] == (in_run ? 1 : 0));
          }
        }
    }
}

// A row item's staged rows without TMA stores (v4_row_slot, W = 64; 16-bit at n_cols 128, 3xTF32 at n_cols 64): the
// block's output rows (row parity h for both parities, channel ch) of 128 outputs each — 130 for 3xTF32's whole rows,
// whose q-column W pair follows at 128 (FlavorV4Float32::stage_w) — lie inside the buffer without overlap, 16-byte
// aligned (the storer reads 4·elem bytes a lane); the staged/free mbarriers sit between the bias and the buffers; and
// the staging writes (stage_row_item) meet no bank conflict: in each half-warp (lanes g = 0..3 or 4..7 of every lane
// quad cl; pixels m = 16·warp + 2g and the next (16-bit) or 16·warp + g and m + 8 (float32), 8 bytes each; channel
// v4_channel(c8, cl)) the 16 lanes' two words are 32 banks, nor do stage_w's.
void check_row_staging(const V4Geometry& g, const V4Config& c) {
  using gate::gpu::v4_row_slot;
  CHECK(g.staged == (c.staged_stores && g.w.W == gate::gpu::kV4ItemM));
  if (!g.staged) return;
  if (g.whole_rows && c.elem_bytes == 2) return check_run_staging(g, c);
  const int elem = c.elem_bytes, ch_n = gate::gpu::kV3CoutPerBlock;
  const int row_bytes = (2 * gate::gpu::kV4ItemM + (g.whole_rows ? 2 : 0)) * elem;
  CHECK(g.whole_rows == (c.split_tw && g.w.W == gate::gpu::kV4ItemM));
  if (g.whole_rows && elem == 4) {
    CHECK(c.n_cols == gate::gpu::kV4ItemM);  // one row parity: a row of 130 outputs per channel
    // staged row_shift (0 or 8) bytes into its slot (fused_v4_wgmma.cuh): the shifted row still fits the pitch, and
    // the shift moves every staging write alike (the bank checks below hold for both)
    CHECK(8 + row_bytes <= gate::gpu::v4_row_pitch(elem));
  }
  const int parities = c.n_cols / gate::gpu::kV4ItemM;  // output rows per channel in one item: 2 or 1
  CHECK(g.segs == 1);  // one row item per q-row: its 128 outputs of each row are the row's first 128
  CHECK(g.staging_bytes == parities * ch_n * gate::gpu::v4_row_pitch(elem));
  CHECK(g.staging_offset % 128 == 0);
  check_store_barriers(g, c);
  check_side_buffers(g, c);
  std::vector<int> bytes(size_t(g.staging_bytes), 0);
  for (int h = 0; h < parities; ++h)
    for (int ch = 0; ch < ch_n; ++ch) {
      const int slot = v4_row_slot(ch, h, elem);
      CHECK(slot % 16 == 0);
      REQUIRE(slot + row_bytes <= g.staging_bytes);
      for (int b = 0; b < row_bytes; ++b) ++bytes[size_t(slot + b)];
    }
  CHECK(std::all_of(bytes.begin(), bytes.end(), [](int k) { return k <= 1; }));
  CHECK(std::count(bytes.begin(), bytes.end(), 1) == parities * ch_n * row_bytes);
  for (int warp = 0; warp < 4; ++warp)
    for (int half = 0; half < 2; ++half)
      for (int t = 0; t < 8 * parities; ++t)
        for (int r = 0; r < (elem == 4 ? 2 : 1); ++r) {  // float32: a write per fragment row; 16-bit: both in one
          std::vector<int> banks(32, 0);
          for (int gl = 4 * half; gl < 4 * half + 4; ++gl)
            for (int cl = 0; cl < 4; ++cl) {
              const int m = elem == 2 ? 16 * warp + 2 * gl : 16 * warp + gl + 8 * r;
              const int out = 2 * m;  // the write's first output: 4 (16-bit) or 2 (float32) of them, 8 bytes
              CHECK((out + 8 / elem) * elem <= row_bytes);
              const int word = (v4_row_slot(gate::gpu::v4_channel(t % 8, cl), t / 8, elem) + out * elem) / 4;
              ++banks[size_t(word % 32)];
              ++banks[size_t((word + 1) % 32)];
            }
          INFO("element " << elem << " warp " << warp << " half " << half << " group " << t << " row " << r);
          CHECK(std::all_of(banks.begin(), banks.end(), [](int k) { return k <= 1; }));
        }
  if (!g.whole_rows) return;
  // stage_w: q-column W by the storer (v4_w_from_side), lane L the groups L mod 8 + 8q of lane quad L / 8, one
  // pair a group, 8 bytes (float32) or 4 (16-bit), one store instruction per q: every group's pair once, at most a
  // 4-way bank conflict (the 32 lanes' channels fall in 8 bank groups; 2 or 1 such stores an item, where four lanes
  // storing all the groups took 16 or 8 conflict-free ones; adjacent groups per lane had been 8-way for 16-bit).
  const int groups_per_lane = parities;  // 8·parities groups per lane quad over 8 lanes
  std::set<int> pairs;
  for (int q = 0; q < groups_per_lane; ++q) {
    std::vector<int> banks(32, 0);
    for (int lane = 0; lane < 32; ++lane) {
      const int cl = lane / 8, t = lane % 8 + 8 * q;
      const int byte = v4_row_slot(gate::gpu::v4_channel(t % 8, cl), t / 8, elem) + 2 * gate::gpu::kV4ItemM * elem;
      CHECK(pairs.insert(byte).second);
      ++banks[size_t(byte / 4 % 32)];
      if (elem == 4) ++banks[size_t((byte / 4 + 1) % 32)];
    }
    INFO("q-column W, store " << q);
    CHECK(*std::max_element(banks.begin(), banks.end()) <= 4);
  }
  CHECK(int(pairs.size()) == 32 * parities);
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
  // The seed workload's items (bench/NOTES.md §11, §12): float32, whole rows: 65 row items per image (one per q-row,
  // pitch 68, 2 rows), no col items, one block per SM.
  const V4Geometry t = gate::gpu::make_v4_geometry(s, gate::gpu::kV4ConfigTf32, 132);
  CHECK(t.whole_rows);
  CHECK(t.staged);
  CHECK(t.row_items == 65);
  CHECK(t.m_tiles == 65);
  CHECK(gate::gpu::v4_item(t, 64).qh0 == 64);
  CHECK(gate::gpu::v4_item(t, 65).img == 1);
  CHECK(gate::gpu::v4_item(t, 65).qh0 == 0);
  CHECK(t.staging_bytes == 32768);  // the first 256 of each channel's 260 outputs
  // 16-bit: whole rows too (a k-step of one tw: bench/NOTES.md §17), 65 row items per image, staged as runs of a
  // channel's two rows (v4_run_slot) for the storer, no col items.
  const V4Geometry h = gate::gpu::make_v4_geometry(s, gate::gpu::kV4Config16Bit, 264);
  CHECK(h.whole_rows);
  CHECK(h.staged);
  CHECK(h.m_tiles == 65);
  CHECK(!gate::gpu::v4_item(h, 64).col);
  CHECK(gate::gpu::v4_item(h, 64).qh0 == 64);
  CHECK(gate::gpu::v4_item(h, 65).img == 1);
  CHECK(h.staging_bytes == 32 * gate::gpu::kV4RunPitch);
  CHECK(t.row_box.pitch == 68);
  CHECK(t.row_box.rows == 2);
  CHECK(t.col_box.a_ld == t.row_box.a_ld);  // a col item's window no larger than a row item's
  CHECK(2 * t.smem_bytes > kH100SmemOptin);
  CHECK(h.row_box.pitch == 72);
  CHECK(h.smem_bytes <= kH100SmemOptin);
  // 3xTF32: both weight parts of a 64-column n-tile take what one part of a 128-column tile takes (128 KB).
  const V4Geometry x3 = gate::gpu::make_v4_geometry(s, gate::gpu::kV4Config3xTf32, 132);
  CHECK(x3.whole_rows);  // 65 items per image, whose rows the storer copies (bench/NOTES.md §16)
  CHECK(x3.m_tiles == 65);
  CHECK(x3.staged);
  CHECK(x3.staging_bytes == 32 * gate::gpu::v4_row_pitch(4));
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
  CHECK_FALSE(gate::gpu::v4_supports(shape(2, 24, 64, 9, 16), kV4Config16Bit, kH100SmemOptin, &why));  // units of 16
  CHECK(gate::gpu::v4_supports(shape(2, 32, 64, 9, 16), kV4Config16Bit, kH100SmemOptin, &why));
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
    // v4_channel(t mod 8, c), quad 0's plus 2c: what the stores assume (fused_v4_flavors.cuh).
    for (int t = 0; t < n_cols / 8; ++t)
      for (int c = 0; c < 4; ++c) {
        const auto lo = v4_column(8 * t + 2 * c), hi = v4_column(8 * t + 2 * c + 1), q0 = v4_column(8 * t);
        CHECK(lo.rw == 0);
        CHECK(hi.rw == 1);
        CHECK(hi.co_local == lo.co_local);
        CHECK(hi.rh_local == lo.rh_local);
        CHECK(lo.co_local == gate::gpu::v4_channel(t & 7, c));
        CHECK(lo.co_local == q0.co_local + 2 * c);
        CHECK(lo.rh_local == q0.rh_local);
        // The epilogue's bias_v[t mod 8] of lane quad c is slot 8·c + t mod 8 (two 16-byte loads at 2c and 2c + 1).
        CHECK(v4_bias_slot(lo.co_local) == 8 * c + (t & 7));
      }
  }
  std::vector<int> slots(32, 0);
  for (int co = 0; co < 32; ++co) ++slots[v4_bias_slot(co)];
  CHECK(std::all_of(slots.begin(), slots.end(), [](int k) { return k == 1; }));
}

TEST_CASE("v4's warpgroups take every item exactly once, in pairs of consecutive items", "[v4]") {
  for (const auto& s : {shape(128, 64, 128, 64, 64), shape(3, 32, 64, 9, 16), shape(1, 32, 64, 1, 8)})
    for (const V4Config& c : kConfigs)
      for (int n_wg : {1, 2, 7, 66, 132, 1000}) {
        const V4Geometry g = gate::gpu::make_v4_geometry(s, c, 132);
        INFO("items " << g.items << ", warpgroups " << n_wg);
        std::vector<int> taken(size_t(g.items), 0);
        for (int w = 0; w < n_wg; ++w) {
          const int count = gate::gpu::v4_pair_items(g, w, n_wg, g.pairs);
          int item = 2 * w;
          for (int i = 0; i < count; ++i, item = gate::gpu::v4_wg_next_item(item, n_wg)) {
            REQUIRE(item >= 0);
            REQUIRE(item < g.items);
            ++taken[size_t(item)];
            if (i % 2 == 1) CHECK(item % 2 == 1);  // the second of a pair is the first's neighbour
          }
        }
        CHECK(std::all_of(taken.begin(), taken.end(), [](int k) { return k == 1; }));
      }
}

// TF32's x prefetch (v4_prefetch_image over the grid's runs): every image from x_ahead on fetched exactly once a
// launch, by the item that starts the image x_ahead before it, and x_ahead one round of an n-tile's warpgroups (a pair
// of items each) in images, rounded, at least 1; the seed workload on the H100: 132 items a round, 2 images.
TEST_CASE("v4's x prefetch fetches each image once, a round of items ahead", "[v4]") {
  for (const auto& s : {shape(128, 64, 128, 64, 64), shape(3, 32, 64, 9, 16), shape(1, 32, 64, 1, 8),
                        shape(5, 64, 256, 20, 24)})
    for (const V4Config& c : kConfigs)
      for (int resident : {1, 7, 132, 264}) {
        const V4Geometry g = gate::gpu::make_v4_geometry(s, c, resident);
        INFO("N " << s.N << ", items " << g.items << ", resident " << resident);
        if (!c.prefetch_x) {
          CHECK(g.x_ahead == 0);
          continue;
        }
        const int round_images = (2 * c.warpgroups * g.ctas_per_tile + g.m_tiles / 2) / g.m_tiles;
        CHECK(g.x_ahead == std::max(1, round_images));
        std::vector<int> fetched(size_t(s.N), 0);
        for (int b = 0; b < g.ctas_per_tile * g.n_tiles + g.extra_ctas; ++b)
          for (int w = 0; w < c.warpgroups; ++w)
            for (int r = 0; r < gate::gpu::v4_block_runs(g, b); ++r) {
              const gate::gpu::V4Run run = gate::gpu::v4_run(g, b, w, r);
              int item = run.first_item;
              for (int i = 0; i < run.items; ++i, item = gate::gpu::v4_wg_next_item(item, run.n_wg)) {
                const gate::gpu::V4Item it = gate::gpu::v4_item(g, item);
                const int img = gate::gpu::v4_prefetch_image(g, it, run.n_tile);
                if (img < 0) continue;
                CHECK(img == it.img + g.x_ahead);
                ++fetched[size_t(img)];
              }
            }
        for (int img = 0; img < s.N; ++img) CHECK(fetched[size_t(img)] == (img >= g.x_ahead ? 1 : 0));
      }
  V4Geometry seed = gate::gpu::make_v4_geometry(shape(128, 64, 128, 64, 64), gate::gpu::kV4ConfigTf32, 132);
  CHECK(seed.x_ahead == 2);
  // Kept where 3 images of 1 MB fit a quarter of the H100's 50 MB of L2 (and of 12 MB), dropped where they do not
  // (11 MB), and for images of 16 MB (1024 × 64) on 50 MB.
  gate::gpu::v4_fit_x_prefetch(seed, 4, int64_t(50) << 20);
  CHECK(seed.x_ahead == 2);
  gate::gpu::v4_fit_x_prefetch(seed, 4, int64_t(12) << 20);
  CHECK(seed.x_ahead == 2);
  gate::gpu::v4_fit_x_prefetch(seed, 4, int64_t(11) << 20);
  CHECK(seed.x_ahead == 0);
  V4Geometry large = gate::gpu::make_v4_geometry(shape(2, 64, 128, 1024, 64), gate::gpu::kV4ConfigTf32, 132);
  REQUIRE(large.x_ahead >= 1);
  gate::gpu::v4_fit_x_prefetch(large, 4, int64_t(50) << 20);
  CHECK(large.x_ahead == 0);
}

// The grid's runs (v4_run): over every block, warpgroup and run, each n-tile's every item exactly once; the grid no
// larger than the resident blocks; an extra block's runs on distinct n-tiles; and the work balanced: no warpgroup
// takes more than one pair (two items) beyond the even share of all warpgroups.
TEST_CASE("v4's grid takes every (n-tile, item) exactly once and fills the resident blocks evenly", "[v4]") {
  for (const auto& s : {shape(128, 64, 128, 64, 64), shape(3, 32, 64, 9, 16), shape(1, 32, 64, 1, 8),
                        shape(5, 64, 256, 20, 24)})
    for (const V4Config& c : kConfigs)
      for (int resident : {1, 7, 114, 128, 132, 264}) {
        const V4Geometry g = gate::gpu::make_v4_geometry(s, c, resident);
        const int blocks = g.ctas_per_tile * g.n_tiles + g.extra_ctas;
        INFO("items " << g.items << ", n-tiles " << g.n_tiles << ", resident " << resident << ", blocks " << blocks
                      << " (extra " << g.extra_ctas << ")");
        if (resident >= g.n_tiles) CHECK(blocks <= resident);
        std::vector<int> taken(size_t(g.items) * g.n_tiles, 0);
        int most = 0;
        for (int b = 0; b < blocks; ++b) {
          std::vector<int> tiles;
          for (int w = 0; w < c.warpgroups; ++w) {
            int mine = 0;
            for (int r = 0; r < gate::gpu::v4_block_runs(g, b); ++r) {
              const gate::gpu::V4Run run = gate::gpu::v4_run(g, b, w, r);
              REQUIRE(run.n_tile >= 0);
              REQUIRE(run.n_tile < g.n_tiles);
              if (w == 0) tiles.push_back(run.n_tile);
              CHECK(run.n_tile == tiles[size_t(r)]);  // both warpgroups hold the block's weights of the same n-tile
              int item = run.first_item;
              for (int i = 0; i < run.items; ++i, item = gate::gpu::v4_wg_next_item(item, run.n_wg)) {
                REQUIRE(item >= 0);
                REQUIRE(item < g.items);
                ++taken[size_t(run.n_tile) * g.items + item];
                if (i % 2 == 1) CHECK(item % 2 == 1);
              }
              mine += run.items;
            }
            most = std::max(most, mine);
          }
          std::sort(tiles.begin(), tiles.end());
          CHECK(std::adjacent_find(tiles.begin(), tiles.end()) == tiles.end());
        }
        CHECK(std::all_of(taken.begin(), taken.end(), [](int k) { return k == 1; }));
        const int64_t share = (int64_t(g.items) * g.n_tiles + blocks * c.warpgroups - 1) / (blocks * c.warpgroups);
        if (blocks == resident) CHECK(most <= share + 2);
      }
  // The seed workload's 3xTF32 on the H100: 8 n-tiles × 16 regular blocks and 4 extra ones, each taking two n-tiles'
  // tails of 126 pairs; every warpgroup 252 or 254 items (128 blocks alone: 260).
  const V4Geometry x = gate::gpu::make_v4_geometry(shape(128, 64, 128, 64, 64), gate::gpu::kV4Config3xTf32, 132);
  CHECK(x.n_tiles == 8);
  CHECK(x.ctas_per_tile == 16);
  CHECK(x.extra_ctas == 4);
  CHECK(x.tiles_per_extra == 2);
  CHECK(x.pairs - x.pairs_main == 126);
  // tests/gpu/fused_test's case for them: 162 pairs an n-tile, 6 for some regular warpgroups alone, 5 with 4 extra
  // blocks that take 4 pairs of each n-tile; with 6 images (99 pairs) extra blocks would shorten nothing.
  const V4Geometry e = gate::gpu::make_v4_geometry(shape(9, 16, 128, 35, 64), gate::gpu::kV4Config3xTf32, 132);
  CHECK(e.pairs == 162);
  CHECK(e.extra_ctas == 4);
  CHECK(e.pairs - e.pairs_main == 4);
  CHECK(gate::gpu::make_v4_geometry(shape(6, 16, 128, 32, 64), gate::gpu::kV4Config3xTf32, 132).extra_ctas == 0);
}
