// Host-side tests of fused_v5_wgmma_ss's geometry (gpu/fused_v5_geometry.cpp): the sizes the kernel's correctness rests
// on (the items cover the q-grid; every tap of every item row is a pixel of the item's window and the right xt pixel;
// the stages and weights within the H100's 227 KB; the descriptor fields in range) and the problems v5 declines. No GPU
// needed: runs in CI wherever CUDA was found.
#include <catch2/catch.hpp>

#include <string>

#include "core/problem.hpp"
#include "gpu/fused_v5_geometry.hpp"
#include "gpu/kernel_shape.hpp"

namespace {

using gate::gpu::V5Config;
using gate::gpu::V5Geometry;

constexpr V5Config kConfigs[] = {gate::gpu::kV5ConfigTf32, gate::gpu::kV5Config16Bit};
constexpr int kH100SmemOptin = 232448;  // cudaDevAttrMaxSharedMemoryPerBlockOptin on the H100 (227 KB)

gate::gpu::KernelShape shape(int N, int Cin, int Cout, int H, int W) {
  gate::Problem p;
  p.N = N, p.Cin = Cin, p.Cout = Cout, p.H = H, p.W = W, p.kH = 4, p.kW = 4;
  p.stride = {2, 2};
  return gate::gpu::make_kernel_shape(p);
}

// Item rows m (q-pixel L = l0 + m, (qh, qw) = (L / pitch, L mod pitch)) and their taps: window pixel
// m + pitch + 1 − th·pitch − tw must be inside [0, window) and, for a real q-pixel, be xt pixel
// (qh − th + 1)·pitch + (qw − tw + 1): input (qh − th, qw − tw) in the padded plane.
void check_windows(const V5Geometry& g) {
  int real = 0;
  for (int l0 = 0; l0 < g.m_tiles * gate::gpu::kV5ItemM; l0 += gate::gpu::kV5ItemM) {
    for (int m = 0; m < gate::gpu::kV5ItemM; ++m) {
      const int L = l0 + m, qh = L / g.pitch, qw = L % g.pitch;
      for (int th = 0; th < 2; ++th)
        for (int tw = 0; tw < 2; ++tw) {
          const int w = m + g.pitch + 1 - th * g.pitch - tw;
          REQUIRE(w >= 0);
          REQUIRE(w < g.window);
          if (qh < g.w.QH && qw <= g.w.W) {
            CHECK(l0 + w == (qh - th + 1) * g.pitch + (qw - tw + 1));
            CHECK(qh - th + 1 >= 0);
            CHECK(qh - th + 1 < g.w.H + 2);
          }
        }
      real += (qh < g.w.QH && qw <= g.w.W) ? 1 : 0;
    }
  }
  CHECK(real == g.w.QH * (g.w.W + 1));  // every q-pixel in exactly one item row
}

}  // namespace

TEST_CASE("fused_v5 geometry: windows hold every tap of every item row, on the seed workload and odd shapes", "[gpu_host]") {
  for (const V5Config& c : kConfigs) {
    for (auto s : {shape(128, 64, 128, 64, 64), shape(3, 32, 96, 10, 40), shape(300, 64, 32, 12, 12), shape(1, 32, 32, 1, 4)}) {
      const V5Geometry g = gate::gpu::make_v5_geometry(s, c, 132);
      INFO("elem " << c.elem_bytes << " H " << s.H << " W " << s.W);
      check_windows(g);
      CHECK(g.stage_bytes % 128 == 0);
      CHECK(g.window % gate::gpu::kV5TmaPixels == 0);  // whole TMA rows, and items start on one
      CHECK(g.plane % gate::gpu::kV5TmaPixels == 0);
      CHECK(gate::gpu::kV5ItemM % gate::gpu::kV5TmaPixels == 0);
      CHECK(g.plane >= (g.w.H + 2) * g.pitch);
      CHECK(g.stage_bytes >= c.unit_chunks * g.window * 16);
      CHECK(g.units * c.unit_chunks == g.chunks);
      CHECK(g.b_bytes % 1024 == 0);  // the stages start 1 KB-aligned after the weights
      CHECK(g.window * 16 < (1 << 18));  // the descriptor's 14-bit LBO field (bytes >> 4)
    }
  }
}

TEST_CASE("fused_v5 geometry: the seed workload fits one block per SM and spreads its items evenly", "[gpu_host]") {
  const auto s = shape(128, 64, 128, 64, 64);
  const V5Geometry t = gate::gpu::make_v5_geometry(s, gate::gpu::kV5ConfigTf32, 132);
  CHECK(t.pitch == 66);
  CHECK(t.window == 144);                   // 64 + 66 + 1 pixels in whole 16-pixel TMA rows
  CHECK(t.m_tiles == 68);                   // ceil(65·66 / 64): 3% of the rows are junk
  CHECK(t.b_bytes == 128 * 1024);           // 32 k-steps of 128 columns × 8 TF32
  CHECK(t.smem_bytes <= kH100SmemOptin);
  CHECK(t.ctas_per_tile == 33);             // 132 SMs / 4 n-tiles
  CHECK(t.plane == 4368);                   // 66 × 66 in whole 16-pixel TMA rows
  CHECK(t.xt_bytes == int64_t(128) * 16 * 4368 * 16);
  const V5Geometry h = gate::gpu::make_v5_geometry(s, gate::gpu::kV5Config16Bit, 132);
  CHECK(h.b_bytes == 64 * 1024);
  CHECK(h.smem_bytes <= kH100SmemOptin);
  CHECK(h.k_steps == 16);
}

TEST_CASE("fused_v5 geometry: the problems it declines, with the reason", "[gpu_host]") {
  const char* why = nullptr;
  CHECK_FALSE(gate::gpu::v5_supports(shape(2, 8, 32, 8, 8), gate::gpu::kV5ConfigTf32, kH100SmemOptin, &why));
  CHECK(std::string(why).find("Cin") != std::string::npos);  // a unit is 16 channels (TF32), 32 (16-bit)
  CHECK(gate::gpu::v5_supports(shape(2, 16, 32, 8, 8), gate::gpu::kV5ConfigTf32, kH100SmemOptin, &why));
  CHECK_FALSE(gate::gpu::v5_supports(shape(2, 16, 32, 8, 8), gate::gpu::kV5Config16Bit, kH100SmemOptin, &why));
  // W = 200: declined (v3's input tile already bounds W below the window's 256-row TMA limit).
  CHECK_FALSE(gate::gpu::v5_supports(shape(1, 16, 32, 8, 200), gate::gpu::kV5ConfigTf32, kH100SmemOptin, &why));
  CHECK_FALSE(gate::gpu::v5_supports(shape(1, 128, 32, 8, 8), gate::gpu::kV5ConfigTf32, kH100SmemOptin, &why));
  CHECK(std::string(why).find("shared memory") != std::string::npos);  // 256 KB of TF32 weights
}
