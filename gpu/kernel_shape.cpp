// KernelShape from a Problem, and the fast path's phase geometry (phase_geometry.hpp). Host only.
#include "gpu/kernel_shape.hpp"

#include <bit>
#include <limits>
#include <string>

#include "gpu/fused.hpp"
#include "gpu/phase_geometry.hpp"

namespace gate::gpu {
namespace {

int to_int(int64_t v, const char* field) {
  if (v < 0 || v > std::numeric_limits<int>::max()) {
    throw GpuError(std::string("gpu: ") + field + " = " + std::to_string(v) + " does not fit the kernels' 32-bit dimensions");
  }
  return static_cast<int>(v);
}

bool is_pow2(int v) { return v > 0 && std::has_single_bit(static_cast<unsigned>(v)); }
int log2i(int v) { return std::countr_zero(static_cast<unsigned>(v)); }

}  // namespace

KernelShape make_kernel_shape(const Problem& p) {
  validate(p, UINT64_MAX);  // device buffers: the host-memory limit of a case does not apply here
  KernelShape s{};
  s.N = to_int(p.N, "N");
  s.Cin = to_int(p.Cin, "Cin");
  s.Cout = to_int(p.Cout, "Cout");
  s.H = to_int(p.H, "H");
  s.W = to_int(p.W, "W");
  s.kH = to_int(p.kH, "kH");
  s.kW = to_int(p.kW, "kW");
  s.sh = to_int(p.stride.h, "stride.h");
  s.sw = to_int(p.stride.w, "stride.w");
  s.ph = to_int(p.padding.h, "padding.h");
  s.pw = to_int(p.padding.w, "padding.w");
  s.dh = to_int(p.dilation.h, "dilation.h");
  s.dw = to_int(p.dilation.w, "dilation.w");
  s.groups = to_int(p.groups, "groups");
  s.Hout = to_int(out_h(p), "Hout");
  s.Wout = to_int(out_w(p), "Wout");
  s.has_bias = p.has_bias;
  s.add_value = p.add_value;
  s.multiply_value = p.multiply_value;
  // The kernels index one image's planes and the weight in 32 bits below the image offset.
  to_int(int64_t(s.Cin) * s.H * s.W, "Cin·H·W");
  to_int(int64_t(s.Cout) * s.Hout * s.Wout, "Cout·Hout·Wout");
  to_int(int64_t(s.Cin) * (s.Cout / s.groups) * s.kH * s.kW, "weight elements");
  return s;
}

bool phase_gemm_supports(const KernelShape& s, const char** why_not) {
  auto no = [&](const char* why) {
    if (why_not) *why_not = why;
    return false;
  };
  if (s.groups != 1) return no("groups > 1");
  if (s.dh != 1 || s.dw != 1) return no("dilation > 1");
  if (s.kH % s.sh != 0 || s.kW % s.sw != 0) return no("kernel size not a multiple of the stride");
  if (!is_pow2(s.sh) || !is_pow2(s.sw)) return no("stride not a power of two");
  if (!is_pow2(s.kH / s.sh) || !is_pow2(s.kW / s.sw)) return no("taps per phase not a power of two");
  if ((s.kH / s.sh) * (s.kW / s.sw) > kChunkK) return no("more than 32 taps per phase");
  if (s.sh * s.sw > kBlockN) return no("more than 128 phases");
  return true;
}

PhaseGeometry make_phase_geometry(const KernelShape& s) {
  const char* why = nullptr;
  if (!phase_gemm_supports(s, &why)) throw GpuError(std::string("fused_v2_phase_gemm: unsupported problem: ") + why);
  PhaseGeometry g{};
  g.s = s;
  g.Th = s.kH / s.sh;
  g.Tw = s.kW / s.sw;
  g.taps = g.Th * g.Tw;
  g.log2_taps = log2i(g.taps);
  g.log2_tw = log2i(g.Tw);
  g.log2_sh = log2i(s.sh);
  g.log2_sw = log2i(s.sw);
  g.log2_kw = log2i(s.kW);
  g.log2_khkw = log2i(s.kH * s.kW);
  g.phases = s.sh * s.sw;
  g.log2_phases = log2i(g.phases);
  g.block_cout = kBlockN / g.phases;
  g.log2_block_cout = log2i(g.block_cout);
  // oh + ph = sh·qh + rh: qh runs over floor(ph / sh) .. floor((Hout − 1 + ph) / sh).
  g.qh_base = s.ph / s.sh;
  g.qw_base = s.pw / s.sw;
  g.QH = (s.Hout - 1 + s.ph) / s.sh - g.qh_base + 1;
  g.QW = (s.Wout - 1 + s.pw) / s.sw - g.qw_base + 1;
  g.m_total = int64_t(s.N) * g.QH * g.QW;
  g.n_tiles = (s.Cout + g.block_cout - 1) / g.block_cout;
  g.k_chunks = (s.Cin * g.taps + kChunkK - 1) / kChunkK;
  return g;
}

}  // namespace gate::gpu
