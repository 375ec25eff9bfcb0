// fused_v1_direct: one thread per output element, gathering its terms straight from PyTorch's definition; fp32 fma
// accumulation, the shared epilogue, one store. Correct for every parameter (stride, padding, output_padding, dilation,
// groups, non-square kernels, bias or not) and every storage type: the fallback for whatever the fast path does not
// take, and the baseline it is measured against. No shared memory, no tiling: its speed is not the point.
// Built into gate_gpu (launch.cu); validated by build*/bench/gpu/gpu_validate, timed by build*/bench/gpu/gpu_bench.
#pragma once

#include <cstdint>

#include "gpu/epilogue.cuh"
#include "gpu/kernel_shape.hpp"
#include "gpu/storage.cuh"

namespace gate::gpu {

// y[n, co, oh, ow] = epilogue(bias[co] + Σ_{ci in co's group, kh, kw} x[n, ci, ih, iw] · w[ci, co mod Cout_g, kh, kw])
// over the (kh, kw) with oh + ph - kh·dh = ih·sh, 0 <= ih < H (and the same along W).
template <class Storage>
__global__ void fused_v1_direct(KernelShape s, const typename Storage::Bits* __restrict__ x,
                                const typename Storage::Bits* __restrict__ w,
                                const typename Storage::Bits* __restrict__ bias, typename Storage::Bits* __restrict__ y) {
  const int cin_g = s.Cin / s.groups;
  const int cout_g = s.Cout / s.groups;
  const int64_t total = int64_t(s.N) * s.Cout * s.Hout * s.Wout;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total; i += int64_t(gridDim.x) * blockDim.x) {
    const int ow = int(i % s.Wout);
    const int oh = int((i / s.Wout) % s.Hout);
    const int co = int((i / (int64_t(s.Wout) * s.Hout)) % s.Cout);
    const int n = int(i / (int64_t(s.Wout) * s.Hout * s.Cout));
    const int g = co / cout_g;
    const int co_g = co - g * cout_g;
    float acc = s.has_bias ? Storage::load(bias[co]) : 0.0f;
    for (int kh = 0; kh < s.kH; ++kh) {
      const int th = oh + s.ph - kh * s.dh;
      if (th < 0 || th % s.sh != 0) continue;
      const int ih = th / s.sh;
      if (ih >= s.H) continue;
      for (int kw = 0; kw < s.kW; ++kw) {
        const int tw = ow + s.pw - kw * s.dw;
        if (tw < 0 || tw % s.sw != 0) continue;
        const int iw = tw / s.sw;
        if (iw >= s.W) continue;
        for (int ci_g = 0; ci_g < cin_g; ++ci_g) {
          const int ci = g * cin_g + ci_g;
          const float xv = Storage::load(x[((int64_t(n) * s.Cin + ci) * s.H + ih) * s.W + iw]);
          const float wv = Storage::load(w[((int64_t(ci) * cout_g + co_g) * s.kH + kh) * s.kW + kw]);
          acc = fmaf(xv, wv, acc);
        }
      }
    }
    y[i] = Storage::from_float(fused_epilogue(acc, s.add_value, s.multiply_value));
  }
}

}  // namespace gate::gpu
