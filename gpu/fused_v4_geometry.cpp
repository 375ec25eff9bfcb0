// Host side of fused_v4_wgmma: which problems it runs and its derived sizes (fused_v4_geometry.hpp).
#include "gpu/fused_v4_geometry.hpp"

#include <algorithm>
#include <string>

#include "gpu/fused.hpp"

namespace gate::gpu {

namespace {

int k_steps(int Cin, int elem_bytes) { return Cin / kV3ChunkCi * (elem_bytes == 4 ? 4 : 2); }

}  // namespace

int v4_smem_bytes(const KernelShape& s, int elem_bytes) {
  const V3Geometry w = make_v3_geometry(s, elem_bytes);
  return k_steps(s.Cin, elem_bytes) * kV4BStepBytes + kV4Stages * kV3ChunkCi * w.a_ld * elem_bytes;
}

bool v4_supports(const KernelShape& s, int elem_bytes, int smem_optin, const char** why_not) {
  if (!v3_supports(s, why_not)) return false;
  if (v4_smem_bytes(s, elem_bytes) > smem_optin) {
    if (why_not) *why_not = "Cin too large: one n-tile's weights and the window stages exceed shared memory";
    return false;
  }
  return true;
}

V4Geometry make_v4_geometry(const KernelShape& s, int elem_bytes, int resident_blocks) {
  V4Geometry g{};
  g.w = make_v3_geometry(s, elem_bytes);
  g.k_steps = k_steps(s.Cin, elem_bytes);
  g.b_bytes = g.k_steps * kV4BStepBytes;
  g.a_stage_bytes = kV3ChunkCi * g.w.a_ld * elem_bytes;
  g.smem_bytes = g.b_bytes + kV4Stages * g.a_stage_bytes;
  g.items = g.w.N * g.w.m_tiles;
  g.ctas_per_tile = std::clamp(resident_blocks / g.w.n_tiles, 1, g.items);
  if (int64_t(g.ctas_per_tile) * g.w.n_tiles > 0x7fffffff) throw GpuError("fused_v4_wgmma: grid too large");
  return g;
}

}  // namespace gate::gpu
