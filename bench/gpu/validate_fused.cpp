// gpu_validate: every kernel variant on a catalogue of shapes, judged by verify's comparator against the double CPU
// reference (tests/gpu/gpu_case.hpp). The device script (run_on_device.sh) runs it in full, and under compute-sanitizer
// with --quick (tiny shapes: memcheck and racecheck are slow). Prints one line per (case, variant), then
// "N passed, M failed"; exit 0 when all passed, 1 when one failed, 2 when no device or a CUDA error.
//   gpu_validate [--quick] [--seed-full]     --seed-full adds the whole seed workload (N=128; the CPU reference takes a while)
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "gpu/fused.hpp"
#include "tests/gpu/gpu_case.hpp"

namespace {

using gate::DType;
using gate::Precision;
using gate::Problem;

struct Case {
  Problem p;
  float x_lo = 0.0f, x_hi = 1.0f;
};

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
void add_all_dtypes(std::vector<Case>& cases, Problem p, float x_lo = 0.0f, float x_hi = 1.0f) {
  const std::string name = p.name;
  for (DType d : {DType::kFloat32, DType::kFloat16, DType::kBFloat16}) {
    for (Precision pr : {Precision::kFp32, Precision::kTf32}) {
      if (d != DType::kFloat32 && pr == Precision::kTf32) continue;
      p.dtype = d;
      p.precision = pr;
      p.name = name + "_" + gate::to_string(d) + (d == DType::kFloat32 ? std::string("_") + gate::to_string(pr) : "");
      cases.push_back({p, x_lo, x_hi});
    }
  }
}

std::vector<Case> catalogue(bool quick, bool seed_full) {
  std::vector<Case> c;
  add_all_dtypes(c, make("tiny_k4s2", 1, 8, 16, 5, 5, 4, 4, {2, 2}));
  add_all_dtypes(c, make("tiny_awkward", 1, 3, 4, 4, 3, 3, 2, {2, 3}, {1, 0}, {1, 2}, {2, 1}));
  if (quick) return c;
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
    c.push_back({p});
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
      const auto in = gate::gpu_test::make_inputs(c.p, 11, c.x_lo, c.x_hi);
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
