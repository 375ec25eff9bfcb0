// This project's fused kernel behind the stable C ABI of gpu/candidate_abi.h, as the shared library
// libgate_candidate_fused.so: what `verify --candidate-lib` loads in its own test, and what the PyTorch op in
// tools/fused_op.py calls (device pointers and the current stream). For each problem it launches the fastest variant
// that keeps the problem's precision contract, falling back to fused_v1_direct for unusual parameters.
#include <cstdio>
#include <cstdint>
#include <exception>

#include "gpu/candidate_abi.h"
#include "gpu/launch.hpp"

namespace {

gate::Problem from_abi(const gate_problem_v1& a) {
  gate::Problem p;
  p.name = "abi";
  p.N = a.N, p.Cin = a.Cin, p.Cout = a.Cout, p.H = a.H, p.W = a.W, p.kH = a.kH, p.kW = a.kW;
  p.stride = {a.stride[0], a.stride[1]};
  p.padding = {a.padding[0], a.padding[1]};
  p.output_padding = {a.output_padding[0], a.output_padding[1]};
  p.dilation = {a.dilation[0], a.dilation[1]};
  p.groups = a.groups;
  p.has_bias = a.has_bias != 0;
  p.add_value = a.add_value;
  p.multiply_value = a.multiply_value;
  p.dtype = a.dtype == GATE_DTYPE_FLOAT16    ? gate::DType::kFloat16
            : a.dtype == GATE_DTYPE_BFLOAT16 ? gate::DType::kBFloat16
                                             : gate::DType::kFloat32;
  p.precision = a.precision == GATE_PRECISION_TF32 ? gate::Precision::kTf32 : gate::Precision::kFp32;
  return p;
}

// Fastest first (bench/RESULTS.md, seed workload: H200, 2026-11-25 22:34 UTC — v4 f16/bf16 0.58/0.57 ms, v4 tf32 0.90, v4
// 3xTF32 1.78 where v4 applies (compute capability 9.0, stride 2, k 4, no padding); else v3 f16/bf16 0.89, v3 tf32
// 1.33; v2 f16/bf16 2.05, v2 tf32 2.30; FFMA 4.49 ms and 3xTF32 4.45 ms about even; the same order on the H100 at
// 18:48); fused_v1_direct runs every valid problem.
// fused_v6_swap (16-bit, W = 64, Cin 32, 64, 96 or 128) comes before v4 where it applies (H100, bench/RESULTS.md
// "twenty-seventh session"): on the seed its launch 0.30–0.32 ms against v4's 0.33, on GELU-heavy data (add −0.5)
// 0.65–0.66 against 0.67–0.68; the seed with Cin 32 0.27 against 0.32, with Cin 96 0.42–0.46 against 0.46, with
// Cin 128 0.58–0.59 where v4 does not apply.
constexpr gate::gpu::Variant kPreference[] = {
    gate::gpu::Variant::kV6SwapF16,  gate::gpu::Variant::kV6SwapBf16,
    gate::gpu::Variant::kV4WgmmaF16, gate::gpu::Variant::kV4WgmmaBf16, gate::gpu::Variant::kV4WgmmaTf32,
    gate::gpu::Variant::kV3MmaF16,   gate::gpu::Variant::kV3MmaBf16,   gate::gpu::Variant::kV3MmaTf32,
    gate::gpu::Variant::kV2MmaF16,   gate::gpu::Variant::kV2MmaBf16,   gate::gpu::Variant::kV2MmaTf32,
    gate::gpu::Variant::kV4Wgmma3xTf32, gate::gpu::Variant::kV2Ffma, gate::gpu::Variant::kV2Mma3xTf32,
    gate::gpu::Variant::kV1Direct,
};

}  // namespace

extern "C" uint32_t gate_candidate_abi_version(void) { return GATE_CANDIDATE_ABI_VERSION; }
extern "C" const char* gate_candidate_name(void) { return "convt-gelu-gate fused kernel"; }
extern "C" int32_t gate_candidate_memory(void) { return GATE_MEMORY_CUDA; }

extern "C" int32_t gate_candidate_run(const gate_problem_v1* problem, const void* x, const void* weight,
                                      const void* bias, void* y, void* stream, char* message, size_t capacity) {
  try {
    const gate::Problem p = from_abi(*problem);
    gate::validate(p, UINT64_MAX);  // device memory is the caller's: no host limit applies
    for (gate::gpu::Variant v : kPreference) {
      if (!gate::gpu::variant_supports(p, v, nullptr)) continue;
      gate::gpu::launch_fused(p, v, x, weight, bias, y, static_cast<CUstream_st*>(stream));
      return 0;
    }
    std::snprintf(message, capacity, "no kernel variant supports this problem");
    return 2;
  } catch (const std::exception& e) {
    std::snprintf(message, capacity, "%s", e.what());
    return 1;
  }
}
