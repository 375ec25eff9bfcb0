// Host side of fused_v4_wgmma: which problems it runs and its derived sizes (fused_v4_geometry.hpp).
#include "gpu/fused_v4_geometry.hpp"

#include <algorithm>
#include <string>

#include "gpu/fused.hpp"

namespace gate::gpu {

V4Geometry make_v4_geometry(const KernelShape& s, int elem_bytes, int resident_blocks) {
  V4Geometry g{};
  g.w = make_v3_geometry(s, elem_bytes);
  g.m_tiles = (g.w.QH * g.w.WP + kV4ItemM - 1) / kV4ItemM;
  g.a_quads = (kV4ItemM + g.w.WP + 4) / 4;
  g.a_ld = 4 * g.a_quads;
  while (g.a_ld * elem_bytes / 4 % 32 != 8) g.a_ld += 4;
  g.k_steps = s.Cin / kV3ChunkCi * (elem_bytes == 4 ? 4 : 2);
  g.b_bytes = g.k_steps * kV4BStepBytes;
  g.a_stage_bytes = kV3ChunkCi * g.a_ld * elem_bytes;
  g.smem_bytes = g.b_bytes + 2 * kV4Stages * g.a_stage_bytes;
  g.items = g.w.N * g.m_tiles;
  g.ctas_per_tile = std::clamp(resident_blocks / g.w.n_tiles, 1, (g.items + 1) / 2);
  if (int64_t(g.ctas_per_tile) * g.w.n_tiles > 0x7fffffff) throw GpuError("fused_v4_wgmma: grid too large");
  return g;
}

bool v4_supports(const KernelShape& s, int elem_bytes, int smem_optin, const char** why_not) {
  if (!v3_supports(s, why_not)) return false;
  const V4Geometry g = make_v4_geometry(s, elem_bytes, 1);
  if (kV3ChunkCi * g.a_quads > kV4MaxASlots * kV4Threads / 2) {
    if (why_not) *why_not = "W too large for the input window";
    return false;
  }
  if (g.smem_bytes > smem_optin) {
    if (why_not) *why_not = "Cin too large: one n-tile's weights and the window stages exceed shared memory";
    return false;
  }
  return true;
}

}  // namespace gate::gpu
