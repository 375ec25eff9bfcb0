// gpu_bench: times every kernel variant on the seed workload (N=128, Cin=64, Cout=128, 64×64, k=4, s=2, add 0.5,
// multiply 2.0) with CUDA events: warm-up, then the median of --reps launches (≥ 50; v1 gets fewer, it is ~100× slower),
// each on the same buffers (x is 134 MB and y 1.1 GB, both far beyond the 50 MB L2, so no flush is needed between runs).
// Also measures the ceiling it is compared with: a 1 GiB device-to-device copy (bytes read + written per second).
// Writes a JSON record (--json FILE) and prints a table. Correctness is gpu_validate's job; this only times.
// The seed's add 0.5 clamps almost every output to 0, so GELU's erfc is skipped by whole warps; --add-value -0.5 makes
// most outputs negative and times the kernels with GELU on nearly every element (bench/NOTES.md §9).
// Beside the median (each launch timed alone: the GPU idles through the launch's host work, as it does for the PyTorch
// peers timed the same way), each line gives the time per launch of 20 launches enqueued back to back (the host work
// hidden behind the GPU's) and the host time per launch_fused call: their difference from the median is the host path
// that the GPU waits for (bench/NOTES.md §17).
// --cin C times the seed with C input channels instead of 64 (the kernels' other shapes: fused_v6_swap takes 32 to 128).
//   gpu_bench [--reps 50] [--json FILE] [--variants a,b,...] [--add-value 0.5] [--cin 64]
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/dtype.hpp"
#include "gpu/fused.hpp"
#include "gpu/launch.hpp"
#include "tests/gpu/gpu_case.hpp"

namespace {

#define CHECK_CUDA(call)                                                                                  \
  do {                                                                                                    \
    cudaError_t s_ = (call);                                                                              \
    if (s_ != cudaSuccess) {                                                                              \
      std::fprintf(stderr, "%s failed: %s\n", #call, cudaGetErrorString(s_));                             \
      std::exit(2);                                                                                       \
    }                                                                                                     \
  } while (0)

gate::Problem seed_problem(gate::DType dtype, gate::Precision precision, float add_value, int cin) {
  gate::Problem p;
  p.name = "seed";
  p.N = 128, p.Cin = cin, p.Cout = 128, p.H = 64, p.W = 64, p.kH = 4, p.kW = 4;
  p.stride = {2, 2};
  p.add_value = add_value;
  p.multiply_value = 2.0f;
  p.dtype = dtype;
  p.precision = precision;
  return p;
}

struct DeviceTensor {
  void* ptr = nullptr;
  size_t bytes = 0;
};

DeviceTensor upload(const gate::HostTensor& t, gate::DType dtype) {
  DeviceTensor d;
  d.bytes = t.values.size() * size_t(gate::dtype_bytes(dtype));
  CHECK_CUDA(cudaMalloc(&d.ptr, d.bytes));
  if (dtype == gate::DType::kFloat32) {
    CHECK_CUDA(cudaMemcpy(d.ptr, t.values.data(), d.bytes, cudaMemcpyHostToDevice));
  } else {
    std::vector<uint16_t> bits(t.values.size());
    gate::to_bits(t.values, dtype, bits);
    CHECK_CUDA(cudaMemcpy(d.ptr, bits.data(), d.bytes, cudaMemcpyHostToDevice));
  }
  return d;
}

// Median and min of `reps` event-timed runs of f after `warmup` untimed ones, in ms.
template <class F>
std::pair<double, double> time_ms(F&& f, int warmup, int reps) {
  for (int i = 0; i < warmup; ++i) f();
  CHECK_CUDA(cudaDeviceSynchronize());
  cudaEvent_t a, b;
  CHECK_CUDA(cudaEventCreate(&a));
  CHECK_CUDA(cudaEventCreate(&b));
  std::vector<double> ms;
  for (int i = 0; i < reps; ++i) {
    CHECK_CUDA(cudaEventRecord(a));
    f();
    CHECK_CUDA(cudaEventRecord(b));
    CHECK_CUDA(cudaEventSynchronize(b));
    float t = 0;
    CHECK_CUDA(cudaEventElapsedTime(&t, a, b));
    ms.push_back(t);
  }
  CHECK_CUDA(cudaEventDestroy(a));
  CHECK_CUDA(cudaEventDestroy(b));
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.front()};
}

struct Row {
  std::string variant, dtype;
  double median_ms, min_ms, bytes, gbps, pct_copy, tflops;
  double back_to_back_ms = 0, host_us = 0;
};

// kLaunches launches of f enqueued back to back: the GPU time per launch (time_ms's events around all of them) and the
// host time per call (the enqueueing returns at once while the GPU is busy; 20 launches stay far inside the queue).
template <class F>
std::pair<double, double> back_to_back(F&& f) {
  constexpr int kLaunches = 20;
  double host_us = 0;
  const auto t = time_ms(
      [&] {
        const auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < kLaunches; ++i) f();
        host_us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
      },
      0, 1);
  return {t.first / kLaunches, host_us / kLaunches};
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 50;
  float add_value = 0.5f;
  int cin = 64;
  std::string json_path, only;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) reps = std::max(50, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--json") && i + 1 < argc) json_path = argv[++i];
    else if (!std::strcmp(argv[i], "--variants") && i + 1 < argc) only = std::string(",") + argv[++i] + ",";
    else if (!std::strcmp(argv[i], "--add-value") && i + 1 < argc) {
      char* end = nullptr;
      const char* text = argv[++i];
      add_value = std::strtof(text, &end);
      if (end == text || *end != '\0' || !std::isfinite(add_value)) {
        std::fprintf(stderr, "gpu_bench: --add-value: '%s' is not a finite number\n", text);
        return 2;
      }
    }
    else if (!std::strcmp(argv[i], "--cin") && i + 1 < argc) {
      char* end = nullptr;
      const char* text = argv[++i];
      const long v = std::strtol(text, &end, 10);
      if (end == text || *end != '\0' || v < 1 || v > 1024) {
        std::fprintf(stderr, "gpu_bench: --cin: '%s' is not a channel count from 1 to 1024\n", text);
        return 2;
      }
      cin = int(v);
    }
    else {
      std::fprintf(stderr, "usage: gpu_bench [--reps N] [--json FILE] [--variants a,b] [--add-value V] [--cin C]\n");
      return 2;
    }
  }
  std::string why;
  if (!gate::gpu::device_available(&why)) {
    std::fprintf(stderr, "gpu_bench: %s\n", why.c_str());
    return 2;
  }
  const std::string device = gate::gpu::device_description();
  std::printf("device: %s\n", device.c_str());
  if (cin != 64) std::printf("workload: the seed with Cin = %d\n", cin);

  // Ceiling: device-to-device copy of 1 GiB, counting bytes read plus bytes written.
  const size_t copy_bytes = size_t(1) << 30;
  void *c0 = nullptr, *c1 = nullptr;
  CHECK_CUDA(cudaMalloc(&c0, copy_bytes));
  CHECK_CUDA(cudaMalloc(&c1, copy_bytes));
  CHECK_CUDA(cudaMemset(c0, 1, copy_bytes));
  const auto copy = time_ms([&] { CHECK_CUDA(cudaMemcpyAsync(c1, c0, copy_bytes, cudaMemcpyDeviceToDevice)); }, 3, reps);
  CHECK_CUDA(cudaFree(c0));
  CHECK_CUDA(cudaFree(c1));
  const double copy_gbps = 2.0 * double(copy_bytes) / (copy.first * 1e-3) / 1e9;
  std::printf("device-to-device copy: %.3f ms for 1 GiB → %.0f GB/s (read + write)\n", copy.first, copy_gbps);

  // The useful work: 2·N·Cin·H·W·Cout·kH·kW flops (every input pixel meets every tap once).
  const gate::Problem p32 = seed_problem(gate::DType::kFloat32, gate::Precision::kTf32, add_value, cin);
  const double flops = 2.0 * 128 * cin * 64 * 64 * 128 * 16;
  const auto in32 = gate::gpu_test::make_inputs(p32, 1);
  std::vector<Row> rows;
  for (gate::DType dtype : {gate::DType::kFloat32, gate::DType::kFloat16, gate::DType::kBFloat16}) {
    const gate::Problem p =
        seed_problem(dtype, dtype == gate::DType::kFloat32 ? gate::Precision::kTf32 : gate::Precision::kFp32, add_value, cin);
    const DeviceTensor x = upload(in32.x, dtype), w = upload(in32.weight, dtype), b = upload(in32.bias, dtype);
    DeviceTensor y;
    y.bytes = size_t(gate::element_count(gate::y_shape(p), "y")) * size_t(gate::dtype_bytes(dtype));
    CHECK_CUDA(cudaMalloc(&y.ptr, y.bytes));
    for (const std::string& name : gate::gpu::kernel_variants(p)) {
      if (!only.empty() && only.find("," + name + ",") == std::string::npos) continue;
      const gate::gpu::Variant v = gate::gpu::parse_variant(name);
      const bool slow = v == gate::gpu::Variant::kV1Direct;
      CHECK_CUDA(cudaMemset(y.ptr, 0xFF, y.bytes));
      const auto t = time_ms([&] { gate::gpu::launch_fused(p, v, x.ptr, w.ptr, b.ptr, y.ptr, nullptr); }, slow ? 1 : 5,
                             slow ? 11 : reps);
      CHECK_CUDA(cudaGetLastError());
      Row r;
      if (!slow) {
        const auto bb = back_to_back([&] { gate::gpu::launch_fused(p, v, x.ptr, w.ptr, b.ptr, y.ptr, nullptr); });
        r.back_to_back_ms = bb.first;
        r.host_us = bb.second;
      }
      r.variant = name;
      r.dtype = gate::to_string(dtype);
      r.median_ms = t.first;
      r.min_ms = t.second;
      r.bytes = double(x.bytes + w.bytes + b.bytes + y.bytes);
      r.gbps = r.bytes / (r.median_ms * 1e-3) / 1e9;
      r.pct_copy = 100.0 * r.gbps / copy_gbps;
      r.tflops = flops / (r.median_ms * 1e-3) / 1e12;
      rows.push_back(r);
      std::printf("  %-22s %-9s median %8.3f ms  min %8.3f ms  %6.0f GB/s (%3.0f%% of copy)  %6.1f TFLOP/s",
                  r.variant.c_str(), r.dtype.c_str(), r.median_ms, r.min_ms, r.gbps, r.pct_copy, r.tflops);
      if (slow) std::printf("  (11 runs)\n");
      else std::printf("  back-to-back %.3f ms  host %.0f us\n", r.back_to_back_ms, r.host_us);
      std::fflush(stdout);
    }
    for (void* ptr : {x.ptr, w.ptr, b.ptr, y.ptr}) CHECK_CUDA(cudaFree(ptr));
  }
  if (!json_path.empty()) {
    FILE* f = std::fopen(json_path.c_str(), "w");
    if (!f) {
      std::fprintf(stderr, "cannot write %s\n", json_path.c_str());
      return 2;
    }
    std::fprintf(f, "{\"device\": \"%s\", \"copy_gbps\": %.1f, \"reps\": %d, \"rows\": [\n", device.c_str(), copy_gbps, reps);
    for (size_t i = 0; i < rows.size(); ++i) {
      const Row& r = rows[i];
      std::fprintf(f, "  {\"name\": \"%s\", \"dtype\": \"%s\", \"median_ms\": %.5f, \"min_ms\": %.5f, \"bytes\": %.0f, \"gbps\": %.1f, \"pct_copy\": %.1f, \"tflops\": %.2f, \"back_to_back_ms\": %.5f, \"host_us\": %.1f}%s\n",
                   r.variant.c_str(), r.dtype.c_str(), r.median_ms, r.min_ms, r.bytes, r.gbps, r.pct_copy, r.tflops,
                   r.back_to_back_ms, r.host_us, i + 1 < rows.size() ? "," : "");
    }
    std::fprintf(f, "]}\n");
    std::fclose(f);
  }
  return 0;
}
