// Host side of fused_v5_wgmma_ss: which problems it runs and its derived sizes (fused_v5_geometry.hpp).
#include "gpu/fused_v5_geometry.hpp"

#include <algorithm>

#include "gpu/fused.hpp"

namespace gate::gpu {

V5Geometry make_v5_geometry(const KernelShape& s, const V5Config& c, int resident_blocks) {
  V5Geometry g{};
  g.w = make_v3_geometry(s, c.elem_bytes);
  g.pitch = s.W + 2;
  auto round_up = [](int n) { return (n + kV5TmaPixels - 1) / kV5TmaPixels * kV5TmaPixels; };
  g.plane = round_up((s.H + 2) * g.pitch);
  g.chunks = s.Cin / (16 / c.elem_bytes);
  g.window = round_up(kV5ItemM + g.pitch + 1);
  g.stage_bytes = (c.unit_chunks * g.window * 16 + 127) / 128 * 128;
  g.units = g.chunks / c.unit_chunks;
  g.m_tiles = (g.w.QH * g.pitch + kV5ItemM - 1) / kV5ItemM;
  g.k_steps = g.chunks / 2 * 4;
  g.b_bytes = g.k_steps * 128 * 32;
  g.bias_offset = g.b_bytes + c.stages * (g.stage_bytes + 2 * 8);
  g.smem_bytes = g.bias_offset + kV3CoutPerBlock * 4 + c.consumers * 8;  // then the consumers' turn mbarriers
  g.items = g.w.N * g.m_tiles;
  g.ctas_per_tile = std::clamp(resident_blocks / g.w.n_tiles, 1, (g.items + c.consumers - 1) / c.consumers);
  if (int64_t(g.ctas_per_tile) * g.w.n_tiles > 0x7fffffff) throw GpuError("fused_v5_wgmma_ss: grid too large");
  g.xt_bytes = int64_t(g.w.N) * g.chunks * g.plane * 16;
  return g;
}

bool v5_supports(const KernelShape& s, const V5Config& c, int smem_optin, const char** why_not) {
  auto no = [&](const char* why) {
    if (why_not) *why_not = why;
    return false;
  };
  if (!v3_supports(s, why_not)) return false;
  if (s.Cin % (c.unit_chunks * 16 / c.elem_bytes) != 0) {
    return no("Cin not a multiple of the pipeline unit's input channels (fused_v5_geometry.hpp)");
  }
  const V5Geometry g = make_v5_geometry(s, c, 1);
  if (g.window / kV5TmaPixels > 256) return no("W too large: an item's window exceeds the TMA's 256 rows per box");
  if (int64_t(s.N) * g.chunks > INT32_MAX || int64_t(s.H + 2) * g.pitch > INT32_MAX) {
    return no("the rewritten input exceeds the TMA's 32-bit coordinates");
  }
  // Output offsets within one item's 32 channels are 32-bit in the kernel.
  if (int64_t(kV3CoutPerBlock) * s.Hout * s.Wout > INT32_MAX) return no("output planes too large for 32-bit offsets");
  if (g.smem_bytes > smem_optin) return no("Cin too large: one n-tile's weights and the window stages exceed shared memory");
  return true;
}

}  // namespace gate::gpu
