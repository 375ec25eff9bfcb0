// Host side of fused_v4_wgmma: which problems it runs and its derived sizes (fused_v4_geometry.hpp).
#include "gpu/fused_v4_geometry.hpp"

#include <algorithm>
#include <string>

#include "gpu/fused.hpp"

namespace gate::gpu {

V4Geometry make_v4_geometry(const KernelShape& s, const V4Config& c, int resident_blocks) {
  const int elem_bytes = c.elem_bytes;
  V4Geometry g{};
  g.w = make_v3_geometry(s, elem_bytes);
  const int align = 16 / elem_bytes;  // elements in 16 bytes: box widths are multiples of it
  g.lead = align;
  g.segs = (s.W + kV4ItemM - 1) / kV4ItemM;
  g.whole_rows = c.split_tw && s.W == kV4ItemM;
  g.staged = c.staged_stores && (c.split_tw ? g.whole_rows : s.W == kV4ItemM);
  g.row_items = g.w.QH * g.segs;
  const int col_items = g.whole_rows ? 0 : (g.w.QH + kV4ColItemRows - 1) / kV4ColItemRows;
  g.m_tiles = g.row_items + col_items;
  g.group_items = kV4ColItemRows * g.segs + (g.whole_rows ? 0 : 1);
  auto box = [&](int pitch, int rows) { return V4Box{pitch, rows, rows * pitch, c.unit_ci * rows * pitch * elem_bytes}; };
  // Row items: lead + 64 columns (68 float32, 72 16-bit). Lane (g, c) of a fragment load reads
  // channel c's word c·a_ld + g (+ a constant): the 2-row a_ld is 136 words float32 and 72 words 16-bit, ≡ 8 mod 32, so
  // the 32 lanes fall in distinct banks (tests/gpu/fused_v4_geometry_test.cpp).
  g.row_box = box(v4_row_box_pitch(elem_bytes), 2);  // kV4ItemM + lead
  // Col items: 32 bytes of columns around W, 17 input rows (as many bytes as a row item's box for float32, 16-bit
  // twice). Their lanes read 2 or 4 rows at a 32-byte pitch: bank conflicts, on 5 of the seed's 70 items per image.
  g.col_box = box(2 * align, kV4ColItemRows + 1);
  g.n_tiles = g.w.n_tiles * (128 / c.n_cols);
  g.k_steps = s.Cin / kV3ChunkCi * (elem_bytes == 4 ? 4 : 2);
  g.b_bytes = c.b_copies * g.k_steps * v4_b_step_bytes(c);
  g.units = s.Cin / c.unit_ci;
  g.stage_bytes = (std::max(g.row_box.box_bytes, g.col_box.box_bytes) + 127) / 128 * 128;
  g.bias_offset = g.b_bytes + c.warpgroups * c.stages * (g.stage_bytes + 2 * 8);
  // Output staging: TMA stores of whole rows (v4_out_slot) sixteen boxes (eight per channel parity) of 256 of the 260
  // outputs of each channel's row pair, 1 KB-aligned for the TMA's 128-byte swizzle (at the seed workload the buffers
  // then end exactly at the H100's 232,448 bytes); 16-bit whole rows (v4_run_slot) the 32 channels' runs; otherwise
  // (v4_row_slot) a row item's 32 channels × its block's output rows.
  g.staging_bytes = v4_tma_stores(c)                 ? kV4OutBoxes * kV3CoutPerBlock * kV4OutBoxWidth * elem_bytes
                    : g.whole_rows && elem_bytes == 2 ? kV3CoutPerBlock * kV4RunPitch
                                                      : c.n_cols / kV4ItemM * kV3CoutPerBlock * v4_row_pitch(elem_bytes);
  const int staging_align = g.staged && v4_tma_stores(c) ? 1024 : 128;
  g.store_bar_offset = g.bias_offset + kV3CoutPerBlock * 4;
  // q-column W's side buffers (whole rows: v4_w_to_side), one per warpgroup and staging buffer, between the barriers
  // and the staging buffers (for TF32 in the 1 KB alignment's padding, where its 512 bytes fit and nothing else is free).
  g.w_side_offset = (g.store_bar_offset + 2 * c.warpgroups * c.staging_buffers * 8 + 15) / 16 * 16;
  const int side_bytes = g.whole_rows && g.staged ? v4_w_side_bytes(c) : 0;
  g.staging_offset = (g.w_side_offset + c.warpgroups * c.staging_buffers * side_bytes + staging_align - 1) /
                     staging_align * staging_align;
  g.smem_bytes = g.staging_offset + (g.staged ? c.warpgroups * c.staging_buffers * g.staging_bytes : 0);
  g.items = g.w.N * g.m_tiles;
  g.by_m_tiles = FastDivide::make(g.m_tiles);
  g.by_group = FastDivide::make(g.group_items);
  g.by_segs = FastDivide::make(g.segs);
  g.warpgroups = c.warpgroups;
  g.pairs = (g.items + 1) / 2;
  g.ctas_per_tile = std::clamp(resident_blocks / g.n_tiles, 1, (g.items + c.warpgroups - 1) / c.warpgroups);
  if (int64_t(g.ctas_per_tile) * g.n_tiles > 0x7fffffff) throw GpuError("fused_v4_wgmma: grid too large");
  // The SMs that ctas_per_tile × n_tiles leaves (v4_run): as many extra blocks as divide the n-tiles evenly, each
  // taking n_tiles / extra n-tiles' tails. A regular warpgroup then takes ceil((pairs − tail) / (warpgroups ·
  // ctas_per_tile)) pairs, an extra one tiles_per_extra · ceil(tail / warpgroups): about equal at tail = pairs ·
  // extra / (extra + ctas_per_tile · n_tiles); the tail near that which makes the larger of the two least (the longest
  // such). Not when the items limited ctas_per_tile (blocks to spare anyway), nor when no tail helps.
  g.pairs_main = g.pairs;
  g.extra_ctas = g.tiles_per_extra = 0;
  const int regular = g.ctas_per_tile * g.n_tiles, spare = resident_blocks - regular;
  if (spare > 0 && g.ctas_per_tile == resident_blocks / g.n_tiles) {
    int extra = spare;
    while (g.n_tiles % extra != 0) --extra;
    const int tiles = g.n_tiles / extra, wgs = c.warpgroups, regular_wgs = wgs * g.ctas_per_tile;
    auto longest = [&](int64_t tail) {  // pairs of the busiest warpgroup
      return std::max((g.pairs - tail + regular_wgs - 1) / regular_wgs, tiles * ((tail + wgs - 1) / wgs));
    };
    const int64_t guess = int64_t(g.pairs) * extra / (int64_t(extra) + regular);
    int64_t best = 0;
    for (int64_t tail = std::max<int64_t>(guess - 4 * wgs, 1); tail <= guess + 4 * wgs && tail < g.pairs; ++tail) {
      if (longest(tail) <= longest(best)) best = tail;  // ties to the longer tail: fewer regular warpgroups at most
    }
    if (best > 0 && longest(best) < longest(0)) {
      g.extra_ctas = extra;
      g.tiles_per_extra = tiles;
      g.pairs_main = g.pairs - int(best);
    }
  }
  const int round_items = 2 * c.warpgroups * g.ctas_per_tile;
  g.x_ahead = c.prefetch_x ? std::max(1, (round_items + g.m_tiles / 2) / g.m_tiles) : 0;
  return g;
}

void v4_fit_x_prefetch(V4Geometry& g, int elem_bytes, int64_t l2_bytes) {
  const int64_t image_bytes = int64_t(g.w.Cin) * g.w.H * g.w.W * elem_bytes;
  if (g.x_ahead > 0 && (g.x_ahead + 1) * image_bytes > l2_bytes / 4) g.x_ahead = 0;
}

bool v4_supports(const KernelShape& s, const V4Config& c, int smem_optin, const char** why_not) {
  auto no = [&](const char* why) {
    if (why_not) *why_not = why;
    return false;
  };
  if (!v3_supports(s, why_not)) return false;
  if (s.Cin % c.unit_ci != 0) return no("Cin not a multiple of the pipeline unit's input channels (fused_v4_geometry.hpp)");
  if (s.W * c.elem_bytes % 16 != 0) return no("W·element size not a multiple of 16 bytes (TMA row stride)");
  const V4Geometry g = make_v4_geometry(s, c, 1);
  if (int64_t(s.N) * s.Cin > INT32_MAX || int64_t(s.N) * s.Cout > INT32_MAX) {
    return no("N·Cin or N·Cout exceeds the TMA's 32-bit coordinates");
  }
  // Output offsets within one item's 32 channels are 32-bit in the kernel.
  if (int64_t(kV3CoutPerBlock) * s.Hout * s.Wout > INT32_MAX) return no("output planes too large for 32-bit offsets");
  if (g.smem_bytes > smem_optin) return no("Cin too large: one n-tile's weights and the window stages exceed shared memory");
  return true;
}

}  // namespace gate::gpu
