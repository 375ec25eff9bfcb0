// Host-side tests of fused_v6_swap's geometry (gpu/fused_v6_geometry.hpp): the chunks of items, and the storer's cut
// of each run into stores with the tails carried between q-rows, replayed byte by byte as the kernel does it — every
// byte of every plane written exactly once with its own value, whole sectors in one instruction wherever a run meets a
// neighbour of the same chunk — and the problems v6 declines. No GPU needed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "core/problem.hpp"
#include "gpu/fused_v6_geometry.hpp"
#include "gpu/kernel_shape.hpp"
#include "tests/gpu/stride2_k4_shape.hpp"

namespace {

using gate::gpu::kV6ChunksPerRun;
using gate::gpu::kV6RunBytes;
using gate::gpu::kV6SlotBytes;
using gate::gpu::V6Range;

using gate::gpu_test::kH100SmemOptin;
constexpr auto shape = gate::gpu_test::stride2_k4_shape;

// One plane's runs (q-rows 0 .. H of one image, items img·(H + 1) .. of the n-tile), the plane starting `start` bytes
// into a byte array, as the storer writes them when the items are cut into chunks of chunk_items: each slot holds its
// run's bytes (a byte's value: its own address, mod 251) where v6_slot_offset puts them, the carried tail in front;
// the carried tail is what the slot held past its stored span. Counts every byte written and every sector an item
// writes only in part.
struct Replay {
  std::vector<int> writes;  // per byte of the array
  bool values_right = true;
  int partial_sectors = 0;    // sectors an item writes only in part
  int interior_partial = 0;  // of those, in items that carry in and out
};

Replay replay_plane(int H, int N, int img, int start, int chunk_items) {
  const int qrows = H + 1, items = N * qrows;
  Replay out;
  out.writes.assign(size_t(start + qrows * kV6RunBytes + 64), 0);
  auto value = [](int addr) { return int(addr % 251); };
  for (int c = 0; c * chunk_items < items; ++c) {
    const V6Range chunk = gate::gpu::v6_chunk_from(c * chunk_items, chunk_items, items);
    std::vector<int> carry(32, -1);
    for (int i = chunk.first; i < chunk.last; ++i) {
      if (i / qrows != img) continue;
      const auto cy = gate::gpu::v6_item_carry(i, i % qrows, chunk, qrows);
      const int qh = i % qrows, run = start + qh * kV6RunBytes, a = run % 32, sector = run - a;
      std::vector<int> slot(kV6SlotBytes, -1);  // the slot: byte t of the run's sector at v6_slot_offset(t, a)
      for (int k = 0; k < kV6RunBytes; ++k) slot[size_t(gate::gpu::v6_slot_offset(a + k, a))] = value(run + k);
      if (cy.in) {  // what the storer copied in front of this run while storing the item before
        for (int t = 0; t < a; ++t) slot[size_t(gate::gpu::v6_slot_offset(t, a))] = carry[size_t(t)];
      }
      const auto span = gate::gpu::v6_run_store_span(a, cy.in, cy.out);
      std::vector<int> sector_bytes(kV6ChunksPerRun / 2, 0);  // bytes this item writes in each sector from the run's
      auto store = [&](int from, int to) {
        for (int t = from; t < to; ++t) {
          ++out.writes[size_t(sector + t)];
          ++sector_bytes[size_t(t / 32)];
          const int o = gate::gpu::v6_slot_offset(t, a);
          if (o < 0 || o >= kV6SlotBytes || slot[size_t(o)] != value(sector + t)) out.values_right = false;
        }
      };
      for (int j = 0; j < kV6ChunksPerRun; ++j) {
        if (gate::gpu::v6_whole_chunk(j, span)) store(16 * j, 16 * j + 16);
      }
      if (gate::gpu::v6_head_piece(span)) store(span.begin, span.begin + 8);
      if (gate::gpu::v6_tail_piece(span)) store(span.end - 8, span.end);
      // A sector this item writes only in part (the kernel stores a whole sector's two chunks from adjacent lanes of
      // one instruction: v6_whole_chunk).
      for (const int n : sector_bytes) {
        if (n != 0 && n != 32) {
          ++out.partial_sectors;
          if (cy.in && cy.out) ++out.interior_partial;
        }
      }
      if (cy.out) {
        REQUIRE(gate::gpu::v6_carry_bytes(a) == run + kV6RunBytes - (run + kV6RunBytes) / 32 * 32);
        for (int t = 0; t < gate::gpu::v6_carry_bytes(a); ++t) {
          carry[size_t(t)] = slot[size_t(gate::gpu::v6_slot_offset(span.end + t, a))];
        }
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("v6's chunks cover every item once, in order", "[v6]") {
  for (const int items : {1, 7, 33, 8320, 8321}) {
    for (const int k : {1, 4, 7, 65}) {
      int next = 0;
      for (int c = 0; c * k < items; ++c) {
        const V6Range r = gate::gpu::v6_chunk_from(c * k, k, items);
        CHECK(r.first == next);
        CHECK(r.last - r.first == std::min(k, items - r.first));
        next = r.last;
      }
      CHECK(next == items);
    }
  }
}

TEST_CASE("v6's storer writes every byte of a plane once, with its value, in whole sectors between neighbours", "[v6]") {
  // Planes starting at every 8-byte offset within a sector (y's base or a view 4 elements on; the plane size
  // 520·(H + 1) bytes moves the next plane's offset by 8 or 16), H odd and even, chunks of one q-row, of a few (inside
  // an image or across an image's end) and of several images.
  for (const int H : {5, 6, 35, 64}) {
    for (const int start : {0, 8, 16, 24, 40}) {
      for (const int k : {1, 2, 4, 5, 3 * (H + 1)}) {
        const int N = 3;
        for (int img = 0; img < N; ++img) {
          INFO("H " << H << ", plane at byte " << start << ", chunks of " << k << " items, image " << img);
          const Replay r = replay_plane(H, N, img, start, k);
          CHECK(r.values_right);
          int wrong = 0;
          for (size_t addr = 0; addr < r.writes.size(); ++addr) {
            const bool inside = int(addr) >= start && int(addr) < start + (H + 1) * kV6RunBytes;
            wrong += r.writes[addr] != (inside ? 1 : 0);
          }
          CHECK(wrong == 0);
          CHECK(r.interior_partial == 0);  // between two q-rows of one chunk: whole sectors only
          // Partial sectors only at the image's two ends and at the chunks' ends (a piece each).
          CHECK(r.partial_sectors <= 2 + 2 * ((H + 1) / k + 2));
          if (k == 3 * (H + 1)) CHECK(r.partial_sectors <= 2);  // one chunk: the plane's first and last sector
        }
      }
    }
  }
}

TEST_CASE("v6's slots hold the carried bytes and the run, 16-byte aligned as in y", "[v6]") {
  for (const int a : {0, 8, 16, 24}) {
    INFO("sector offset " << a);
    CHECK(gate::gpu::v6_slot_offset(0, a) >= 0);                            // the carried bytes' first
    CHECK(gate::gpu::v6_slot_offset(a + kV6RunBytes, a) <= kV6SlotBytes);  // the run's end
    CHECK(gate::gpu::v6_slot_offset(0, a) % 16 == 0);                       // chunks on 16-byte boundaries
  }
  CHECK(kV6SlotBytes % 16 == 0);
  CHECK(kV6ChunksPerRun * 16 >= 24 + kV6RunBytes);  // chunks reach the end of a run 24 bytes into its sector
  // (every byte a chunk or piece stores lies inside its slot: replay_plane checks each against the slot's bounds)
}

TEST_CASE("v6 declines what it cannot compute, naming why", "[v6]") {
  const char* why = nullptr;
  CHECK(gate::gpu::v6_supports(shape(128, 64, 128, 64, 64), kH100SmemOptin, &why));
  CHECK(gate::gpu::v6_supports(shape(1, 32, 32, 1, 64), kH100SmemOptin, &why));
  struct Case {
    gate::gpu::KernelShape s;
    int smem;
    const char* says;
  };
  const Case cases[] = {
      {shape(2, 64, 128, 8, 32), kH100SmemOptin, "W is not 64"},
      {shape(2, 48, 128, 8, 64), kH100SmemOptin, "Cin is not 32, 64, 96 or 128"},
      {shape(2, 160, 128, 8, 64), kH100SmemOptin, "Cin is not 32, 64, 96 or 128"},
      {shape(2, 64, 48, 8, 64), kH100SmemOptin, "Cout not a multiple of 32"},
      {shape(2, 64, 128, 8, 64), 99 * 1024 / 2, "shared memory"},
  };
  for (const Case& c : cases) {
    why = nullptr;
    CHECK_FALSE(gate::gpu::v6_supports(c.s, c.smem, &why));
    REQUIRE(why != nullptr);
    CHECK(std::string(why).find(c.says) != std::string::npos);
  }
  // The seed on a 132-SM H100: 4 n-tiles of 33 blocks, 8320 items each.
  const auto g = gate::gpu::make_v6_geometry(shape(128, 64, 128, 64, 64), 132);
  CHECK(g.n_tiles == 4);
  CHECK(g.blocks_per_tile == 33);
  CHECK(g.items == 128 * 65);
  CHECK(g.units == 2);
  CHECK(gate::gpu::kV6SmemBytes <= kH100SmemOptin);
}
