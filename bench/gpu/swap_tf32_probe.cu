// Can TF32 leave its staging and its fragment loads behind (bench/NOTES.md §29)? A probe of the operand swap for the
// tf32 contract on the seed workload (float32, N = 128, Cin = 64, 64 × 64, Cout = 128, k = 4, s = 2), with its outputs
// checked against a direct GPU loop on the same TF32-rounded operands, and its time beside v4 tf32's (gpu_bench in the
// same call).
//
// Why: v4 tf32 (0.55 ms) moves ~73 KB through shared memory per unit pair — B (the weights) 32, x's fragments 16, the
// staging 16, the windows 9 — and its unit loop is bound by that traffic (§25); its data path alone, which stages y
// for TMA stores, takes 0.537 ms (§26c). Here the weights are wgmma's A, held in registers for a whole sweep, and x is
// B, read by descriptor: no fragment loads, no B of weights, no staging.
//
// The design:
// - M = 64 rows per computing warpgroup: 16 output channels × output-row parity py × column parity px. Warp w's rows
//   are channel 8·(w mod 2) + g, py = w / 2, px 0 (row g) and 1 (row g + 8). K = 256: (dy, dx, ci), the taps
//   ky = py + 2·dy, kx = px + 2·dx. A: 32 k8 steps × 4 registers = 128 registers a thread.
// - N = 72 columns r = 0..71 of a q-row (output columns ox = 2r + px): r = 64 is q-column W (ox 128, 129), 65..71 are
//   padding that multiplies zeros. B[(ci, dy, dx)][r] = x[ci][q − dy][r − dx].
// - x's rows live in shared memory K-major (TF32 wants both operands K-major): [ci / 4][slot][4 channels], slot =
//   ix + 1, 80 slots of 16 bytes, slot 0 and 65..79 zero; so dx = 1 is the same rows one slot (16 bytes) earlier and a
//   descriptor reaches each tap without a shifted copy. The producer warpgroup transposes each input row into a ring
//   stage (coalesced global loads, one st.shared.v4 a slot); rows −1 and 64 are a stage of zeros.
// - The accumulators of a lane hold, per row (channel, py), pixels r, r + 1 of px 0 and px 1: four consecutive outputs,
//   16 contiguous bytes. Each lane stores them straight from the registers (st.global.cs.v4 where the row is 16-byte
//   aligned, py = 0; two v2 where it is 8 bytes off, py = 1); a quad writes 64 contiguous bytes. No staging.
// - A block's two computing warpgroups take channels 32·cb + 0..15 and 16..31 of one image n and sweep q = 0..64
//   together on the same stages (sweep bs = 4·n + cb, every gridDim.x-th): each input row is loaded once a sweep.
// Modes (bits of a template argument; bounds leave y wrong): 1 no epilogue math, 2 no wgmma, 4 no stores, 8 whole
// sectors (the carry timing: a run ending mid-sector leaves its last 16 bytes to the next q-row's item, which writes
// them with its own first 16; a plane's first 16 bytes go with the previous plane's last, at q = 64), 16 no window
// loads, 32 y of image 0 only (it stays in L2: no DRAM writes).
// Run (GPU machine): ./gpu_swap_tf32_probe [reps].
// Answer (H100, 2026-11-27, §29): correct (max |diff| 7.5e-7 against the loop), but 0.866–0.871 ms against v4 tf32's
// 0.550–0.555 in the same call: its stores alone take 0.93–0.95 ms (a warp's store covers 8 planes × 64 bytes; whole
// sectors 0.92–0.94), its compute side (loads, wgmma, epilogue) 0.439–0.446, its wgmma alone 0.371–0.376 (N = 72:
// ~410 TFLOP/s). Not a way to the TF32 target.
#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <vector>

#include "bench/gpu/median_ms.cuh"
#include "bench/gpu/probe_check.cuh"
#include "gpu/epilogue.cuh"
#include "gpu/tma.cuh"
#include "gpu/wgmma.cuh"

#ifndef GATE_SWAPTF32_RING
#define GATE_SWAPTF32_RING 4  // input-row stages of the ring (a build-time knob for the probe)
#endif
#ifndef GATE_SWAPTF32_PRODUCER_REGS
#define GATE_SWAPTF32_PRODUCER_REGS 56
#endif

namespace {

constexpr int kN = 128, kCin = 64, kH = 64, kW = 64, kCout = 128, kQ = kH + 1, kWout = 2 * kW + 2;
constexpr int kCols = 72, kAcc = kCols / 2;               // wgmma N; accumulators a thread (m64n72)
constexpr int kSlots = 80, kChunkBytes = kSlots * 16;      // one 4-channel chunk of an input row
constexpr int kStageBytes = (kCin / 4) * kChunkBytes;      // 20,480
constexpr int kRing = GATE_SWAPTF32_RING, kZeroStage = kRing;
constexpr int kBarOffset = (kRing + 1) * kStageBytes;
constexpr int kSmemBytes = kBarOffset + 2 * kRing * 8 + 1024;
constexpr int kSweeps = kN * (kCout / 32);
constexpr int kProducerRegs = GATE_SWAPTF32_PRODUCER_REGS;
constexpr int kComputeRegs = (65536 - 128 * kProducerRegs) / 256 / 8 * 8;

#ifdef GATE_WGMMA_AVAILABLE
__device__ __forceinline__ void wgmma_m64n72k8_tf32(float (&d)[kAcc], const uint32_t (&a)[4], uint64_t b_desc,
                                                    int accumulate) {
  asm volatile(
      "{\n.reg .pred p;\nsetp.ne.b32 p, %41, 0;\n"
      "wgmma.mma_async.sync.aligned.m64n72k8.f32.tf32.tf32 "
      "{%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,"
      "%30,%31,%32,%33,%34,%35}, {%36,%37,%38,%39}, %40, p, 1, 1;\n}\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]),
        "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]),
        "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]),
        "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]),
        "+f"(d[33]), "+f"(d[34]), "+f"(d[35])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(b_desc), "r"(accumulate));
}
#endif

// wpack: per 16-channel group (8), per thread of its warpgroup (128), 32 A fragments of 4 registers (uint4).
template <int mode>
__global__ void __launch_bounds__(384, 1)
    swap_tf32_probe(const float* __restrict__ x, const uint4* __restrict__ wpack, float* __restrict__ y,
                    float add_value, float multiply_value) {
#ifdef GATE_WGMMA_AVAILABLE
  using namespace gate::gpu;
  extern __shared__ __align__(1024) unsigned char smem_raw[];
  unsigned char* smem = smem_raw + ((1024 - (uint32_t(__cvta_generic_to_shared(smem_raw)) & 1023)) & 1023);
  const uint32_t base = uint32_t(__cvta_generic_to_shared(smem));
  const int tid = threadIdx.x, wg = __shfl_sync(0xFFFFFFFFu, tid >> 7, 0);
  const int warp = __shfl_sync(0xFFFFFFFFu, (tid >> 5) & 3, 0), lane = tid & 31;
  auto full = [&](int s) { return base + uint32_t(kBarOffset + s * 8); };
  auto empty = [&](int s) { return base + uint32_t(kBarOffset + (kRing + s) * 8); };
  auto stage = [&](int s) { return base + uint32_t(s * kStageBytes); };
  // Every stage zeroed once: the zero stage, and the slots the producer never writes (ix = −1, 64..78).
  for (int o = tid * 16; o < kBarOffset; o += 384 * 16) st_shared_v4(base + uint32_t(o), make_uint4(0, 0, 0, 0));
  fence_proxy_async_shared();
  if (tid < 2 * kRing) mbarrier_init(base + uint32_t(kBarOffset + tid * 8), tid < kRing ? 128 : 8);
  mbarrier_init_fence();
  __syncthreads();
  if (wg == 2) {
    setmaxnreg_dec<kProducerRegs>();
    const int pt = tid & 127, ix = pt & 63, half = pt >> 6;  // this thread: column ix, channels 32·half ..
    int t = 0;                                                 // rows produced
    for (int bs = blockIdx.x; bs < kSweeps; bs += gridDim.x) {
      const int n = bs / (kCout / 32);
      for (int iy = 0; iy < kH; ++iy, ++t) {
        const int s = t % kRing;
        if (t >= kRing) mbarrier_wait_uniform(empty(s), uint32_t((t / kRing - 1) & 1));
        if constexpr ((mode & 16) == 0) {
          const float* src = x + ((int64_t(n) * kCin + 32 * half) * kH + iy) * kW + ix;
#pragma unroll
          for (int part = 0; part < 2; ++part) {  // 16 channels at a time: 16 loads in flight
            float v[16];
#pragma unroll
            for (int e = 0; e < 16; ++e) v[e] = __ldg(src + int64_t(16 * part + e) * kH * kW);
#pragma unroll
            for (int c = 0; c < 4; ++c) {
              st_shared_v4(stage(s) + uint32_t((8 * half + 4 * part + c) * kChunkBytes + (ix + 1) * 16),
                           make_uint4(__float_as_uint(v[4 * c]), __float_as_uint(v[4 * c + 1]),
                                      __float_as_uint(v[4 * c + 2]), __float_as_uint(v[4 * c + 3])));
            }
          }
          fence_proxy_async_shared();
        }
        mbarrier_arrive(full(s));
      }
    }
    return;
  }
  setmaxnreg_inc<kComputeRegs>();
  const int g = lane >> 2, c = lane & 3, py = warp >> 1, t128 = tid & 127;
  int t0 = 0;  // the sweep's first row in the ring's count
  for (int bs = blockIdx.x; bs < kSweeps; bs += gridDim.x, t0 += kH) {
    const int n = bs / (kCout / 32), cb = bs % (kCout / 32), group = 2 * cb + wg;
    const int co = 16 * group + 8 * (warp & 1) + g;
    const int64_t plane = int64_t(n) * kCout + co;
    uint32_t a[32][4];
    {
      const uint4* wp = wpack + (int64_t(group) * 128 + t128) * 32;
#pragma unroll
      for (int f = 0; f < 32; ++f) {
        const uint4 v = wp[f];
        a[f][0] = v.x, a[f][1] = v.y, a[f][2] = v.z, a[f][3] = v.w;
      }
    }
    for (int q = 0; q < kQ; ++q) {
      const int t = t0 + q;
      if (q < kH) mbarrier_wait_uniform(full(t % kRing), uint32_t((t / kRing) & 1));
      const uint32_t row0 = q < kH ? stage(t % kRing) : stage(kZeroStage);          // dy = 0: input row q
      const uint32_t row1 = q > 0 ? stage((t - 1) % kRing) : stage(kZeroStage);   // dy = 1: input row q − 1
      float acc[kAcc];
      if constexpr ((mode & 2) != 0) {
#pragma unroll
        for (int e = 0; e < kAcc; ++e) acc[e] = 0.0f;
      } else {
        wgmma_fence();
#pragma unroll
        for (int s = 0; s < 32; ++s) {
          const int dy = s >> 4, dx = (s >> 3) & 1, c8 = s & 7;
          const uint64_t bd =
              wgmma_desc_k_major((dy == 0 ? row0 : row1) + uint32_t(2 * c8 * kChunkBytes + (1 - dx) * 16),
                                 kChunkBytes, 128);
          wgmma_m64n72k8_tf32(acc, a[s], bd, s > 0 ? 1 : 0);
        }
        wgmma_commit();
        wgmma_wait<0>();
        wgmma_pin(acc);
      }
      if (q > 0 && lane == 0) mbarrier_arrive(empty((t - 1) % kRing));  // input row q − 1 is done with
      if constexpr ((mode & 1) == 0) {
        // v4's epilogue (v4_epilogue_values, no bias): clamp, one vote, GELU in chunks, × multiply unless the warp's
        // values are all zero — v4_gelu_multiply's operations for the positive, finite multiply_value the probe uses,
        // written out because this target builds as C++17 and gpu/fused_v4_flavors.cuh needs C++20.
        uint32_t bits = 0;
#pragma unroll
        for (int e = 0; e < kAcc; ++e) {
          acc[e] = clamp_nonpositive(acc[e] + add_value);
          bits |= __float_as_uint(acc[e]);
        }
        if (__any_sync(0xFFFFFFFFu, (bits & 0x7FFFFFFFu) != 0)) {
          epilogue_gelu_chunks<kAcc, false, 4>(acc, (bits & 0x7FFFFFFFu) != 0);
#pragma unroll
          for (int e = 0; e < kAcc; ++e) acc[e] *= multiply_value;
        }
      }
      if constexpr ((mode & 4) != 0) {  // no stores; the accumulators (and so the wgmma) kept live
        probe_keep_live(acc, y + tid);
      } else {
        const int64_t img_plane = (mode & 32) != 0 ? co : plane;  // + 32: image 0's planes only
        float* row = y + (img_plane * kWout + 2 * q + py) * kWout;
        const int p_q = int((plane + q) & 1);  // the run starts mid-sector iff p_q == 1 (67,600 ≡ 1,040 ≡ 16 mod 32)
        constexpr bool kWhole = (mode & 8) != 0;
        const bool skip_tail = kWhole && p_q == 0 && q < kQ - 1;  // left to the next q-row's item
#pragma unroll
        for (int j = 0; j < 8; ++j) {
          const float4 v = make_float4(acc[4 * j], acc[4 * j + 2], acc[4 * j + 1], acc[4 * j + 3]);
          float* at = row + 16 * j + 4 * c;
          if (py == 0) {
            if (kWhole && j == 0 && c == 0) {
              if (q == 0 && (plane & 1) != 0) continue;  // written with the previous plane's tail at q = 64
              if (p_q == 1) __stcs(reinterpret_cast<float4*>(at - 4), v);  // the previous run's tail (junk here)
            }
            __stcs(reinterpret_cast<float4*>(at), v);
          } else {
            __stcs(reinterpret_cast<float2*>(at), make_float2(v.x, v.y));
            if (!(skip_tail && j == 7 && c == 3)) __stcs(reinterpret_cast<float2*>(at + 2), make_float2(v.z, v.w));
          }
        }
        if (c == 0 && !(py == 1 && skip_tail)) {
          __stcs(reinterpret_cast<float2*>(row + 128), make_float2(acc[32], acc[34]));
          // q = 64, an even plane: its tail's sector continues into the next plane's first 16 bytes (junk here).
          if (kWhole && py == 1 && q == kQ - 1 && (plane & 1) == 0) {
            __stcs(reinterpret_cast<float4*>(row + kWout), make_float4(acc[32], acc[34], 0.0f, 0.0f));
          }
        }
      }
    }
  }
#endif
}

uint32_t tf32_rna(float v) {
  uint32_t b;
  std::memcpy(&b, &v, 4);
  return (b + 0x1000u) & ~0x1FFFu;
}

}  // namespace

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::atoi(argv[1]) : 50;
  const size_t x_elems = size_t(kN) * kCin * kH * kW, y_elems = size_t(kN) * kCout * kWout * kWout;
  const size_t w_elems = size_t(kCin) * kCout * 16;
  std::vector<float> hx(x_elems), hw(w_elems);
  uint32_t state = 12345u;
  auto next = [&] { return state = state * 1664525u + 1013904223u; };
  for (auto& v : hx) v = float(next() >> 8) / 16777216.0f;  // [0, 1)
  // The seed workload's scale (tests/gpu/gpu_case.cpp): weights uniform in ±1/√(Cout·16), rounded to TF32 here.
  const float bound = 1.0f / std::sqrt(float(kCout * 16));
  for (auto& v : hw) {
    const uint32_t b = tf32_rna(bound * (float(int(next() >> 8) - (1 << 23)) / float(1 << 23)));
    std::memcpy(&v, &b, 4);
  }
  // A fragments: group gr, thread t (warp wp, g, c), step s = (dy, dx, c8): rows 16·wp + g (+ 8), columns c (+ 4).
  std::vector<uint32_t> hpack(size_t(8) * 128 * 32 * 4);
  for (int gr = 0; gr < 8; ++gr) {
    for (int t = 0; t < 128; ++t) {
      const int wp = t / 32, g = (t % 32) / 4, c = t % 4;
      for (int s = 0; s < 32; ++s) {
        const int dy = s >> 4, dx = (s >> 3) & 1, c8 = s & 7;
        for (int r = 0; r < 4; ++r) {
          const int px = r & 1, kk = c + 4 * (r >> 1);  // a0 (g, c), a1 (g + 8, c), a2 (g, c + 4), a3 (g + 8, c + 4)
          const int co = 16 * gr + 8 * (wp & 1) + g, pyw = wp >> 1, ci = 8 * c8 + kk;
          const float v = hw[((size_t(ci) * kCout + co) * 4 + pyw + 2 * dy) * 4 + px + 2 * dx];
          std::memcpy(&hpack[((size_t(gr) * 128 + t) * 32 + s) * 4 + r], &v, 4);
        }
      }
    }
  }
  float *x = nullptr, *y = nullptr, *w = nullptr;
  uint4* wpack = nullptr;
  CHECK_CUDA(cudaMalloc(&x, x_elems * 4));
  CHECK_CUDA(cudaMalloc(&y, y_elems * 4));
  CHECK_CUDA(cudaMalloc(&w, w_elems * 4));
  CHECK_CUDA(cudaMalloc(&wpack, hpack.size() * 4));
  CHECK_CUDA(cudaMemcpy(x, hx.data(), x_elems * 4, cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemcpy(w, hw.data(), w_elems * 4, cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemcpy(wpack, hpack.data(), hpack.size() * 4, cudaMemcpyHostToDevice));
  int sms = 0;
  CHECK_CUDA(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
  std::printf("%d ring stages, %d producer / %d computing registers, %d blocks\n", kRing, kProducerRegs, kComputeRegs,
              sms);
  // The check, for both signs of add_value (the seed's +0.5 clamps most outputs; −0.5 sends most through GELU).
  CHECK_CUDA(cudaFuncSetAttribute(swap_tf32_probe<0>, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmemBytes));
  int failures = 0;
  for (const float add : {0.5f, -0.5f}) {
    CHECK_CUDA(cudaMemset(y, 0xFF, y_elems * 4));  // NaN everywhere: an output never written fails
    swap_tf32_probe<0><<<sms, 384, kSmemBytes>>>(x, wpack, y, add, 2.0f);
    CHECK_CUDA(cudaGetLastError());
    if (!probe_check<true>("swap tf32", x, w, y, ProbeShape{kN, kCin, kH, kW, kCout}, add, 2.0f, 1e-4f)) ++failures;
  }
  auto run = [&](auto mode_c, const char* what) {
    constexpr int kMode = decltype(mode_c)::value;
    CHECK_CUDA(cudaFuncSetAttribute(swap_tf32_probe<kMode>, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmemBytes));
    for (const float add : {0.5f, -0.5f}) {
      if (kMode != 0 && add < 0.0f) continue;
      const float ms = median_ms([&] { swap_tf32_probe<kMode><<<sms, 384, kSmemBytes>>>(x, wpack, y, add, 2.0f); }, 3,
                                 reps);
      CHECK_CUDA(cudaGetLastError());
      CHECK_CUDA(cudaDeviceSynchronize());
      std::printf("swap tf32 probe, mode %2d (%s), add %+.1f: %.3f ms (median of %d)\n", kMode, what, add, ms, reps);
    }
  };
  run(std::integral_constant<int, 0>{}, "the design");
  run(std::integral_constant<int, 8>{}, "whole sectors");
  run(std::integral_constant<int, 4>{}, "no stores");
  run(std::integral_constant<int, 4 + 16>{}, "no stores, no loads");
  run(std::integral_constant<int, 2 + 1>{}, "loads and stores");
  run(std::integral_constant<int, 2 + 1 + 8>{}, "loads and whole-sector stores");
  run(std::integral_constant<int, 2 + 1 + 16>{}, "stores alone");
  run(std::integral_constant<int, 2 + 1 + 16 + 8>{}, "whole-sector stores alone");
  run(std::integral_constant<int, 32>{}, "y in L2");
  run(std::integral_constant<int, 2 + 1 + 4>{}, "loads alone");
  run(std::integral_constant<int, 1 + 4>{}, "loads and wgmma");
  run(std::integral_constant<int, 1 + 4 + 16>{}, "wgmma alone");
  CHECK_CUDA(cudaFree(x));
  CHECK_CUDA(cudaFree(y));
  CHECK_CUDA(cudaFree(w));
  CHECK_CUDA(cudaFree(wpack));
  return failures == 0 ? 0 : 1;
}
