// The design probes' output check (swap_tf32_probe.cu, swap16_probe.cu): y of the seed-shaped workload (k = 4, s = 2,
// no padding) recomputed by a direct loop on the GPU from the same operands the probe multiplies (x as stored — float
// bits truncated to TF32 where the probe's wgmma reads them so — and the weights in PyTorch's [Cin][Cout][4][4]
// layout, as packed), summed in fp32, through the accurate epilogue; then every output compared within
// tol·(1 + |ref|). A probe's check is of its indexing (taps, phases, q-column W, staging, stores), not a precision
// contract: that is verify's job for the kernels in gpu/.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <cstdio>
#include <cstring>

#include "bench/gpu/median_ms.cuh"
#include "gpu/epilogue.cuh"

struct ProbeShape {
  int n, cin, h, w, cout;
  __host__ __device__ int64_t outputs() const { return int64_t(n) * cout * (2 * h + 2) * (2 * w + 2); }
};

// An element of x or y as a float: float32 as is (kTf32: truncated to TF32, as wgmma reads float bits), 16-bit as
// float16 bits.
template <bool kTf32>
__device__ __forceinline__ float probe_value(float v) {
  return kTf32 ? __uint_as_float(__float_as_uint(v) & ~0x1FFFu) : v;
}
template <bool kTf32>
__device__ __forceinline__ float probe_value(uint16_t v) {
  return __half2float(__ushort_as_half(v));
}

template <bool kTf32, class X>
__global__ void probe_reference(const X* __restrict__ x, const float* __restrict__ w, float* __restrict__ ref,
                                ProbeShape s, float add_value, float multiply_value) {
  const int oh = 2 * s.h + 2, ow = 2 * s.w + 2;
  const int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
  if (i >= s.outputs()) return;
  const int ox = int(i % ow), oy = int(i / ow % oh), co = int(i / ow / oh % s.cout);
  const int n = int(i / (int64_t(ow) * oh * s.cout));
  float sum = 0.0f;
  for (int ci = 0; ci < s.cin; ++ci) {
    for (int ky = oy & 1; ky < 4; ky += 2) {
      const int iy = (oy - ky) / 2;
      if (iy < 0 || iy >= s.h) continue;
      for (int kx = ox & 1; kx < 4; kx += 2) {
        const int ix = (ox - kx) / 2;
        if (ix < 0 || ix >= s.w) continue;
        const float xv = probe_value<kTf32>(x[((int64_t(n) * s.cin + ci) * s.h + iy) * s.w + ix]);
        sum = fmaf(xv, w[((ci * s.cout + co) * 4 + ky) * 4 + kx], sum);
      }
    }
  }
  ref[i] = gate::gpu::fused_epilogue(sum, add_value, multiply_value);
}

template <class Y>
__global__ void probe_compare(const Y* __restrict__ y, const float* __restrict__ ref, int64_t count, float tol,
                              unsigned int* max_bits, unsigned long long* bad, unsigned long long* first_bad) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < count; i += int64_t(gridDim.x) * blockDim.x) {
    const float d = fabsf(probe_value<false>(y[i]) - ref[i]);
    if (!(d <= tol * (1.0f + fabsf(ref[i])))) {
      atomicAdd(bad, 1ull);
      atomicMin(first_bad, static_cast<unsigned long long>(i));
    }
    if (d == d) atomicMax(max_bits, __float_as_uint(d));
  }
}

// Checks y (written by the probe just before) against the loop; prints one line (named by `what`), returns whether
// every output is within tol·(1 + |ref|). Allocates its own scratch (a float32 copy of y's size).
template <bool kTf32, class X, class Y>
bool probe_check(const char* what, const X* x, const float* w, const Y* y, ProbeShape s, float add_value,
                 float multiply_value, float tol) {
  const int64_t count = s.outputs();
  float* ref = nullptr;
  unsigned int* max_bits = nullptr;
  unsigned long long* counters = nullptr;  // bad, first bad
  CHECK_CUDA(cudaMalloc(&ref, count * 4));
  CHECK_CUDA(cudaMalloc(&max_bits, 4));
  CHECK_CUDA(cudaMalloc(&counters, 16));
  CHECK_CUDA(cudaMemset(max_bits, 0, 4));
  CHECK_CUDA(cudaMemset(counters, 0, 8));
  CHECK_CUDA(cudaMemset(counters + 1, 0xFF, 8));
  probe_reference<kTf32><<<unsigned((count + 255) / 256), 256>>>(x, w, ref, s, add_value, multiply_value);
  CHECK_CUDA(cudaGetLastError());
  probe_compare<<<1024, 256>>>(y, ref, count, tol, max_bits, counters, counters + 1);
  CHECK_CUDA(cudaGetLastError());
  unsigned int mb = 0;
  unsigned long long got[2] = {0, 0};
  CHECK_CUDA(cudaMemcpy(&mb, max_bits, 4, cudaMemcpyDeviceToHost));
  CHECK_CUDA(cudaMemcpy(got, counters, 16, cudaMemcpyDeviceToHost));
  float md;
  std::memcpy(&md, &mb, 4);
  std::printf("check %s, add %+.1f: %llu of %lld outputs off by more than %g·(1 + |ref|), max |diff| %.3g", what,
              add_value, got[0], static_cast<long long>(count), tol, md);
  if (got[0] != 0) {
    Y have{};
    float want = 0;
    CHECK_CUDA(cudaMemcpy(&have, y + got[1], sizeof(Y), cudaMemcpyDeviceToHost));
    CHECK_CUDA(cudaMemcpy(&want, ref + got[1], 4, cudaMemcpyDeviceToHost));
    const long long f = static_cast<long long>(got[1]), ow = 2 * s.w + 2, oh = 2 * s.h + 2;
    float have_f;
    if constexpr (sizeof(Y) == 4) std::memcpy(&have_f, &have, 4);
    else have_f = __half2float(__ushort_as_half(have));
    std::printf("; first at n %lld co %lld oy %lld ox %lld: %g, want %g", f / (s.cout * ow * oh), f / (ow * oh) % s.cout,
                f / ow % oh, f % ow, have_f, want);
  }
  std::printf("\n");
  CHECK_CUDA(cudaFree(ref));
  CHECK_CUDA(cudaFree(max_bits));
  CHECK_CUDA(cudaFree(counters));
  return got[0] == 0;
}
