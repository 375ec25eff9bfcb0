// The timing the standalone probes (write_patterns.cu, tma_store_probe.cu, wgmma_issue_probe.cu) use: the median of
// `reps` CUDA-event timings of launch() on the default stream, after `warmup` untimed launches.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
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
