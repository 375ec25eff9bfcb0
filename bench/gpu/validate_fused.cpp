// gpu_validate: every kernel variant on a catalogue of shapes, judged by verify's comparator against the double CPU
// reference (tests/gpu/gpu_case.hpp). The device script (run_on_device.sh) runs it in full, and under compute-sanitizer
// with --quick (tiny shapes: memcheck and racecheck are slow). Prints one line per (case, variant), then
// "N passed, M failed"; exit 0 when all passed, 1 when one failed, 2 when no device or a CUDA error.
//   gpu_validate [--quick] [--seed-full]     --seed-full adds the whole seed workload (N=128; the CPU reference takes a while)
#include <chrono>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "core/dtype.hpp"
#include "gpu/fused.hpp"
#include "tests/gpu/gpu_case.hpp"

namespace {

using gate::DType;
using gate::Precision;
using gate::Problem;

struct Case {
  Problem p;
  float x_lo = 0.0f, x_hi = 1.0f;
  bool specials = false;  // NaN, ±inf, subnormals and −0.0 written into x and weight (inject_specials)
};

// Special values at fixed places, rounded to the dtype (float16 flushes the float32 subnormals to 0, bfloat16 keeps
// them): the outputs those inputs reach must be NaN or the same infinity as the double reference's, the rest unharmed.
void inject_specials(gate::gpu_test::Inputs& in) {
  auto& x = in.x.values;
  auto put = [&](std::vector<float>& v, size_t i, float value) {
    if (i < v.size()) v[i] = gate::round_to_dtype(value, in.x.dtype);
  };
  const float inf = std::numeric_limits<float>::infinity();
  put(x, 5, std::numeric_limits<float>::quiet_NaN());
  put(x, 77, inf);
  put(x, 301, -inf);
  put(x, 600, -0.0f);
  for (size_t i = 700; i < 740; ++i) put(x, i, (i % 2 ? 1.0f : -1.0f) * 3.0e-39f);
  put(x, x.size() - 1, inf);  // the last pixel: the image's bottom-right corner
  for (size_t i = 40; i < 60; ++i) put(in.weight.values, i, 2.5e-39f);
}

Problem make(const char* name, int64_t N, int64_t Cin, int64_t Cout, int64_t H, int64_t W, int64_t kH, int64_t kW,
             gate::Hw stride, gate::Hw padding = {0, 0}, gate::Hw output_padding = {0, 0}, gate::Hw dilation = {1, 1},
             int64_t groups = 1, bool has_bias = true, float add = 0.02f, float mul = 2.0f) {
  Problem p;
  p.name = name;
  p.N = N, p.Cin = Cin, p.Cout = Cout, p.H = H, p.W = W, p.kH = kH, p.kW = kW;
  p.stride = stride, p.padding = padding, p.output_padding = output_padding, p.dilation = dilation;
  p.groups = groups, p.has_bias = has_bias, p.add_value = add, p.multiply_value = mul;
  return p;
}

// Each shape in float32 under both contracts, float16 and bfloat16.
void add_all_dtypes(std::vector<Case>& cases, Problem p, float x_lo = 0.0f, float x_hi = 1.0f, bool specials = false) {
  const std::string name = p.name;
  for (DType d : {DType::kFloat32, DType::kFloat16, DType::kBFloat16}) {
    for (Precision pr : {Precision::kFp32, Precision::kTf32}) {
      if (d != DType::kFloat32 && pr == Precision::kTf32) continue;
      p.dtype = d;
      p.precision = pr;
      p.name = name + "_" + gate::to_string(d) + (d == DType::kFloat32 ? std::string("_") + gate::to_string(pr) : "");
      cases.push_back({p, x_lo, x_hi, specials});
    }
  }
}

std::vector<Case> catalogue(bool quick, bool seed_full) {
  std::vector<Case> c;
  add_all_dtypes(c, make("tiny_k4s2", 1, 8, 16, 5, 5, 4, 4, {2, 2}));
  add_all_dtypes(c, make("tiny_awkward", 1, 3, 4, 4, 3, 3, 2, {2, 3}, {1, 0}, {1, 2}, {2, 1}));
  // fused_v3's shape (stride 2, k 4, no padding, W % 4 == 0, Cin % 8 == 0, Cout % 32 == 0), small for the sanitizers:
  // one partial m-tile per image (72 of 128 q-pixels), every tap at an image edge, signed inputs, the special values.
  add_all_dtypes(c, make("v3_tiny_specials", 2, 8, 32, 5, 8, 4, 4, {2, 2}, {0, 0}, {0, 0}, {1, 1}, 1, true, 0.02f, 2.0f),
                 -1.0f, 1.0f, true);
  // v4's staged stores (W = 64: whole rows by TMA stores for TF32, row items copied out by the storer warp for 16-bit
  // and 3xTF32), small enough for the sanitizers: one image, 4 q-rows, both output row parities, GELU on most outputs.
  add_all_dtypes(c, make("v4_staged_rows", 1, 16, 64, 3, 64, 4, 4, {2, 2}, {0, 0}, {0, 0}, {1, 1}, 1, true, -0.5f, 2.0f),
                 -1.0f, 1.0f);
  // fused_v6_swap (16-bit, W = 64, Cin 32): 5 images × 32 q-rows on one n-tile, more items than a 132-SM card has
  // blocks, so that blocks take two q-rows in a row and the storer carries run tails between them; GELU on most
  // outputs, no bias. Then Cin 128 (four window units an item, the window ring holding an item and a half) with a bias.
  for (DType d : {DType::kFloat16, DType::kBFloat16}) {
    Problem p = make("v6_carried_runs", 5, 32, 32, 31, 64, 4, 4, {2, 2}, {0, 0}, {0, 0}, {1, 1}, 1, false, -0.3f, 1.5f);
    p.dtype = d;
    p.name += std::string("_") + gate::to_string(d);
    c.push_back({p, -1.0f, 1.0f});
    Problem q = make("v6_cin128", 3, 128, 32, 15, 64, 4, 4, {2, 2}, {0, 0}, {0, 0}, {1, 1}, 1, true, -0.3f, 1.5f);
    q.dtype = d;
    q.name += std::string("_") + gate::to_string(d);
    c.push_back({q, -1.0f, 1.0f});
  }
  if (quick) return c;
  // fused_v3: several m- and n-tiles, no bias, negative multiply, a row pitch (WP = 44) not a divisor of the tile.
  add_all_dtypes(c, make("v3_tiles_nobias", 3, 24, 96, 10, 40, 4, 4, {2, 2}, {0, 0}, {0, 0}, {1, 1}, 1, false, 0.02f, -1.5f),
                 -1.0f, 1.0f);
  add_all_dtypes(c, make("v3_seedlike_specials", 2, 64, 128, 16, 64, 4, 4, {2, 2}, {0, 0}, {0, 0}, {1, 1}, 1, true, -0.5f, 2.0f),
                 0.0f, 1.0f, true);
  add_all_dtypes(c, make("seedlike_small", 2, 16, 32, 9, 9, 4, 4, {2, 2}));
  add_all_dtypes(c, make("awkward", 2, 5, 7, 6, 5, 3, 2, {2, 3}, {1, 0}, {1, 2}, {2, 1}));
  add_all_dtypes(c, make("groups_nobias", 2, 6, 9, 5, 4, 3, 3, {2, 2}, {1, 1}, {1, 0}, {1, 1}, 3, false));
  add_all_dtypes(c, make("s1_k4_tails", 1, 3, 20, 7, 9, 4, 4, {1, 1}, {1, 2}));
  add_all_dtypes(c, make("s4_k4_pad", 2, 9, 12, 5, 6, 4, 4, {4, 4}, {2, 2}, {3, 1}));
  add_all_dtypes(c, make("rect_k4x2_s2x1", 2, 40, 70, 5, 11, 4, 2, {2, 1}, {1, 1}, {0, 0}, {1, 1}, 1, false));
  add_all_dtypes(c, make("mtail_negmul", 7, 8, 16, 3, 5, 2, 2, {2, 2}, {0, 0}, {0, 0}, {1, 1}, 1, true, 0.02f, -1.5f));
  add_all_dtypes(c, make("k3s1_v1only", 2, 12, 24, 10, 10, 3, 3, {1, 1}, {1, 1}));
  add_all_dtypes(c, make("signed_inputs", 2, 32, 64, 12, 12, 4, 4, {2, 2}, {1, 1}), -1.0f, 1.0f);
  // The seed workload's parameters on 2 images (the kernel's per-image work is identical for N=128), with the seed's
  // add 0.5 (almost every output is +0 after the clamp: low-trust) and with add -0.5 (most outputs go through GELU).
  add_all_dtypes(c, make("seed_n2", 2, 64, 128, 64, 64, 4, 4, {2, 2}, {0, 0}, {0, 0}, {1, 1}, 1, true, 0.5f, 2.0f));
  add_all_dtypes(c, make("seed_n2_add_neg", 2, 64, 128, 64, 64, 4, 4, {2, 2}, {0, 0}, {0, 0}, {1, 1}, 1, true, -0.5f, 2.0f));
  if (seed_full) {
    Problem p = make("seed_full_float32_tf32", 128, 64, 128, 64, 64, 4, 4, {2, 2}, {0, 0}, {0, 0}, {1, 1}, 1, true, 0.5f, 2.0f);
    p.precision = Precision::kTf32;
    c.push_back({p, 0.0f, 1.0f});
    // The 16-bit paths on the whole seed workload too (fused_v3's f16/bf16 flavours, bench/NOTES.md §6b).
    for (DType d : {DType::kFloat16, DType::kBFloat16}) {
      Problem q = p;
      q.dtype = d;
      q.precision = Precision::kFp32;
      q.name = std::string("seed_full_") + gate::to_string(d);
      c.push_back({q, 0.0f, 1.0f});
    }
  }
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false, seed_full = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--quick")) quick = true;
    else if (!std::strcmp(argv[i], "--seed-full")) seed_full = true;
    else {
      std::fprintf(stderr, "usage: gpu_validate [--quick] [--seed-full]\n");
      return 2;
    }
  }
  std::string why;
  if (!gate::gpu::device_available(&why)) {
    std::fprintf(stderr, "gpu_validate: %s\n", why.c_str());
    return 2;
  }
  std::printf("device: %s\n", gate::gpu::device_description().c_str());
  int passed = 0, failed = 0;
  try {
    for (const Case& c : catalogue(quick, seed_full)) {
      const auto t0 = std::chrono::steady_clock::now();
      auto in = gate::gpu_test::make_inputs(c.p, 11, c.x_lo, c.x_hi);
      if (c.specials) inject_specials(in);
      const auto expected = gate::gpu_test::make_expected(c.p, in);
      const double ref_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf("%s  (reference %.1f s)\n", gate::describe(c.p).c_str(), ref_s);
      for (const auto& v : gate::gpu::kernel_variants(c.p)) {
        const auto r = gate::gpu_test::run_and_compare(c.p, in, expected, v);
        std::printf("  %s%s\n", gate::gpu_test::summary(v, r).c_str(), r.low_trust ? "  [low trust: mostly zeros]" : "");
        (r.passed() ? passed : failed)++;
      }
      std::fflush(stdout);
    }
  } catch (const gate::gpu::GpuError& e) {
    std::printf("CUDA error: %s\n%d passed, %d failed\n", e.what(), passed, failed + 1);
    return 2;
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
