// What the host-side geometry tests of the stride-2 k=4 kernels (fused_v4, fused_v6) share: the kernel shape of such a
// problem (no padding, float32, bias, defaults otherwise) and the H100's shared-memory limit per block.
#pragma once

#include "core/problem.hpp"
#include "gpu/kernel_shape.hpp"

namespace gate::gpu_test {

inline constexpr int kH100SmemOptin = 232448;  // cudaDevAttrMaxSharedMemoryPerBlockOptin on the H100 (227 KB)

inline gpu::KernelShape stride2_k4_shape(int N, int Cin, int Cout, int H, int W) {
  Problem p;
  p.N = N, p.Cin = Cin, p.Cout = Cout, p.H = H, p.W = W, p.kH = 4, p.kW = 4;
  p.stride = {2, 2};
  return gpu::make_kernel_shape(p);
}

}  // namespace gate::gpu_test
