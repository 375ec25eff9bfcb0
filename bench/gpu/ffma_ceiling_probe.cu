// How fast can the H100 issue the seed workload's FFMA at all, with the card loaded as a benchmark loads it? Issue 6's
// FFMA target is 2.5 ms; the seed's phase-GEMM is M 540,800 × N 512 × K 256 = 70.9 G fma = 2.215 G warp instructions,
// which at one warp FFMA per cycle on each of 132 × 4 schedulers take 2.24 ms at 1.88 GHz (the short-run ceiling the
// guide quotes, 63.5 TFLOP/s) and 2.37 ms at the ~1.77 GHz that the tensor kernels hold under load (bench/NOTES.md
// §16c). Which clock does an FFMA-only load hold? This probe issues exactly that many warp FFMA and nothing else worth
// counting, in the shape a register-blocked SGEMM has (256 threads, 64 accumulators a thread, two blocks per SM),
// timed as gpu_bench times kernels (warm-up, then the median of the timed launches):
//   regs  64 FFMA a k-step on operands held in registers (two sets used alternately, so that the multipliers' inputs
//         change as they do in a GEMM): the issue ceiling itself;
//   lds   the same plus the k-step's operands read from shared memory, 4 LDS.128 (8 values of A, 8 of B) for 64 FFMA:
//         a register-blocked kernel's inner loop (94% of its instructions FFMA) with nothing around it.
// Prints per mode the median ms, the SM clock implied by clock64 over the wall time, the FFMA share of the issue
// cycles, and the ms the seed's FFMA would need at 100% / 90% of the issue rate at that clock. kM × kN is the thread's
// accumulator shape, "j-outer" the outer product's loops the other way round: the same FFMA, another register
// allocation from ptxas. (The lds mode's B reads are 2-way bank conflicted: a bound of the naive loop, not a ceiling.)
// Answer (H100 80GB HBM3, driver 580.159.04, 2026-11-27; bench/NOTES.md §21), at ~1.93–1.96 GHz on a card fresh from
// idle: from registers 2.23–2.29 ms where ptxas's allocation reaches 95% of the issue cycles (16 × 8 j-outer, 8 × 8
// j-outer, 4 × 16), 2.41–2.43 at 88–90% (8 × 8, 4 × 16 j-outer, 16 × 8), 2.67 at 81% (16 × 4) — the rest is ncu's
// dispatch stall, the register-bank conflicts of the allocation; with the operands read from shared memory, the
// best inner loop is 8 × 16 piped, 2.46 ms (87%; 8 × 8 j-outer piped 2.54, naive 8 × 8 2.74). On a card that had
// been loaded the clock was 1.87 GHz (8 × 8 from registers 2.48 ms). v2's FFMA kernel 3.21–3.25 ms in the same
// calls; its loop's FFMA in the probe's best order (nt outer, mt inner) 3.229 against 3.248 (4 rounds), the other
// way 3.286: ptxas's allocation there is not what holds it.
// Build: the gpu_ffma_ceiling_probe target. Run (GPU machine): ./gpu_ffma_ceiling_probe [warp_ffma_G (2.215)] [reps]
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bench/gpu/median_ms.cuh"

namespace {

// The block size at 64 accumulators a thread; 128 at 128 (a block always covers 128 × 128 outputs).
constexpr int kThreads = 256;
template <int kM, int kN>
constexpr int threads_for = 128 * 128 / (kM * kN);
constexpr int kChunk = 32;  // k-steps a shared-memory slab holds (As and Bs: [32][128] floats each, 32 KB)

// kM × kN accumulators a thread (kM·kN = 64), its k-step's operands kM values of A and kN of B.
// kJOuter: the outer products' loops the other way round (the same FFMA, another register allocation from ptxas).
// kPiped (lds only): the next k-step's operands loaded before this one's FFMA (two register sets), each thread's values
// as float4s 512 / kM (A) or 512 / kN (B) floats apart, so that a warp's 16-byte reads are consecutive (no bank
// conflict): a register-blocked SGEMM's inner loop as it should be written.
template <bool kLds, int kM, int kN, bool kJOuter = false, bool kPiped = false>
__global__ void __launch_bounds__(threads_for<kM, kN>, 2) ffma_probe(int chunks, float* sink, long long* cycles) {
  static_assert((kM * kN == 64 || kM * kN == 128) && kM % 4 == 0 && kN % 4 == 0, "the block's threads cover 128 × 128");
  __shared__ __align__(16) float as[kChunk * 128];
  __shared__ __align__(16) float bs[kChunk * 128];
  const int tid = threadIdx.x, tx = tid % (128 / kN), ty = tid / (128 / kN);
  for (int i = tid; i < kChunk * 128; i += threads_for<kM, kN>) {
    as[i] = __uint_as_float(probe_dense_bits(i + 7919u * blockIdx.x));
    bs[i] = __uint_as_float(probe_dense_bits(i + 104729u + 7919u * blockIdx.x));
  }
  __syncthreads();
  float acc[kM][kN];
#pragma unroll
  for (int i = 0; i < kM; ++i)
#pragma unroll
    for (int j = 0; j < kN; ++j) acc[i][j] = 0.0f;
  float a[2][kM], b[2][kN];
#pragma unroll
  for (int i = 0; i < kM; ++i) {
    a[0][i] = as[ty * kM + i];
    a[1][i] = as[128 + ty * kM + i];
  }
#pragma unroll
  for (int j = 0; j < kN; ++j) {
    b[0][j] = bs[tx * kN + j];
    b[1][j] = -bs[128 + tx * kN + j];
  }
  // Operand float4 q of k-step k: naive, the thread's values contiguous; piped, spread (see kPiped).
  auto a_src = [&](int k, int q) {
    return reinterpret_cast<const float4*>(as + k * 128 + (kPiped ? 4 * ty + q * (512 / kM) : ty * kM + 4 * q));
  };
  auto b_src = [&](int k, int q) {
    return reinterpret_cast<const float4*>(bs + k * 128 + (kPiped ? 4 * tx + q * (512 / kN) : tx * kN + 4 * q));
  };
  auto load = [&](int k, int s) {
#pragma unroll
    for (int i = 0; i < kM / 4; ++i) *reinterpret_cast<float4*>(&a[s][4 * i]) = *a_src(k, i);
#pragma unroll
    for (int j = 0; j < kN / 4; ++j) *reinterpret_cast<float4*>(&b[s][4 * j]) = *b_src(k, j);
  };
  if constexpr (kLds && kPiped) load(0, 0);
  const long long t0 = clock64();
  for (int c = 0; c < chunks; ++c) {
    // Unrolled 8 k-steps at a time: fully unrolled, ptxas hoists the slab's loads and spills.
#pragma unroll 8
    for (int k = 0; k < kChunk; ++k) {
      const int s = k & 1;
      if constexpr (kLds && kPiped) {
        load((k + 1) & (kChunk - 1), s ^ 1);
      } else if constexpr (kLds) {
        load(k, s);
      }
      if constexpr (kJOuter) {
#pragma unroll
        for (int j = 0; j < kN; ++j)
#pragma unroll
          for (int i = 0; i < kM; ++i) acc[i][j] = fmaf(a[s][i], b[s][j], acc[i][j]);
      } else {
#pragma unroll
        for (int i = 0; i < kM; ++i)
#pragma unroll
          for (int j = 0; j < kN; ++j) acc[i][j] = fmaf(a[s][i], b[s][j], acc[i][j]);
      }
    }
  }
  const long long t1 = clock64();
  float sum = 0.0f;
#pragma unroll
  for (int i = 0; i < kM; ++i)
#pragma unroll
    for (int j = 0; j < kN; ++j) sum += acc[i][j];
  sink[blockIdx.x * kThreads + tid] = sum;  // kThreads >= the block size
  if (tid == 0) cycles[blockIdx.x] = t1 - t0;
}

template <bool kLds, int kM = 8, int kN = 8, bool kJOuter = false, bool kPiped = false>
void run(const char* name, int sms, int blocks, int chunks, double warp_ffma, int reps, float* sink,
         long long* cycles_d) {
  auto kernel = ffma_probe<kLds, kM, kN, kJOuter, kPiped>;
  constexpr int threads = threads_for<kM, kN>;
  const float ms = median_ms([&] { kernel<<<blocks, threads>>>(chunks, sink, cycles_d); }, 10, reps);
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaDeviceSynchronize());
  std::vector<long long> cyc(blocks);
  CHECK_CUDA(cudaMemcpy(cyc.data(), cycles_d, cyc.size() * sizeof(long long), cudaMemcpyDeviceToHost));
  std::sort(cyc.begin(), cyc.end());
  const double cycles_med = double(cyc[cyc.size() / 2]);
  // Every block runs the whole launch beside the other (two a SM), so a block's cycles over the launch's wall time is
  // the SM clock (the last timed launch's cycles against the median launch time: close enough for a clock).
  const double ghz = cycles_med / (ms * 1e6);
  const double issue_share = warp_ffma / (double(sms) * 4.0 * cycles_med);
  const double at_full = warp_ffma / (sms * 4.0 * ghz * 1e6);
  std::printf("%-5s %2d×%-2d%s%s %8.3f ms  SM clock %.3f GHz  FFMA share of issue cycles %.1f%%  "
              "(seed FFMA at 100%%: %.3f ms, 90%%: %.3f)\n",
              name, kM, kN, kJOuter ? " j-outer" : "        ", kPiped ? " piped" : "      ", ms, ghz,
              100.0 * issue_share, at_full, at_full / 0.9);
}

}  // namespace

int main(int argc, char** argv) {
  const double warp_ffma = (argc > 1 ? std::atof(argv[1]) : 2.215) * 1e9;
  const int reps = argc > 2 ? std::max(1, std::atoi(argv[2])) : 50;
  int sms = 0;
  CHECK_CUDA(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
  const int blocks = 2 * sms;
  // warp FFMA per block and chunk = 128 × 128 outputs × 32 k-steps / 32 lanes, whatever the thread shape.
  const int chunks = int(warp_ffma / (double(blocks) * 8 * 64 * kChunk) + 0.5);
  const double issued = double(blocks) * 8 * 64 * kChunk * chunks;
  float* sink = nullptr;
  long long* cycles = nullptr;
  CHECK_CUDA(cudaMalloc(&sink, size_t(blocks) * kThreads * sizeof(float)));
  CHECK_CUDA(cudaMalloc(&cycles, size_t(blocks) * sizeof(long long)));
  cudaDeviceProp prop{};
  CHECK_CUDA(cudaGetDeviceProperties(&prop, 0));
  std::printf("%s, %d SMs, %d blocks of 128 × 128 outputs (256 threads, 128 at 128 accumulators a thread), %.4f G warp "
              "FFMA a launch, median of %d after 10 warm-up\n",
              prop.name, sms, blocks, issued * 1e-9, reps);
  run<false>("regs", sms, blocks, chunks, issued, reps, sink, cycles);
  run<false, 4, 16>("regs", sms, blocks, chunks, issued, reps, sink, cycles);
  run<false, 16, 4>("regs", sms, blocks, chunks, issued, reps, sink, cycles);
  run<false, 8, 8, true>("regs", sms, blocks, chunks, issued, reps, sink, cycles);
  run<false, 4, 16, true>("regs", sms, blocks, chunks, issued, reps, sink, cycles);
  run<true>("lds", sms, blocks, chunks, issued, reps, sink, cycles);
  run<true, 8, 8, true>("lds", sms, blocks, chunks, issued, reps, sink, cycles);
  run<true, 8, 8, false, true>("lds", sms, blocks, chunks, issued, reps, sink, cycles);
  run<true, 8, 8, true, true>("lds", sms, blocks, chunks, issued, reps, sink, cycles);
  run<true, 4, 16, false, true>("lds", sms, blocks, chunks, issued, reps, sink, cycles);
  run<true, 4, 16, true, true>("lds", sms, blocks, chunks, issued, reps, sink, cycles);
  run<false, 16, 8>("regs", sms, blocks, chunks, issued, reps, sink, cycles);
  run<false, 16, 8, true>("regs", sms, blocks, chunks, issued, reps, sink, cycles);
  run<true, 16, 8, false, true>("lds", sms, blocks, chunks, issued, reps, sink, cycles);
  run<true, 16, 8, true, true>("lds", sms, blocks, chunks, issued, reps, sink, cycles);
  run<true, 8, 16, false, true>("lds", sms, blocks, chunks, issued, reps, sink, cycles);
  run<true, 8, 16, true, true>("lds", sms, blocks, chunks, issued, reps, sink, cycles);
  run<false>("regs", sms, blocks, chunks, issued, reps, sink, cycles);
  CHECK_CUDA(cudaFree(sink));
  CHECK_CUDA(cudaFree(cycles));
  return 0;
}
