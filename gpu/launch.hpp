// The device-pointer API of the fused kernel: the benchmarks (bench/gpu/) and run_fused (gpu/fused.cu) launch through it.
// Inputs and output are device buffers in p.dtype's storage (float32 values, or float16/bfloat16 bit patterns as
// core/dtype.hpp's to_bits writes them); the launch is asynchronous on `stream` and checked (GpuError on a bad
// configuration or an unsupported problem); faults inside the kernel show at the caller's next synchronising call.
// No CUDA header is needed to include this (cudaStream_t is CUstream_st*).
#pragma once

#include <string>
#include <vector>

#include "core/problem.hpp"

struct CUstream_st;

namespace gate::gpu {

// Kernel versions, numbered with their idea (STYLE.md §7).
enum class Variant {
  kV1Direct,     // "fused_v1_direct": one thread per output, every parameter, fp32 fma
  kV2MmaTf32,    // "fused_v2_mma_tf32": phase-GEMM, TF32 mma.sync (tf32 contract, float32 only)
  kV2Mma3xTf32,  // "fused_v2_mma_3xtf32": phase-GEMM, 3xTF32 mma.sync (fp32 contract, float32 only; the small products
                 // as one bf16 mma from kBf16PairsMinTerms products an output)
  kV2Ffma,       // "fused_v2_ffma": phase-GEMM, fp32 fma (fp32 contract, float32 only)
  kV2MmaF16,     // "fused_v2_mma_f16": phase-GEMM, f16 mma.sync, fp32 accumulation (float16 only)
  kV2MmaBf16,    // "fused_v2_mma_bf16": phase-GEMM, bf16 mma.sync, fp32 accumulation (bfloat16 only)
  kV3MmaTf32,    // "fused_v3_mma_tf32": stride-2 k=4 tap tile, cp.async input window, packed weights, TF32 mma.sync
  kV3MmaF16,     // "fused_v3_mma_f16": the same, f16 mma.sync, fp32 accumulation (float16 only)
  kV3MmaBf16,    // "fused_v3_mma_bf16": the same, bf16 mma.sync, fp32 accumulation (bfloat16 only)
  kV4WgmmaTf32,  // "fused_v4_wgmma_tf32": v3's tile on Hopper wgmma, weights resident in shared memory (sm_90 only)
  kV4Wgmma3xTf32,  // "fused_v4_wgmma_3xtf32": the same, fp32 contract (float32 only): TF32 big·big and the small
                   // products as one bf16 wgmma from Cin = 32, three TF32 products below; v2 3xTF32 as fallback
  kV4WgmmaF16,   // "fused_v4_wgmma_f16": the same, f16 wgmma, fp32 accumulation (float16 only)
  kV4WgmmaBf16,  // "fused_v4_wgmma_bf16": the same, bf16 wgmma, fp32 accumulation (bfloat16 only)
  kV6SwapF16,    // "fused_v6_swap_f16": v4's 16-bit tile with wgmma's operands swapped (weights in registers, x as B),
                 // W = 64 and Cin 32, 64, 96 or 128 only (float16 only, sm_90 only); v4 f16 as fallback
  kV6SwapBf16,   // "fused_v6_swap_bf16": the same in bfloat16
};

const char* variant_name(Variant v);
Variant parse_variant(const std::string& name);  // GpuError naming the unknown variant and the known ones
const std::vector<Variant>& all_variants();

// True when v computes p under p's precision contract; otherwise false and *why_not says why.
bool variant_supports(const Problem& p, Variant v, std::string* why_not);

// Launches v on device buffers; bias is nullptr when !p.has_bias. Throws GpuError when !variant_supports(p, v).
void launch_fused(const Problem& p, Variant v, const void* x, const void* weight, const void* bias, void* y,
                  CUstream_st* stream);

}  // namespace gate::gpu
