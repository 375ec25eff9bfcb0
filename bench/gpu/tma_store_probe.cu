// Can TMA stores write the output rows that the 16-bit and 3xTF32 flavours produce, and how fast (bench/NOTES.md §13e)?
// Those rows start where a TMA box would not start on a 16-byte boundary: a float32 output row is 520 bytes (odd rows
// start 8 bytes into a 16-byte piece), and a 16-bit plane is 33,800 bytes, not a multiple of 16, so y cannot be seen
// as [planes][plane] at all (tensor-map strides must be multiples of 16 bytes). This probe writes the seed output's
// rows by TMA stores from shared memory and checks every byte:
//   f32 2-D   y as [N·Cout][plane] float32, box [32 planes][128 outputs]: one output row of 32 planes per store, odd
//             rows 8-byte misaligned (what 3xTF32's row items would send: 128 of the 130 outputs, one row parity);
//   f16 1-D   y as one flat run of float16 (a 3-D map with unit outer dimensions), box [256]: one store per plane and
//             output-row pair, its first 256 of 260 outputs (a box is at most 256 elements, and its bytes a multiple
//             of 16: the last 4 would go out as direct stores), starts only 4-byte aligned;
//   f16 sw    the same flat map with the 128-byte swizzle, box [64] (128 bytes): eight boxes (four rows' first 128
//             outputs, two halves each) at 128-byte steps of a 1 KB-aligned buffer, each written where a swizzle of
//             the shared-memory ADDRESS would read it (16-byte piece k of box j at piece k ^ j). ok: the TMA takes
//             the swizzle from address bits 7-9, so 1-D boxes of different channels can sit in different bank groups
//             (a conflict-free staging layout for the 16-bit rows); WRONG: the pattern is relative to the box; a CUDA
//             error: such boxes must be 1 KB-aligned. Runs last (an error leaves the device unusable).
// Each block (128 threads, two per SM) fills its staging buffer with a pattern of (plane, row, output), stores it, and
// waits for the reads before the next item; the host then compares y with the pattern, and the outputs the stores
// must not touch with their sentinel. Prints per mode: ok or the first mismatch / CUDA error, and the median time.
// Answer (H100 80GB HBM3, driver 580.159.04, 2026-11-26, bench/NOTES.md §14): every mode whose boxes start off a
// 16-byte boundary (f32's odd rows, f16, f16sw) stops with "an illegal instruction was encountered"; f32even (the
// same boxes, 16-byte-aligned starts only) is ok at 0.378 ms. A TMA store's box must start on a 16-byte boundary
// in global memory; the 16-bit rows left by the stores go out through the storer warp's plain stores instead.
// Build: the gpu_tma_store_probe target (sm_90a device code only; elsewhere it reports "no sm_90a code").
// Run (GPU machine): ./gpu_tma_store_probe [f32|f32even|f16|f16sw|items]   (items: timing only, only when named)
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/gpu/median_ms.cuh"
#include "gpu/tma.cuh"

namespace {

using gate::gpu::bulk_commit;
using gate::gpu::bulk_wait_read_all;
using gate::gpu::fence_proxy_async_shared;
using gate::gpu::tma_store_3d_if;

constexpr int kSide = 130, kPlane = kSide * kSide;
constexpr int kPlanes = 128 * 128;  // N·Cout of the seed workload
constexpr int kBoxPlanes = 32, kRowOutputs = 128, kPairBox = 256;

// The pattern: exact in float16 too (integers below 2048).
__host__ __device__ inline float pattern(int plane, int row, int col) { return float((plane * 7 + row * 3 + col) & 1023); }

// f32 2-D: item = (row, block of 32 planes); box element (p, j) = output j of row `row` in plane 32·block + p.
__global__ void __launch_bounds__(128) store_rows_f32(const __grid_constant__ CUtensorMap map, int items, int row_step) {
  __shared__ __align__(128) float box[kBoxPlanes][kRowOutputs];
  const uint32_t src = uint32_t(__cvta_generic_to_shared(&box[0][0]));
  for (int item = blockIdx.x; item < items; item += gridDim.x) {
    const int rows = kSide / row_step, row = item % rows * row_step, block = item / rows;
    for (int i = threadIdx.x; i < kBoxPlanes * kRowOutputs; i += blockDim.x) {
      box[i / kRowOutputs][i % kRowOutputs] = pattern(block * kBoxPlanes + i / kRowOutputs, row, i % kRowOutputs);
    }
    fence_proxy_async_shared();
    __syncthreads();
    tma_store_3d_if(threadIdx.x == 0, &map, row * kSide, block * kBoxPlanes, 0, src);
    if (threadIdx.x == 0) {
      bulk_commit();
      bulk_wait_read_all();
    }
    __syncthreads();
  }
}

// f16 1-D: item = (plane, row pair); box element j = output j of the pair (row 2·pair + j / 130, column j mod 130).
__global__ void __launch_bounds__(128) store_pairs_f16(const __grid_constant__ CUtensorMap map, int items) {
  __shared__ __align__(128) __half box[kPairBox];
  const uint32_t src = uint32_t(__cvta_generic_to_shared(&box[0]));
  for (int item = blockIdx.x; item < items; item += gridDim.x) {
    const int pair = item % (kSide / 2), plane = item / (kSide / 2);
    for (int j = threadIdx.x; j < kPairBox; j += blockDim.x) {
      box[j] = __float2half(pattern(plane, 2 * pair + j / kSide, j % kSide));
    }
    fence_proxy_async_shared();
    __syncthreads();
    tma_store_3d_if(threadIdx.x == 0, &map, plane * kPlane + 2 * pair * kSide, 0, 0, src);
    if (threadIdx.x == 0) {
      bulk_commit();
      bulk_wait_read_all();
    }
    __syncthreads();
  }
}

// f16 sw: item = (plane, group of 4 rows); box j = 2·(row of the group) + half, at 128·j in the buffer.
constexpr int kSwRows = 4, kSwBox = 64;
__global__ void __launch_bounds__(128) store_rows_f16_swizzled(const __grid_constant__ CUtensorMap map, int items) {
  __shared__ __align__(1024) __half buf[2 * kSwRows * kSwBox];
  const uint32_t src = uint32_t(__cvta_generic_to_shared(&buf[0]));
  for (int item = blockIdx.x; item < items; item += gridDim.x) {
    const int group = item % ((kSide + kSwRows - 1) / kSwRows), plane = item / ((kSide + kSwRows - 1) / kSwRows);
    for (int i = threadIdx.x; i < 2 * kSwRows * kSwBox; i += blockDim.x) {
      const int j = i / kSwBox, o = i % kSwBox, row = kSwRows * group + j / 2;
      const int piece = ((o >> 3) ^ j) & 7;  // 8 halves per 16-byte piece
      buf[j * kSwBox + piece * 8 + (o & 7)] = __float2half(pattern(plane, row, (j & 1) * kSwBox + o));
    }
    fence_proxy_async_shared();
    __syncthreads();
    if (threadIdx.x < 2 * kSwRows) {
      const int j = threadIdx.x, row = kSwRows * group + j / 2;
      if (row < kSide) tma_store_3d_if(true, &map, plane * kPlane + row * kSide + (j & 1) * kSwBox, 0, 0, src + 128 * j);
      bulk_commit();
      bulk_wait_read_all();
    }
    __syncthreads();
  }
}

// items (timing only, values unchecked): the TF32 kernel's whole-rows item pattern sent by TMA as the kernel sends it,
// to ask whether the stores' rate depends on how many items an SM has in flight (bench/NOTES.md §26). Item = (image,
// q-row, block of 32 planes), planes fastest-varying block first, each block taking every gridDim-th item (the
// kernel's items in flight cover about two images the same way); an item is its 32 planes' two output rows, 1,040
// contiguous bytes a plane (16-byte aligned), sent as 2 × 8 boxes [16 planes][32 outputs] (256 of the 260 outputs)
// from a 16 KB buffer, then the wait for the TMA's reads, as the kernel's storer does before it frees its buffer.
// `sectors`: each box's start rounded down to a 32-byte sector (the kernel's boxes are whole sectors, §22c).
constexpr int kItemBoxPlanes = 16, kItemBoxOutputs = 32, kItemBoxes = 2 * 8;
__global__ void __launch_bounds__(32) store_items_f32(const __grid_constant__ CUtensorMap map, int items, bool sectors) {
  extern __shared__ __align__(1024) unsigned char buf[];
  const uint32_t src = uint32_t(__cvta_generic_to_shared(buf));
  for (int item = blockIdx.x; item < items; item += gridDim.x) {
    const int pb = item % (128 / 32), qh = item / (128 / 32) % (kSide / 2), img = item / (128 / 32) / (kSide / 2);
    const int plane0 = img * 128 + pb * 32;
    if (threadIdx.x < kItemBoxes) {
      const int half = threadIdx.x / 8, b = threadIdx.x % 8;
      int x0 = 2 * qh * kSide + b * kItemBoxOutputs;
      if (sectors) x0 &= ~7;
      tma_store_3d_if(true, &map, x0, plane0 + half * kItemBoxPlanes, 0, src + (threadIdx.x % 8) * 2048);
      bulk_commit();  // each issuing lane's own bulk group
      bulk_wait_read_all();
    }
    __syncwarp();
  }
}

// Runs one mode: sentinel fill, one checked launch, the comparison, then the timing. expected(i) is y's element i
// after the stores (the sentinel where they must not write).
template <class T, class Launch, class Expected>
void run(const char* name, T* y, int64_t n, T sentinel, Launch launch, Expected expected) {
  std::vector<T> host(size_t(n), sentinel);
  cudaMemcpy(y, host.data(), size_t(n) * sizeof(T), cudaMemcpyHostToDevice);
  launch();
  cudaError_t e = cudaDeviceSynchronize();
  if (e == cudaSuccess) e = cudaGetLastError();
  if (e != cudaSuccess) {
    std::printf("  %-8s CUDA error: %s (the device is unusable from here on)\n", name, cudaGetErrorString(e));
    return;
  }
  cudaMemcpy(host.data(), y, size_t(n) * sizeof(T), cudaMemcpyDeviceToHost);
  int64_t bad = 0, first = -1;
  for (int64_t i = 0; i < n; ++i) {
    if (float(host[size_t(i)]) != float(expected(i))) {
      if (first < 0) first = i;
      ++bad;
    }
  }
  const float ms = median_ms(launch);
  if (bad == 0) {
    std::printf("  %-8s ok        %.3f ms  %.0f GB/s\n", name, ms, double(n) * sizeof(T) / ms / 1e6);
  } else {
    std::printf("  %-8s WRONG     %lld elements, first at %lld (plane %lld, offset %lld): %g, expected %g\n", name,
                static_cast<long long>(bad), static_cast<long long>(first), static_cast<long long>(first / kPlane),
                static_cast<long long>(first % kPlane), double(float(host[size_t(first)])),
                double(float(expected(first))));
  }
}

}  // namespace

int main(int argc, char** argv) {
  // One mode per run when named (f32, f32even, f16, f16sw): a fault leaves the device unusable for the modes after it.
  const std::string only = argc > 1 ? argv[1] : "";
  auto want = [&](const char* m) { return only.empty() || only == m; };
  std::setvbuf(stdout, nullptr, _IONBF, 0);  // each mode's line survives a later fault
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, 0) != cudaSuccess || prop.major != 9) {
    std::printf("tma_store_probe: needs a compute capability 9.0 device (sm_90a code)\n");
    return 0;
  }
  std::printf("%s: TMA stores of the seed output's rows\n", prop.name);
  const int64_t n = int64_t(kPlanes) * kPlane;
  const int blocks = prop.multiProcessorCount * 2;
  // float32 y as [planes][plane] (a 3-D map with a unit outer dimension), boxes [planes][outputs].
  auto planes_map = [&](float* y, uint32_t box_outputs, uint32_t box_planes) {
    const uint64_t dims[3] = {uint64_t(kPlane), uint64_t(kPlanes), 1};
    const uint64_t strides[2] = {uint64_t(kPlane) * 4, uint64_t(kPlane) * 4 * kPlanes};
    const uint32_t box[3] = {box_outputs, box_planes, 1};
    return gate::gpu::make_tensor_map_3d(y, CU_TENSOR_MAP_DATA_TYPE_FLOAT32, dims, strides, box);
  };
  if (want("f32") || only == "f32even") {
    float* y = nullptr;
    cudaMalloc(&y, size_t(n) * sizeof(float));
    const CUtensorMap map = planes_map(y, kRowOutputs, kBoxPlanes);
    // f32even: the even rows only, whose boxes start 16-byte aligned (the control for f32's odd rows).
    const int row_step = only == "f32even" ? 2 : 1, items = kSide / row_step * (kPlanes / kBoxPlanes);
    run<float>(row_step == 2 ? "f32 even" : "f32 2-D", y, n, -1.0f,
               [&] { store_rows_f32<<<blocks, 128>>>(map, items, row_step); }, [row_step](int64_t i) {
                 const int plane = int(i / kPlane), row = int(i % kPlane) / kSide, col = int(i % kPlane) % kSide;
                 return col < kRowOutputs && row % row_step == 0 ? pattern(plane, row, col) : -1.0f;
               });
    cudaFree(y);
  }
  if (want("f16") || want("f16sw")) {
    __half* y = nullptr;
    cudaMalloc(&y, size_t(n) * sizeof(__half));
    const uint64_t dims[3] = {uint64_t(n), 1, 1};
    const uint64_t strides[2] = {uint64_t(n) * 2, uint64_t(n) * 2};
    const uint32_t box[3] = {kPairBox, 1, 1};
    const CUtensorMap map = gate::gpu::make_tensor_map_3d(y, CU_TENSOR_MAP_DATA_TYPE_FLOAT16, dims, strides, box);
    const int items = (kSide / 2) * kPlanes;
    if (want("f16")) run<__half>("f16 1-D", y, n, __float2half(-1.0f), [&] { store_pairs_f16<<<blocks, 128>>>(map, items); },
                [](int64_t i) {
                  const int plane = int(i / kPlane), row = int(i % kPlane) / kSide, col = int(i % kPlane) % kSide;
                  const bool stored = (row % 2) * kSide + col < kPairBox;  // not the pair's last 4 outputs
                  return __float2half(stored ? pattern(plane, row, col) : -1.0f);
                });
    const uint32_t box_sw[3] = {kSwBox, 1, 1};
    const CUtensorMap map_sw = gate::gpu::make_tensor_map_3d(y, CU_TENSOR_MAP_DATA_TYPE_FLOAT16, dims, strides, box_sw,
                                                             CU_TENSOR_MAP_SWIZZLE_128B);
    const int items_sw = (kSide + kSwRows - 1) / kSwRows * kPlanes;
    if (want("f16sw")) run<__half>("f16 sw", y, n, __float2half(-1.0f), [&] { store_rows_f16_swizzled<<<blocks, 128>>>(map_sw, items_sw); },
                [](int64_t i) {
                  const int plane = int(i / kPlane), row = int(i % kPlane) / kSide, col = int(i % kPlane) % kSide;
                  return __float2half(col < 2 * kSwBox ? pattern(plane, row, col) : -1.0f);
                });
    cudaFree(y);
  }
  if (only == "items") {
    float* y = nullptr;
    cudaMalloc(&y, size_t(n) * sizeof(float));
    const CUtensorMap map = planes_map(y, kItemBoxOutputs, kItemBoxPlanes);
    const int items = 128 * (kSide / 2) * (128 / 32);
    constexpr int kBuf = 16 * 1024;
    cudaFuncSetAttribute(store_items_f32, cudaFuncAttributeMaxDynamicSharedMemorySize, kBuf);
    for (bool sectors : {false, true}) {
      for (int per_sm : {1, 2, 4, 8, 16}) {
        const int grid = prop.multiProcessorCount * per_sm;
        const float ms = median_ms([&] { store_items_f32<<<grid, 32, kBuf>>>(map, items, sectors); });
        const cudaError_t e = cudaDeviceSynchronize();
        std::printf("  items %s, %2d blocks/SM: %s %.3f ms  %.0f GB/s\n", sectors ? "sector starts" : "16-byte starts",
                    per_sm, e == cudaSuccess ? "" : cudaGetErrorString(e), ms,
                    double(items) * 32 * 256 * 4 / ms / 1e6);
      }
    }
    cudaFree(y);
  }
  return 0;
}
