// The timing bench/gpu's standalone probes (write_patterns.cu, tma_store_probe.cu, ...) use: the median of
// `reps` CUDA-event timings of launch() on the default stream, after `warmup` untimed launches; and CHECK_CUDA, which
// ends a probe with the failing call's place and message; and probe_dense_bits, the probes' operand values.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

template <class Launch>
float median_ms(Launch launch, int warmup = 3, int reps = 20) {
  cudaEvent_t a, b;
  cudaEventCreate(&a);
  cudaEventCreate(&b);
  for (int i = 0; i < warmup; ++i) launch();
  std::vector<float> t;
  for (int i = 0; i < reps; ++i) {
    cudaEventRecord(a);
    launch();
    cudaEventRecord(b);
    cudaEventSynchronize(b);
    float ms = 0;
    cudaEventElapsedTime(&ms, a, b);
    t.push_back(ms);
  }
  cudaEventDestroy(a);
  cudaEventDestroy(b);
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

#define CHECK_CUDA(call)                                                              \
  do {                                                                                \
    const cudaError_t e = (call);                                                     \
    if (e != cudaSuccess) {                                                           \
      std::fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, cudaGetErrorString(e)); \
      std::exit(1);                                                                   \
    }                                                                                 \
  } while (0)

// A float in [0.5, 1) with a dense pseudo-random mantissa, as bits, from an index: the operands the compute probes
// feed their units (a multiplier's power, and so the card's clock, depends on its inputs' bits).
__device__ __forceinline__ uint32_t probe_dense_bits(uint32_t i) {
  i ^= i >> 16;
  i *= 0x7feb352dU;
  i ^= i >> 15;
  i *= 0x846ca68bU;
  i ^= i >> 16;
  return 0x3f000000u | (i & 0x007fffffu);
}

// Keeps values that a bound mode of a probe never uses from being dropped as dead: ptxas removes wgmma whose
// accumulators nobody reads (bench/NOTES.md §29c). A store that no run takes (these probes' sums never hit the value).
template <int kN, class T>
__device__ __forceinline__ void probe_keep_live(const float (&v)[kN], T* sink) {
  float sum = 0.0f;
#pragma unroll
  for (int e = 0; e < kN; ++e) sum += v[e];
  if (sum == 123456.0f) *sink = T(1);
}
