// What does one wgmma m64n64k8 TF32 cost the warpgroup that issues it, with A from registers (RS, as v4's 3xTF32 does)
// against A from shared memory by descriptor (SS)? bench/NOTES.md §16: 3xTF32 behaves as its three products at full
// tensor rate plus ~0.52 ms that overlaps none of them, and its computing warps spend ~28 cycles per HGMMA; an SS
// design (a channels-last, pre-split window) would drop the fragment loads and splits. This probe times the issue
// loop alone, no memory traffic: one block per SM, two warpgroups (as v4), each issuing `groups` groups of 12 wgmma
// (4 k-steps × the three products of 3xTF32, the k-steps alternating between two accumulator chains as v4's tw
// chains), commit, wait_group 1, in four modes:
//   rs_const  A fragments in registers, fixed (loaded once): the RS issue cost alone;
//   rs_lds    each group's fragments loaded from shared memory (16 scalar loads a lane, as v4's window reads) and
//             split into big and small (two buffers, as v4): v4's 3xTF32 chain without its barriers;
//   ss        A (big and small parts) from shared memory by descriptor (K-major, no swizzle);
//   ss_shift  the same with each group's A descriptors moved by a row (16 bytes), as a tap's pixel shift would.
// Prints per mode the cycles per wgmma and warpgroup (clock64 around the loop) and the tensor pipe's implied busy
// share: warpgroups × 32 cycles (m64n64k8 TF32 at 1,024 MAC per cycle and SM) / cycles per wgmma. Values in
// shared memory are dense pseudo-random floats (the tensor core's power depends on its operands).
// Answer (H100 80GB HBM3, driver 580.159.04, 2026-11-26, bench/NOTES.md §16c): every mode issues one wgmma per 64
// cycles and warpgroup with two warpgroups, per 32 cycles with one (rs_lds 34): the tensor pipe is full either way,
// so neither RS operands, nor the fragment loads and split, nor the issue is a limit by itself. The wall time says
// the SM clock ran at ~1.77 GHz while the pipe was full (1,980 MHz idle, no throttle reason reported afterwards).
// With item ends (rs_lds, two warpgroups, a drain and E rounds of 32 FMA every 8 groups) the pipe loses: E = 4: 93%,
// 8 (about v4's 226-instruction epilogue): 89%, 16: 83%, 32: 72%; one warpgroup, E = 8: 77%; warpgroup 1 starting
// 0.5–3 µs late: the same (the loss is not the two warpgroups' phase).
// Build: the gpu_wgmma_issue_probe target (sm_90a device code only; elsewhere it reports "no sm_90a code").
// Then v4 TF32's unit itself (unit_probe: four m64n128k8 with A from a window, as in the kernel), one and two
// warpgroups, with 0, 2 and 4 16-byte shared-memory stores and loads per lane and unit beside it. Answer (H100,
// 2026-11-27, bench/NOTES.md §24e): two warpgroups 519 cycles a unit (tensor pipe 99% busy), one 312 (82%); with 2
// words 674 and 522, with 4 words 809 and 612 (the noise runs in the issuing warps: it lengthens their chain as well
// as loading shared memory); B in the 128-byte swizzle the same as in the 32-byte one.
// Then the same unit beside side warps of their own (the third warpgroup's warps 0 .. side − 1) that load and
// store 16-byte words flat out, four of each in flight, with the bytes a cycle they move. Answer (H200 and H100 alike
// to the cycle, 2026-11-27, bench/NOTES.md §25a): alone, 1 / 2 / 4 side warps move 62 / 123 / 127 bytes a cycle
// (shared memory's ~128); beside one computing warpgroup (312 cycles a unit, 77 bytes a cycle of its own) they take the unit to 324 / 349 / 473
// cycles while moving 25 / 42 / 68; beside two (518 cycles, 93 bytes a cycle) to 592 / 618 / 711 while moving 14 /
// 27 / 46. So two warpgroups' units alone use ~93 of the ~100–120 bytes a cycle this mix gets, and every byte of
// other traffic comes out of their wgmma: the unit loop is bound by shared memory, not by latency.
// Side warps of shuffles instead (side < 0; 8 independent __shfl_sync chains a warp, counted as 128 bytes a shuffle;
// H100, 15:08 UTC, §25a): four alone 0.41 shuffles a cycle; beside two computing warpgroups 0.075 a cycle took the unit
// from 518 to 576 cycles — per shuffle about twice the cost of a 128-byte wavefront of LDS/STS (0.28 a cycle: 633 in the
// same run). SHFL is no way around shared memory's bandwidth.
// Run (GPU machine): ./gpu_wgmma_issue_probe [groups] [warpgroups per SM: 1 or 2] [epilogue rounds per item] [ns]
// (items: with the last argument > 0, every 8 groups the warpgroup drains its wgmma and runs that many rounds of 32 FMA
// on its accumulators, as v4's item ends do; ns: warpgroup 1 starts that late).
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <type_traits>
#include <vector>

#include "bench/gpu/median_ms.cuh"
#include "gpu/tma.cuh"
#include "gpu/wgmma.cuh"

namespace {

enum Mode { kRsConst, kRsLds, kSs, kSsShift };
constexpr const char* kModeNames[] = {"rs_const", "rs_lds", "ss", "ss_shift"};

// Shared memory: B (4 k-steps × 2 parts × 64 columns × 32 bytes, the 32-byte swizzle as v4), A for SS (per warpgroup:
// 2 parts × 4 k-steps × (2 K halves × 65 rows × 16 bytes): a row more than a tile, for the shifted mode), and a
// window for rs_lds (per warpgroup 8 channels × 136 floats, v4's 2-row a_ld).
constexpr int kBBytes = 4 * 2 * 64 * 32;
constexpr int kAHalf = 65 * 16;  // one K half (4 elements) of 65 rows
constexpr int kAStep = 2 * kAHalf;
constexpr int kAWgBytes = 2 * 4 * kAStep;
constexpr int kWinWgBytes = (8 * 136 + 64) * 4;  // 64 floats of slack for the shifted reads
constexpr int kSmemBytes = kBBytes + 2 * kAWgBytes + 2 * kWinWgBytes;

#ifdef GATE_WGMMA_AVAILABLE
// SS form: A and B from shared memory by descriptor.
__device__ __forceinline__ void wgmma_ss_m64n64k8_tf32(float (&d)[32], uint64_t a_desc, uint64_t b_desc, int accumulate) {
  asm volatile(
      "{\n.reg .pred p;\nsetp.ne.b32 p, %34, 0;\n"
      "wgmma.mma_async.sync.aligned.m64n64k8.f32.tf32.tf32 "
      "{%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,%30,%31}, %32, %33, p, 1, 1;\n}\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]),
        "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]),
        "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]),
        "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31])
      : "l"(a_desc), "l"(b_desc), "r"(accumulate));
}
#endif

#ifdef GATE_WGMMA_AVAILABLE
// Both kernels' start: `bytes` of shared memory filled with dense pseudo-random floats, made visible to wgmma (async
// proxy); returns the buffer's shared-space address, which must be 1 KB-aligned (the swizzle atoms).
__device__ __forceinline__ uint32_t probe_fill_smem(unsigned char* smem, int bytes) {
  for (int i = threadIdx.x; i < bytes / 4; i += blockDim.x)
    reinterpret_cast<uint32_t*>(smem)[i] = probe_dense_bits(i + 977u * blockIdx.x);
  gate::gpu::fence_proxy_async_shared();
  __syncthreads();
  const uint32_t base = uint32_t(__cvta_generic_to_shared(smem));
  if ((base & 1023) != 0) __trap();
  return base;
}
// The lane's element of a window (channel c = lane mod 4, pixel m_a = 16·warp + lane / 4 at tap (0, 0)).
__device__ __forceinline__ const float* probe_a_lane(const float* win, int lane, int warp) {
  return win + (lane & 3) * 136 + warp * 16 + (lane >> 2) + 68 + 4;
}
// The lane's window element for fragment rows g, g + 8 and channels c, c + 4 of k-step s = (th, tw), as v4 TF32 reads
// them (2-row a_ld 136 floats, pitch 68): a_lane points at (channel c, pixel m_a) of the tap (0, 0); shift moves the
// window as consecutive units would.
__device__ __forceinline__ void probe_window_words(uint32_t (&raw)[4], const float* a_lane, int s, int shift) {
  const float* p = a_lane - (s >> 1) * 68 - (s & 1) + shift;
  raw[0] = __float_as_uint(p[0]), raw[1] = __float_as_uint(p[8]);
  raw[2] = __float_as_uint(p[4 * 136]), raw[3] = __float_as_uint(p[4 * 136 + 8]);
}
#endif

template <Mode kMode>
__global__ void __launch_bounds__(256, 1) probe(int groups, int epi, int delay_ns, float* sink, long long* cycles) {
#ifdef GATE_WGMMA_AVAILABLE
  using namespace gate::gpu;
  extern __shared__ __align__(1024) unsigned char smem[];
  const int tid = threadIdx.x, wg = __shfl_sync(0xFFFFFFFFu, tid >> 7, 0), lane = tid & 31, warp = (tid >> 5) & 3;
  const uint32_t base = probe_fill_smem(smem, kSmemBytes);
  const uint64_t b_desc0 = wgmma_desc_k_major_sw32(base, 256);
  constexpr uint32_t kBStep = 2 * 64 * 32;  // a k-step's two parts side by side; the small part 2 KB further
  const uint32_t a_base = base + kBBytes + wg * kAWgBytes;
  const float* win = reinterpret_cast<const float*>(smem + kBBytes + 2 * kAWgBytes + wg * kWinWgBytes);
  const float* a_lane = probe_a_lane(win, lane, warp);

  float acc0[32], acc1[32];
#pragma unroll
  for (int i = 0; i < 32; ++i) acc0[i] = acc1[i] = 0.0f;
  uint32_t frag[2][4][8];
  auto load = [&](uint32_t(&f)[4][8], int shift) {
#pragma unroll
    for (int s = 0; s < 4; ++s) {
      uint32_t raw[4];
      probe_window_words(raw, a_lane, s, shift);
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        f[s][i] = raw[i] & 0xFFFFE000u;
        f[s][4 + i] = __float_as_uint(__uint_as_float(raw[i]) - __uint_as_float(f[s][i]));
      }
    }
  };
  load(frag[0], 0);
  load(frag[1], 1);
  auto group = [&](auto buf_c, int g) {
    constexpr int kBuf = decltype(buf_c)::value;
    if constexpr (kMode == kRsLds) load(frag[kBuf], g & 3);
    wgmma_pin_a(*reinterpret_cast<uint32_t(*)[32]>(&frag[kBuf][0][0]));
    wgmma_fence();
#pragma unroll
    for (int s = 0; s < 4; ++s) {
      float(&d)[32] = (s & 1) ? acc1 : acc0;
      const uint64_t b = wgmma_desc_advance(b_desc0, uint32_t(s * kBStep));
      const uint64_t b_small = wgmma_desc_advance(b, 64 * 32);
      const int accumulate = g > 0 || s >= 2 ? 1 : 0;
      if constexpr (kMode == kRsConst || kMode == kRsLds) {
        const uint32_t(&big)[4] = *reinterpret_cast<const uint32_t(*)[4]>(&frag[kBuf][s][0]);
        const uint32_t(&small)[4] = *reinterpret_cast<const uint32_t(*)[4]>(&frag[kBuf][s][4]);
        wgmma_m64n64k8_tf32(d, small, b, accumulate);
        wgmma_m64n64k8_tf32(d, big, b_small, 1);
        wgmma_m64n64k8_tf32(d, big, b, 1);
      } else {
        const uint32_t shift = kMode == kSsShift ? uint32_t(g & 1) * 16 : 0;
        const uint32_t a_big = a_base + uint32_t(s * kAStep) + shift, a_small = a_big + 4 * kAStep;
        const uint64_t da_big = wgmma_desc_k_major(a_big, kAHalf, 128), da_small = wgmma_desc_k_major(a_small, kAHalf, 128);
        wgmma_ss_m64n64k8_tf32(d, da_small, b, accumulate);
        wgmma_ss_m64n64k8_tf32(d, da_big, b_small, 1);
        wgmma_ss_m64n64k8_tf32(d, da_big, b, 1);
      }
    }
    wgmma_commit();
    wgmma_wait<1>();
  };
  using Buf0 = std::integral_constant<int, 0>;
  using Buf1 = std::integral_constant<int, 1>;
  __syncthreads();
  const long long t0 = clock64();
  if (wg == 1 && delay_ns > 0) __nanosleep(delay_ns);  // warpgroup 1 starts late: the two out of phase
  group(Buf0{}, 0);
  for (int g = 1; g + 1 < groups; g += 2) {
    group(Buf1{}, g);
    group(Buf0{}, g + 1);
    if (epi > 0 && (g + 1) % 8 == 0) {
      // An item's end, as v4's: drain the wgmma pipeline, then `epi` rounds of an epilogue's arithmetic on the
      // accumulators (32 dependent-in-pairs FMA a round) before the next item's groups.
      wgmma_wait<0>();
      wgmma_pin(acc0);
      wgmma_pin(acc1);
      for (int r = 0; r < epi; ++r) {
#pragma unroll
        for (int i = 0; i < 32; ++i) acc0[i] = fmaf(acc0[i], 0.999f, acc1[i]);
      }
    }
  }
  wgmma_wait<0>();
  wgmma_pin(acc0);
  wgmma_pin(acc1);
  const long long t1 = clock64();
  float sum = 0.0f;
#pragma unroll
  for (int i = 0; i < 32; ++i) sum += acc0[i] + acc1[i];
  sink[blockIdx.x * blockDim.x + tid] = sum;
  if ((tid & 127) == 0) cycles[blockIdx.x * 2 + wg] = t1 - t0;
#else
  if (threadIdx.x == 0 && blockIdx.x == 0) cycles[0] = -1;
#endif
}

// v4 TF32's unit as it is (bench/NOTES.md §24c): four wgmma m64n128k8 TF32, A from registers loaded from a window
// (16 scalar loads a lane, no split), the k-steps alternating between two 64-register accumulator chains, commit,
// wait_group 1; the fragments double-buffered. kNoise: each unit also moves `noise` 16-byte shared-memory words per
// lane (a store and a load each, on a scratch area of its own), as the staging buffer's writes and the storer's or
// TMA's reads add to a unit's shared-memory traffic in the kernel (~8 KB per unit and warpgroup at noise 2).
constexpr int kUnitBBytes = 4 * 128 * 32;  // 4 k-steps × 128 columns × 32 bytes: v4 TF32's B of one unit
constexpr int kNoiseWgBytes = 128 * 16 * 8;
constexpr int kUnitSmemBytes = kUnitBBytes + 2 * kWinWgBytes + 2 * kNoiseWgBytes;
// kSw128: B in the 128-byte swizzle (8-row atoms of 128-byte rows: the unit's four k-steps side by side in one row, a
// k-step 32 bytes further) instead of v4's 32-byte one: the same bytes, read in wider rows.
// side > 0: `side` warps of an extra warpgroup (after the wgs computing ones) load and store 16-byte shared-memory
// words flat out until the computing warpgroups are done: traffic from warps of their own, as the kernel's storer, TMA
// and the other warpgroup's staging are, rather than in the issuing warps' chain (noise). side < 0: −side warps of
// shuffles instead. With wgs 0 the side warps run `units` rounds alone: their own rate.
template <bool kSw128>
__global__ void __launch_bounds__(384, 1) unit_probe(int units, int noise, int wgs, int side, float* sink,
                                                     long long* cycles) {
#ifdef GATE_WGMMA_AVAILABLE
  using namespace gate::gpu;
  extern __shared__ __align__(1024) unsigned char smem[];
  __shared__ int done;
  const int tid = threadIdx.x, wg = __shfl_sync(0xFFFFFFFFu, tid >> 7, 0), lane = tid & 31, warp = (tid >> 5) & 3;
  if (tid == 0) done = 0;
  const uint32_t base = probe_fill_smem(smem, kUnitSmemBytes);
  // Always three warpgroups (launch bounds 384: 168 registers a thread); the computing ones take 232, the
  // others give theirs back, so that the 2 × 64 accumulators fit without serialising the wgmma (ptxas C7512).
  if (wg >= wgs) {  // the side warps, on the computing warpgroups' noise areas (their own noise is 0 in this mode)
    setmaxnreg_dec<40>();
    __syncthreads();  // the computing warps' start barrier: every thread of the block takes part
    // Rounds of side traffic until the computing warpgroups are done (with none: `units` rounds); side warp 0 reports
    // the bytes all side warps moved and its cycles (they run alike).
    auto side_rounds = [&](auto round, long long bytes_per_round) {
      long long rounds = 0;
      const long long t0 = clock64();
      while (wgs > 0 ? *reinterpret_cast<volatile int*>(&done) < wgs : rounds < units) {
        round();
        ++rounds;
      }
      const long long t1 = clock64();
      if (tid == 128 * wgs) {
        cycles[2 * gridDim.x + 2 * blockIdx.x] = rounds * bytes_per_round;
        cycles[2 * gridDim.x + 2 * blockIdx.x + 1] = t1 - t0;
      }
    };
    if (wg == wgs && side < 0 && warp < -side) {
      // Eight independent chains of __shfl_sync, counted as 128 bytes a warp-wide shuffle: does SHFL share what
      // wgmma's operand reads and LDS/STS use?
      uint32_t v[8];
#pragma unroll
      for (int k = 0; k < 8; ++k) v[k] = uint32_t(tid * (k + 1));
      side_rounds([&] {
#pragma unroll
        for (int k = 0; k < 8; ++k) v[k] = __shfl_sync(0xFFFFFFFFu, v[k] + uint32_t(k), (lane + k + 1) & 31);
      }, 8 * 128 * -side);
      uint32_t x = 0;
#pragma unroll
      for (int k = 0; k < 8; ++k) x ^= v[k];
      sink[blockIdx.x * blockDim.x + tid] = __uint_as_float(x & 0x3FFFFFFFu);
    }
    if (wg == wgs && warp < side) {
      // Loads from warpgroup 0's noise area, stores to warpgroup 1's: eight of each a round, four in flight at a time
      // (40 registers a thread), independent of the round before (a chain through memory would measure latency, not
      // what shared memory delivers): 8 KB a warp and round.
      const uint4* from = reinterpret_cast<const uint4*>(smem + kUnitBBytes + 2 * kWinWgBytes) + 32 * warp + lane;
      uint4* to = reinterpret_cast<uint4*>(smem + kUnitBBytes + 2 * kWinWgBytes + kNoiseWgBytes) + 32 * warp + lane;
      uint4 carry = make_uint4(tid, 0, 0, 0);
      side_rounds([&] {
#pragma unroll
        for (int h = 0; h < 8; h += 4) {
          uint4 v[4];
#pragma unroll
          for (int k = 0; k < 4; ++k) v[k] = from[128 * (h + k)];
#pragma unroll
          for (int k = 0; k < 4; ++k) to[128 * (h + k)] = make_uint4(v[k].x ^ carry.x, v[k].y, v[k].z, v[k].w);
          carry.x += v[0].y;
        }
      }, 8192 * side);
      sink[blockIdx.x * blockDim.x + tid] = __uint_as_float(carry.x & 0x3FFFFFFFu);
    }
    return;
  }
  setmaxnreg_inc<232>();  // 2 × 128 × 232 + 128 × 40 = 64,512
  const uint64_t b_desc0 = kSw128 ? wgmma_desc_k_major(base, 16, 1024) | (uint64_t(1) << 62)
                                  : wgmma_desc_k_major_sw32(base, 256);
  const uint32_t k_step_bytes = kSw128 ? 32 : 128 * 32;
  const float* win = reinterpret_cast<const float*>(smem + kUnitBBytes + wg * kWinWgBytes);
  uint4* scratch = reinterpret_cast<uint4*>(smem + kUnitBBytes + 2 * kWinWgBytes + wg * kNoiseWgBytes) + (tid & 127);
  const float* a_lane = probe_a_lane(win, lane, warp);
  float acc0[64], acc1[64];
#pragma unroll
  for (int i = 0; i < 64; ++i) acc0[i] = acc1[i] = 0.0f;
  uint32_t frag[2][4][4];
  auto load = [&](uint32_t(&f)[4][4], int shift) {
#pragma unroll
    for (int s = 0; s < 4; ++s) probe_window_words(f[s], a_lane, s, shift);
  };
  uint4 carry = make_uint4(0, 0, 0, 0);
  auto unit = [&](auto buf_c, int u) {
    constexpr int kBuf = decltype(buf_c)::value;
    load(frag[kBuf], u & 3);
    for (int n = 0; n < noise; ++n) {
      scratch[128 * (n & 7)] = carry;
      const uint4 v = scratch[128 * ((n + 3) & 7)];
      carry.x ^= v.y;
    }
    wgmma_pin_a(*reinterpret_cast<uint32_t(*)[16]>(&frag[kBuf][0][0]));
    wgmma_fence();
#pragma unroll
    for (int s = 0; s < 4; ++s) {
      const uint64_t b = wgmma_desc_advance(b_desc0, uint32_t(s) * k_step_bytes);
      wgmma_m64n128k8_tf32((s & 1) ? acc1 : acc0, frag[kBuf][s], b, u > 0 || s >= 2 ? 1 : 0);
    }
    wgmma_commit();
    wgmma_wait<1>();
  };
  using Buf0 = std::integral_constant<int, 0>;
  using Buf1 = std::integral_constant<int, 1>;
  __syncthreads();
  const long long t0 = clock64();
  unit(Buf0{}, 0);
  for (int u = 1; u + 1 < units; u += 2) {
    unit(Buf1{}, u);
    unit(Buf0{}, u + 1);
  }
  wgmma_wait<0>();
  wgmma_pin(acc0);
  wgmma_pin(acc1);
  const long long t1 = clock64();
  float sum = __uint_as_float(carry.x & 0x3FFFFFFFu);
#pragma unroll
  for (int i = 0; i < 64; ++i) sum += acc0[i] + acc1[i];
  sink[blockIdx.x * blockDim.x + tid] = sum;
  if ((tid & 127) == 0) cycles[blockIdx.x * 2 + wg] = t1 - t0;
  if ((tid & 127) == 0) atomicAdd(&done, 1);
#else
  if (threadIdx.x == 0 && blockIdx.x == 0) cycles[0] = -1;
#endif
}

// The computing warpgroups' loop cycles of the timed launch, sorted (a negative first value: no sm_90a code ran).
std::vector<long long> probe_cycles(const long long* cycles_d, int sms, int wgs) {
  std::vector<long long> all(size_t(sms) * 2), cycles;
  CHECK_CUDA(cudaMemcpy(all.data(), cycles_d, all.size() * sizeof(long long), cudaMemcpyDeviceToHost));
  for (size_t i = 0; i < all.size(); ++i)
    if (i % 2 < size_t(wgs)) cycles.push_back(all[i]);
  if (cycles[0] >= 0) std::sort(cycles.begin(), cycles.end());
  return cycles;
}

template <bool kSw128>
void run_units(int sms, int units, int wgs, int noise, int side, float* sink, long long* cycles_d) {
  CHECK_CUDA(cudaFuncSetAttribute(unit_probe<kSw128>, cudaFuncAttributeMaxDynamicSharedMemorySize, kUnitSmemBytes));
  CHECK_CUDA(cudaMemset(cycles_d, 0, size_t(sms) * 4 * sizeof(long long)));
  const float ms =
      median_ms([&] {
        unit_probe<kSw128><<<sms, 384, kUnitSmemBytes>>>(units, noise, wgs, side, sink, cycles_d);
      }, 1, 1);
  CHECK_CUDA(cudaGetLastError());
  // The side warps' bytes and cycles (block 0's: every SM runs alike).
  long long side_rate[2] = {0, 0};
  CHECK_CUDA(cudaMemcpy(side_rate, cycles_d + 2 * sms, sizeof(side_rate), cudaMemcpyDeviceToHost));
  const double side_bytes_per_cycle = side_rate[1] > 0 ? double(side_rate[0]) / double(side_rate[1]) : 0.0;
  if (wgs == 0) {
    std::printf("side warps alone, %d warp(s)%s: %6.1f bytes a cycle  %.3f ms\n", side < 0 ? -side : side,
                side < 0 ? " of shuffles" : " of shared-memory stores and loads", side_bytes_per_cycle, ms);
    return;
  }
  const std::vector<long long> cycles = probe_cycles(cycles_d, sms, wgs);
  if (cycles[0] < 0) {
    std::printf("tf32 unit no sm_90a code\n");
    return;
  }
  const int issued = 1 + 2 * ((units - 1) / 2);
  const double per_unit = double(cycles[cycles.size() / 2]) / double(issued);
  std::printf("tf32 unit (4 × m64n128k8, B %s), %d warpgroup(s), %2d noise words, %d side warps%s: %7.1f cycles per "
              "unit and warpgroup  tensor busy %5.1f%%  side %5.1f B/cycle  %.3f ms\n", kSw128 ? "sw128" : "sw32", wgs,
              noise, side < 0 ? -side : side, side < 0 ? " of shuffles" : "", per_unit, 100.0 * wgs * 256.0 / per_unit,
              side_bytes_per_cycle, ms);
}

template <Mode kMode>
void run(int sms, int groups, int wgs, int epi, int delay_ns, float* sink, long long* cycles_d) {
  CHECK_CUDA(cudaFuncSetAttribute(probe<kMode>, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmemBytes));
  CHECK_CUDA(cudaMemset(cycles_d, 0, size_t(sms) * 2 * sizeof(long long)));
  // One warm-up launch, one timed (median_ms, the probes' shared timing); the cycles come from the timed one.
  const float ms = median_ms([&] { probe<kMode><<<sms, 128 * wgs, kSmemBytes>>>(groups, epi, delay_ns, sink, cycles_d); },
                             1, 1);
  CHECK_CUDA(cudaGetLastError());
  const std::vector<long long> cycles = probe_cycles(cycles_d, sms, wgs);
  if (cycles[0] < 0) {
    std::printf("%-9s no sm_90a code\n", kModeNames[kMode]);
    return;
  }
  const int issued = 1 + 2 * ((groups - 1) / 2);  // the kernel's groups: one, then pairs
  const double per = double(cycles[cycles.size() / 2]) / (double(issued) * 12.0);
  std::printf("%-9s %7.2f cycles per wgmma and warpgroup (median of %zu)  tensor busy %5.1f%%  %.3f ms\n",
              kModeNames[kMode], per, cycles.size(), 100.0 * wgs * 32.0 / per, ms);
}

}  // namespace

int main(int argc, char** argv) {
  const int groups = argc > 1 ? std::max(2, std::atoi(argv[1])) : 20000;
  const int wgs = argc > 2 ? std::clamp(std::atoi(argv[2]), 1, 2) : 2;
  const int epi = argc > 3 ? std::max(0, std::atoi(argv[3])) : 0;  // epilogue rounds every 8 groups (0: no items)
  const int delay_ns = argc > 4 ? std::max(0, std::atoi(argv[4])) : 0;  // warpgroup 1's late start
  int device = 0, sms = 0;
  CHECK_CUDA(cudaGetDevice(&device));
  CHECK_CUDA(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  cudaDeviceProp prop{};
  CHECK_CUDA(cudaGetDeviceProperties(&prop, device));
  std::printf("%s, %d SMs, %d groups of 12 wgmma m64n64k8 TF32 per warpgroup, %d warpgroup(s) per SM, %d epilogue "
              "rounds per 8 groups\n", prop.name, sms, groups, wgs, epi);
  float* sink = nullptr;
  long long* cycles = nullptr;
  CHECK_CUDA(cudaMalloc(&sink, size_t(sms) * 384 * sizeof(float)));
  CHECK_CUDA(cudaMalloc(&cycles, size_t(sms) * 4 * sizeof(long long)));
  run<kRsConst>(sms, groups, wgs, epi, delay_ns, sink, cycles);
  run<kRsLds>(sms, groups, wgs, epi, delay_ns, sink, cycles);
  run<kSs>(sms, groups, wgs, epi, delay_ns, sink, cycles);
  run<kSsShift>(sms, groups, wgs, epi, delay_ns, sink, cycles);
  for (const int w : {1, 2})
    for (const int noise : {0, 2, 4}) {
      run_units<false>(sms, groups, w, noise, 0, sink, cycles);
      run_units<true>(sms, groups, w, noise, 0, sink, cycles);
    }
  for (const int side : {1, 2, 4, -1, -2, -4}) run_units<false>(sms, groups / 4, 0, 0, side, sink, cycles);
  for (const int w : {1, 2})
    for (const int side : {1, 2, 4, -1, -2, -4}) run_units<false>(sms, groups, w, 0, side, sink, cycles);
  CHECK_CUDA(cudaFree(sink));
  CHECK_CUDA(cudaFree(cycles));
  return 0;
}
