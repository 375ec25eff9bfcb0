// Host side of fused_v4_wgmma: which problems it runs and its derived sizes (fused_v4_geometry.hpp).
#include "gpu/fused_v4_geometry.hpp"

#include <algorithm>
#include <string>

#include "gpu/fused.hpp"

namespace gate::gpu {

namespace {

// Rows of a window stage for pitch wp: the 64 pixels of an item span at most (wp − 1 + 63) / wp + 1 q-rows, plus the
// row above.
int window_rows(int wp) { return (wp - 1 + kV4ItemM - 1) / wp + 2; }

}  // namespace

V4Geometry make_v4_geometry(const KernelShape& s, const V4Config& c, int resident_blocks) {
  const int elem_bytes = c.elem_bytes;
  V4Geometry g{};
  g.w = make_v3_geometry(s, elem_bytes);
  // Lane (g, c) loads channel c's element at offset c·a_ld + g: conflict-free when a_ld in 32-bit words is ≡ 8 or 24
  // (mod 32). Try the smallest pitches first (wider ones add junk columns to the tensor work); else take the smallest.
  const int align = 16 / elem_bytes;
  const int wp0 = (s.W + 1 + align - 1) / align * align;
  g.wp = wp0;
  for (int wp = wp0; wp <= wp0 + 4 * align; wp += align) {
    const int words = window_rows(wp) * wp * elem_bytes / 4;
    if (words % 32 == 8 || words % 32 == 24) {
      g.wp = wp;
      break;
    }
  }
  g.rows = window_rows(g.wp);
  g.a_ld = g.rows * g.wp;
  g.m_tiles = (g.w.QH * g.wp + kV4ItemM - 1) / kV4ItemM;
  g.n_tiles = g.w.n_tiles * (128 / c.n_cols);
  g.k_steps = s.Cin / kV3ChunkCi * (elem_bytes == 4 ? 4 : 2);
  g.b_bytes = c.b_copies * g.k_steps * v4_b_step_bytes(c);
  g.units = s.Cin / c.unit_ci;
  g.box_bytes = c.unit_ci * g.a_ld * elem_bytes;
  g.stage_bytes = kV4StagePad + (g.box_bytes + 127) / 128 * 128;
  g.bias_offset = g.b_bytes + c.warpgroups * c.stages * (g.stage_bytes + 2 * 8);
  g.smem_bytes = g.bias_offset + kV3CoutPerBlock * 4;
  g.items = g.w.N * g.m_tiles;
  g.by_m_tiles = FastDivide::make(g.m_tiles);
  g.by_wp = FastDivide::make(g.wp);
  g.ctas_per_tile = std::clamp(resident_blocks / g.n_tiles, 1, (g.items + c.warpgroups - 1) / c.warpgroups);
  if (int64_t(g.ctas_per_tile) * g.n_tiles > 0x7fffffff) throw GpuError("fused_v4_wgmma: grid too large");
  return g;
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
  if (g.wp > 256 || g.rows > 256) return no("W too large for one TMA box");
  if (int64_t(s.N) * s.Cin > INT32_MAX) return no("N·Cin exceeds the TMA's 32-bit coordinates");
  // Output offsets within one item's 32 channels are 32-bit in the kernel.
  if (int64_t(kV3CoutPerBlock) * s.Hout * s.Wout > INT32_MAX) return no("output planes too large for 32-bit offsets");
  if (g.smem_bytes > smem_optin) return no("Cin too large: one n-tile's weights and the window stages exceed shared memory");
  return true;
}

}  // namespace gate::gpu
