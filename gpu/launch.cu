// The dispatcher of the device-pointer API (launch.hpp): variant names, which variant serves which problem under its
// precision contract, and the launch of fused_v1_direct or one phase-GEMM flavour.
#include "gpu/launch.hpp"

#include <algorithm>

#include "gpu/cuda_check.cuh"
#include "gpu/fused_v1_direct.cuh"
#include "gpu/fused_v2_launchers.hpp"
#include "gpu/fused_v3_geometry.hpp"
#include "gpu/fused_v3_launchers.hpp"
#include "gpu/fused_v4_geometry.hpp"
#include "gpu/fused_v4_launchers.hpp"
#include "gpu/fused_v6_geometry.hpp"
#include "gpu/fused_v6_launchers.hpp"
#include "gpu/kernel_shape.hpp"
#include "gpu/per_device.hpp"
#include "gpu/phase_geometry.hpp"

namespace gate::gpu {

const std::vector<Variant>& all_variants() {
  static const std::vector<Variant> v{Variant::kV1Direct, Variant::kV2MmaTf32, Variant::kV2Mma3xTf32,
                                      Variant::kV2Ffma,   Variant::kV2MmaF16,  Variant::kV2MmaBf16,
                                      Variant::kV3MmaTf32, Variant::kV3MmaF16, Variant::kV3MmaBf16,
                                      Variant::kV4WgmmaTf32, Variant::kV4Wgmma3xTf32, Variant::kV4WgmmaF16,
                                      Variant::kV4WgmmaBf16, Variant::kV6SwapF16, Variant::kV6SwapBf16};
  return v;
}

const char* variant_name(Variant v) {
  switch (v) {
    case Variant::kV1Direct: return "fused_v1_direct";
    case Variant::kV2MmaTf32: return "fused_v2_mma_tf32";
    case Variant::kV2Mma3xTf32: return "fused_v2_mma_3xtf32";
    case Variant::kV2Ffma: return "fused_v2_ffma";
    case Variant::kV2MmaF16: return "fused_v2_mma_f16";
    case Variant::kV2MmaBf16: return "fused_v2_mma_bf16";
    case Variant::kV3MmaTf32: return "fused_v3_mma_tf32";
    case Variant::kV3MmaF16: return "fused_v3_mma_f16";
    case Variant::kV3MmaBf16: return "fused_v3_mma_bf16";
    case Variant::kV4WgmmaTf32: return "fused_v4_wgmma_tf32";
    case Variant::kV4Wgmma3xTf32: return "fused_v4_wgmma_3xtf32";
    case Variant::kV4WgmmaF16: return "fused_v4_wgmma_f16";
    case Variant::kV4WgmmaBf16: return "fused_v4_wgmma_bf16";
    case Variant::kV6SwapF16: return "fused_v6_swap_f16";
    case Variant::kV6SwapBf16: return "fused_v6_swap_bf16";
  }
  return "?";
}

Variant parse_variant(const std::string& name) {
  std::string known;
  for (Variant v : all_variants()) {
    if (name == variant_name(v)) return v;
    known += std::string(known.empty() ? "" : ", ") + variant_name(v);
  }
  throw GpuError("gpu: unknown kernel variant '" + name + "' (known: " + known + ")");
}

namespace {

// True on a compute capability 9.0 device (the sm_90a code of v4 runs there and nowhere else); its opt-in shared memory
// per block in *smem_optin. False without a device.
bool sm90_device(int* smem_optin) {
  int count = 0, device = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess || count == 0 || cudaGetDevice(&device) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky-free error of a machine without a GPU
    return false;
  }
  *smem_optin = device_smem_per_block();
  return per_device(0, [](int device) {
    int major = 0, minor = 0;
    GATE_CUDA_CHECK(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device));
    GATE_CUDA_CHECK(cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device));
    return major == 9 && minor == 0;
  });
}

}  // namespace

bool variant_supports(const Problem& p, Variant v, std::string* why_not) {
  auto no = [&](std::string why) {
    if (why_not) *why_not = std::move(why);
    return false;
  };
  if (v == Variant::kV1Direct) return true;  // fp32 fma: meets every contract
  const bool f32 = p.dtype == DType::kFloat32;
  if (v == Variant::kV6SwapF16 || v == Variant::kV6SwapBf16) {
    if (v == Variant::kV6SwapF16 && p.dtype != DType::kFloat16) return no("float16 storage only");
    if (v == Variant::kV6SwapBf16 && p.dtype != DType::kBFloat16) return no("bfloat16 storage only");
    int smem_optin = 0;
    if (!sm90_device(&smem_optin)) return no("wgmma needs a compute capability 9.0 GPU (built for sm_90a)");
    const char* why = nullptr;
    if (!v6_supports(make_kernel_shape(p), smem_optin, &why)) return no(std::string("fused_v6: ") + why);
    return true;
  }
  if (v == Variant::kV4WgmmaTf32 || v == Variant::kV4Wgmma3xTf32 || v == Variant::kV4WgmmaF16 ||
      v == Variant::kV4WgmmaBf16) {
    if ((v == Variant::kV4WgmmaTf32 || v == Variant::kV4Wgmma3xTf32) && !f32) return no("float32 storage only");
    if (v == Variant::kV4WgmmaTf32 && p.precision != Precision::kTf32) return no("TF32 operands break the fp32 contract");
    if (v == Variant::kV4WgmmaF16 && p.dtype != DType::kFloat16) return no("float16 storage only");
    if (v == Variant::kV4WgmmaBf16 && p.dtype != DType::kBFloat16) return no("bfloat16 storage only");
    int smem_optin = 0;
    if (!sm90_device(&smem_optin)) return no("wgmma needs a compute capability 9.0 GPU (built for sm_90a)");
    const KernelShape s = make_kernel_shape(p);
    const V4Config config = v == Variant::kV4WgmmaTf32     ? kV4ConfigTf32
                            : v == Variant::kV4Wgmma3xTf32 ? kV4Config3xTf32
                                                           : kV4Config16Bit;
    const char* why = nullptr;
    if (!v4_supports(s, config, smem_optin, &why)) return no(std::string("fused_v4: ") + why);
    // 3xTF32's fallback (operands outside its split, unaligned pointers) is v2's 3xTF32 kernel.
    if (v == Variant::kV4Wgmma3xTf32 && !phase_gemm_supports(s, &why)) return no(std::string("phase-GEMM: ") + why);
    return true;
  }
  if (v == Variant::kV3MmaTf32 || v == Variant::kV3MmaF16 || v == Variant::kV3MmaBf16) {
    if (v == Variant::kV3MmaTf32 && !f32) return no("float32 storage only");
    if (v == Variant::kV3MmaTf32 && p.precision != Precision::kTf32) return no("TF32 operands break the fp32 contract");
    if (v == Variant::kV3MmaF16 && p.dtype != DType::kFloat16) return no("float16 storage only");
    if (v == Variant::kV3MmaBf16 && p.dtype != DType::kBFloat16) return no("bfloat16 storage only");
    const char* why = nullptr;
    if (!v3_supports(make_kernel_shape(p), &why)) return no(std::string("fused_v3: ") + why);
    return true;
  }
  switch (v) {
    case Variant::kV2MmaTf32:
      if (!f32) return no("float32 storage only");
      if (p.precision != Precision::kTf32) return no("TF32 operands break the fp32 contract");
      break;
    case Variant::kV2Mma3xTf32:
    case Variant::kV2Ffma:
      if (!f32) return no("float32 storage only");
      break;
    case Variant::kV2MmaF16:
      if (p.dtype != DType::kFloat16) return no("float16 storage only");
      break;
    case Variant::kV2MmaBf16:
      if (p.dtype != DType::kBFloat16) return no("bfloat16 storage only");
      break;
    case Variant::kV1Direct:
    case Variant::kV3MmaTf32:
    case Variant::kV3MmaF16:
    case Variant::kV3MmaBf16:
    case Variant::kV4WgmmaTf32:
    case Variant::kV4Wgmma3xTf32:
    case Variant::kV4WgmmaF16:
    case Variant::kV4WgmmaBf16:
    case Variant::kV6SwapF16:
    case Variant::kV6SwapBf16: break;
  }
  const char* why = nullptr;
  if (!phase_gemm_supports(make_kernel_shape(p), &why)) return no(std::string("phase-GEMM: ") + why);
  return true;
}

namespace {

template <class Storage>
void launch_v1(const KernelShape& s, const void* x, const void* w, const void* bias, void* y, cudaStream_t stream) {
  using Bits = typename Storage::Bits;
  const int64_t total = int64_t(s.N) * s.Cout * s.Hout * s.Wout;
  constexpr int kBlock = 256;
  const int64_t blocks = std::min<int64_t>((total + kBlock - 1) / kBlock, int64_t(1) << 20);  // grid-stride beyond
  fused_v1_direct<Storage><<<unsigned(blocks), kBlock, 0, stream>>>(
      s, static_cast<const Bits*>(x), static_cast<const Bits*>(w), static_cast<const Bits*>(bias), static_cast<Bits*>(y));
  GATE_CUDA_CHECK(cudaGetLastError());
}

}  // namespace

void launch_fused(const Problem& p, Variant v, const void* x, const void* weight, const void* bias, void* y,
                  CUstream_st* stream) {
  std::string why;
  if (!variant_supports(p, v, &why)) throw GpuError(std::string(variant_name(v)) + " cannot run " + p.name + ": " + why);
  if (p.has_bias && bias == nullptr) throw GpuError("launch_fused: the problem has a bias but no bias buffer was given");
  const KernelShape s = make_kernel_shape(p);
  switch (v) {
    case Variant::kV1Direct:
      switch (p.dtype) {
        case DType::kFloat32: return launch_v1<StorageF32>(s, x, weight, bias, y, stream);
        case DType::kFloat16: return launch_v1<StorageF16>(s, x, weight, bias, y, stream);
        case DType::kBFloat16: return launch_v1<StorageBF16>(s, x, weight, bias, y, stream);
      }
      break;
    case Variant::kV2MmaTf32: return launch_v2_mma_tf32(make_phase_geometry(s), x, weight, bias, y, stream);
    case Variant::kV2Mma3xTf32: return launch_v2_mma_3xtf32(make_phase_geometry(s), x, weight, bias, y, stream);
    case Variant::kV2Ffma: return launch_v2_ffma(make_phase_geometry(s), x, weight, bias, y, stream);
    case Variant::kV2MmaF16: return launch_v2_mma_f16(make_phase_geometry(s), x, weight, bias, y, stream);
    case Variant::kV2MmaBf16: return launch_v2_mma_bf16(make_phase_geometry(s), x, weight, bias, y, stream);
    case Variant::kV3MmaTf32: return launch_v3_mma_tf32(s, x, weight, bias, y, stream);
    case Variant::kV3MmaF16: return launch_v3_mma_f16(s, x, weight, bias, y, stream);
    case Variant::kV3MmaBf16: return launch_v3_mma_bf16(s, x, weight, bias, y, stream);
    case Variant::kV4WgmmaTf32: return launch_v4_wgmma_tf32(s, x, weight, bias, y, stream);
    case Variant::kV4Wgmma3xTf32: return launch_v4_wgmma_3xtf32(s, x, weight, bias, y, stream);
    case Variant::kV4WgmmaF16: return launch_v4_wgmma_f16(s, x, weight, bias, y, stream);
    case Variant::kV4WgmmaBf16: return launch_v4_wgmma_bf16(s, x, weight, bias, y, stream);
    case Variant::kV6SwapF16: return launch_v6_swap_f16(s, x, weight, bias, y, stream);
    case Variant::kV6SwapBf16: return launch_v6_swap_bf16(s, x, weight, bias, y, stream);
  }
  throw GpuError("launch_fused: unhandled variant");
}

}  // namespace gate::gpu
