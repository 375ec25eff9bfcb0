// Host side of fused_v3_tap_tile: which problems it runs and its derived sizes (fused_v3_geometry.hpp).
#include "gpu/fused_v3_geometry.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

#include "gpu/fused.hpp"

namespace gate::gpu {

namespace {

int v3_a_quads(int W) {
  const int wp = (W + 1 + 3) / 4 * 4;
  return (kV3BlockM + wp + 4) / 4;
}

}  // namespace

bool v3_supports(const KernelShape& s, const char** why_not) {
  auto no = [&](const char* why) {
    if (why_not) *why_not = why;
    return false;
  };
  if (s.groups != 1) return no("groups > 1");
  if (s.dh != 1 || s.dw != 1) return no("dilation > 1");
  if (s.sh != 2 || s.sw != 2 || s.kH != 4 || s.kW != 4) return no("only stride 2 with a 4×4 kernel");
  if (s.ph != 0 || s.pw != 0) return no("padding > 0");
  if (s.Hout != 2 * s.H + 2 || s.Wout != 2 * s.W + 2) return no("output_padding > 0");
  if (s.W % 4 != 0) return no("W not a multiple of 4 (16-byte copies of input rows)");
  if (s.Cin % kV3ChunkCi != 0) return no("Cin not a multiple of 8");
  if (s.Cout % kV3CoutPerBlock != 0) return no("Cout not a multiple of 32");
  if (kV3ChunkCi * v3_a_quads(s.W) > kV3MaxASlots * kV3Threads) return no("W too large for the input tile");
  if (int64_t(s.Cin) * s.H * s.W > INT32_MAX) return no("one image's input exceeds 2^31 elements");
  return true;
}

V3Geometry make_v3_geometry(const KernelShape& s, int elem_bytes) {
  const char* why = nullptr;
  if (!v3_supports(s, &why)) throw GpuError(std::string("fused_v3_tap_tile: unsupported problem: ") + why);
  V3Geometry g{};
  g.N = s.N, g.Cin = s.Cin, g.Cout = s.Cout, g.H = s.H, g.W = s.W, g.Hout = s.Hout, g.Wout = s.Wout;
  g.WP = (s.W + 1 + 3) / 4 * 4;
  g.QH = s.H + 1;
  g.m_tiles = (g.QH * g.WP + kV3BlockM - 1) / kV3BlockM;
  g.n_tiles = s.Cout / kV3CoutPerBlock;
  g.chunks = s.Cin / kV3ChunkCi;
  g.a_quads = v3_a_quads(s.W);
  g.a_ld = 4 * g.a_quads;
  while (g.a_ld * elem_bytes / 4 % 32 != 8) g.a_ld += 4;
  g.has_bias = s.has_bias;
  g.add_value = s.add_value;
  g.multiply_value = s.multiply_value;
  const int main_bytes = kV3Stages * (kV3ChunkCi * g.a_ld * elem_bytes + (elem_bytes == 4 ? kV3BStageWords<4> : kV3BStageWords<2>) * 4);
  const int staging_bytes = 4 * kV3CoutPerBlock * kV3StageLd * 4;
  g.smem_bytes = std::max(main_bytes, staging_bytes);
  return g;
}

}  // namespace gate::gpu
