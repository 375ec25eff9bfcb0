// Would v4's 16-bit kernel be faster with its operands swapped (bench/NOTES.md §25e)? A timing probe of that design on
// the seed workload (float16, N = 128, Cin = 64, 64 × 64, Cout = 128, k = 4, s = 2), with random weights at the seed's
// scale: its outputs (mode 0) are checked against a direct loop on the same operands (probe_check.cuh; since §29),
// then its time is taken, against v4 f16's (gpu_bench in the same call).
// The design: the weights are wgmma's A, held in registers for the whole kernel (a computing warpgroup's 16 output
// channels × 4 phases = M 64, × K 256 = 64 registers a thread); x is B, read by descriptor from the window stages as
// TMA wrote them (MN-major, 128-byte swizzle: each line 64 pixels of one channel and input row), N = the q-row's 64
// q-columns. A k16 step is 8 channels × the two input rows (K index 2c + row: the box's lines in order). The tw = 1 taps
// use the same B as tw = 0 with their own weights, into a second accumulator set, whose column n belongs to
// q-column n + 1: the epilogue adds it one column on (a shuffle per register pair), and its column 63 is q-column W.
// So per unit (16 channels): one full-barrier wait, 4 wgmma m64n64k16 and a release — no fragment loads, no PRMT.
// Block: two computing warpgroups (channels 0–15 and 16–31 of the block's 32-channel n-tile) on the same items and
// window stages (a ring of kStages, released when both have read a stage), and a producer warpgroup: warp 0 loads the
// windows, warps 1 and 2 copy the staged runs to y, 16 channels each (v4 16-bit's run layout and copy). Grid: 4
// n-tiles × 33 blocks, each block every 33rd (image, q-row) item of its n-tile.
// Build knobs: GATE_SWAP16_STAGES (window stages, default 6); GATE_SWAP16_INDEPENDENT (each computing warpgroup its
// own items, stages, staging, loader warp and storer warp, as v4's, instead of both on the same items).
// GATE_SWAP16_BUFS: staging buffers per stream (default 2); GATE_SWAP16_PRODUCER_REGS, GATE_SWAP16_STORER_UNROLL,
// GATE_SWAP16_STORERS: the storers' registers, unrolling and number.
// Run (GPU machine): ./gpu_swap16_probe [reps]; main() picks the modes, which leave parts out (bounds, y left wrong):
// + 1 no epilogue, + 2 no wgmma, + 8 plain stores instead of evict-first, + 32 no window loads, + 64 no stores, + 512
// every window from image 0 (x from L2, no DRAM reads), + 1024 y of image 0 only (its 4.3 MB stay in L2: no DRAM
// writes), + 2048 every run stored from its start rounded down to a sector, no 8-byte piece (no sector split between
// items; y wrong at the runs' ends), + 4096 x fetched into L2 GATE_SWAP16_X_AHEAD images ahead (v4's prefetch_x),
// + 8192 ping-pong (the warpgroups' wgmma take turns item by item). Variants measured once and dropped
// (bench/RESULTS.md, builds e34e670 and 765b033): the runs' edge pieces plain, only whole sectors, a relaxed storer
// arrival, window loads without the proxy fence, one arrival per warp, test_wait or a suspend-time hint — none changed
// the time.
// Answer (H100, 2026-11-27, bench/NOTES.md §25e): 0.318–0.326 ms against v4 f16's 0.332–0.335 in the same calls,
// shared or independent streams alike (−3 to −4%). Its loads and stores alone take 0.28 ms, the stores alone 0.24–0.28
// (0.17 with y resident in L2) whatever the storers' unrolling, registers or number: the data path, bound by the
// memory system, is the 16-bit bound, not the compute.
// Again (H100, 2026-11-27, §29): with 12 stages 0.302–0.308 ms, with 8 KB units (GATE_SWAP16_UNIT_CH=32) 0.296–0.300
// (v4 f16 0.334 in the session: −11%); with every run's sectors whole (+ 2048) 0.272–0.277, its stores alone then at
// the fill's rate (0.180). What sets it now is its compute side (no stores: 0.27–0.29; the wgmma alone 0.17): each
// warpgroup's epilogue between its own wgmma. A delayed warpgroup 1, independent streams, ping-pong turns (+ 8192) and
// x fetched ahead into L2 (+ 4096) change nothing. (Before §29 modes 1 and 65 left the accumulators unread and ptxas
// dropped the wgmma: their figures in §25e are the loads and barriers alone.)
// Built into gpu/ as fused_v6_swap (§30): its kernel at the probe's speed, 5–6% under v4's kernel. The "−11%" above
// set this probe's kernel alone against v4's whole launch as gpu_bench times it (host work and weight pack), §30c.
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <type_traits>
#include <vector>

#include "bench/gpu/median_ms.cuh"
#include "bench/gpu/probe_check.cuh"
#include "gpu/epilogue.cuh"
#include "gpu/fused_v6_swap.cuh"
#include "gpu/storage.cuh"
#include "gpu/tma.cuh"
#include "gpu/wgmma.cuh"

#ifndef GATE_SWAP16_STAGES
#define GATE_SWAP16_STAGES 6  // window stages of the block's ring (a build-time knob for the probe)
#endif

namespace {

constexpr int kN = 128, kCin = 64, kH = 64, kW = 64, kCout = 128, kQH = kH + 1, kWout = 2 * kW + 2;
constexpr int kTiles = kCout / 32, kBlocksPerTile = 33, kBlocks = kTiles * kBlocksPerTile;
#ifndef GATE_SWAP16_UNIT_CH
#define GATE_SWAP16_UNIT_CH 16  // input channels a window stage holds (16 or 32: a TMA box of 4 or 8 KB; §29)
#endif
constexpr int kUnitCh = GATE_SWAP16_UNIT_CH, kUnitSteps = kUnitCh / 8;  // k16 steps a unit
constexpr int kUnits = kCin / kUnitCh, kStages = GATE_SWAP16_STAGES, kStageBytes = kUnitCh * 2 * 128;
#ifndef GATE_SWAP16_GROUP_UNITS
#define GATE_SWAP16_GROUP_UNITS 1  // units per wgmma commit group (1, 2 or 4; a build-time knob, §29)
#endif
constexpr int kGroupUnits = GATE_SWAP16_GROUP_UNITS;
static_assert(kUnits % kGroupUnits == 0, "whole groups per item");
// Streams: 1 — both computing warpgroups on the same items and stages (16 channels each); 2 (GATE_SWAP16_INDEPENDENT)
// — each warpgroup its own items, stages, staging buffers, loader warp (producer warp w) and storer warp (2 + w), as
// v4's warpgroups are.
#ifdef GATE_SWAP16_INDEPENDENT
constexpr int kStreams = 2;
#else
constexpr int kStreams = 1;
#endif
constexpr int kStreamRuns = 32 / kStreams;  // channels (runs) of a stream's item
constexpr int kRunBytes = 2 * kWout * 2, kRunPitch = kRunBytes + 8, kStagingBytes = kStreamRuns * kRunPitch;
#ifndef GATE_SWAP16_BUFS
#define GATE_SWAP16_BUFS 2  // staging buffers per stream (a build-time knob for the probe)
#endif
constexpr int kBufs = GATE_SWAP16_BUFS;
// The producer warpgroup's registers (setmaxnreg; the computing warpgroups take the rest, which this design leaves
// room for) and the storers' copy loop unrolling (loads in flight): build-time knobs.
#ifndef GATE_SWAP16_PRODUCER_REGS
#define GATE_SWAP16_PRODUCER_REGS 24
#endif
#ifndef GATE_SWAP16_STORER_UNROLL
#define GATE_SWAP16_STORER_UNROLL 2
#endif
constexpr int kProducerRegs = GATE_SWAP16_PRODUCER_REGS, kStorerUnroll = GATE_SWAP16_STORER_UNROLL;
// Storer warps (GATE_SWAP16_STORERS): 2 (default), or 4 (shared streams, with mode 32 only: a bound).
#ifndef GATE_SWAP16_STORERS
#define GATE_SWAP16_STORERS 2
#endif
#ifndef GATE_SWAP16_X_AHEAD
#define GATE_SWAP16_X_AHEAD 2  // with mode + 4096: images ahead that x is fetched into L2
#endif
constexpr int kXAhead = GATE_SWAP16_X_AHEAD;
constexpr int kStorers = GATE_SWAP16_STORERS, kRunsPerStorer = 32 / kStorers;
static_assert(kStorers == 2 || kStreams == 1, "four storers: shared streams only");
// Shared memory: per stream its stages (1 KB-aligned), staging buffers, then barriers (per stream: full, empty per
// stage; staged, free per buffer).
constexpr int kStagingOffset = kStreams * kStages * kStageBytes;
constexpr int kBarOffset = kStagingOffset + kStreams * kBufs * kStagingBytes;
constexpr int kBarsPerStream = 2 * kStages + 2 * kBufs;
constexpr int kSmemBytes = kBarOffset + kStreams * kBarsPerStream * 8 + 1024;

#ifdef GATE_WGMMA_AVAILABLE
__device__ __forceinline__ void wgmma_m64n64k16_f16_mn(float (&d)[32], const uint32_t (&a)[4], uint64_t b_desc,
                                                       int accumulate) {
  asm volatile(
      "{\n.reg .pred p;\nsetp.ne.b32 p, %37, 0;\n"
      "wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 "
      "{%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,"
      "%30,%31}, {%32,%33,%34,%35}, %36, p, 1, 1, 1;\n}\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]),
        "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]),
        "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]),
        "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(b_desc), "r"(accumulate));
}
#endif

// wpack: per warpgroup (n-tile × 2 + half), per thread, 16 A fragments (8 k16 steps × tw) of 4 registers.
// mode: a template argument, so that the parts it leaves out cost no tests in the loops.
template <int mode>
__global__ void __launch_bounds__(384, 1)
    swap16_probe(const __grid_constant__ CUtensorMap x_map, const uint4* __restrict__ wpack, uint16_t* __restrict__ y,
                 float add_value, float multiply_value, const uint16_t* __restrict__ x_raw, int wg1_delay_ns) {
#ifdef GATE_WGMMA_AVAILABLE
  using namespace gate::gpu;
  extern __shared__ __align__(1024) unsigned char smem_raw[];
  unsigned char* smem = smem_raw + ((1024 - (uint32_t(__cvta_generic_to_shared(smem_raw)) & 1023)) & 1023);
  const uint32_t base = uint32_t(__cvta_generic_to_shared(smem));
  const int tid = threadIdx.x, wg = __shfl_sync(0xFFFFFFFFu, tid >> 7, 0);
  const int warp = __shfl_sync(0xFFFFFFFFu, (tid >> 5) & 3, 0);
  const int lane = tid & 31, tile = blockIdx.x / kBlocksPerTile, first = blockIdx.x % kBlocksPerTile;
  // The stream this thread serves: its warpgroup's (computing), or its warp's (producer: loaders 0 .. kStreams − 1,
  // storers 2 ..).
  const int stream = kStreams == 1 ? 0 : wg < 2 ? wg : (warp & 1);
  const int bars = kBarOffset + stream * kBarsPerStream * 8;
  auto full = [&](int s) { return base + uint32_t(bars + s * 8); };
  auto empty = [&](int s) { return base + uint32_t(bars + (kStages + s) * 8); };
  auto staged = [&](int b) { return base + uint32_t(bars + (2 * kStages + b) * 8); };
  auto freed = [&](int b) { return base + uint32_t(bars + (2 * kStages + kBufs + b) * 8); };
  // Channel 0 of the block's n-tile at q-row qh of image img, where its run (both output rows) starts in y.
  auto run0_of = [&](int img, int qh) {
    return y + (int64_t(img) * kCout + tile * 32) * int64_t(kWout) * kWout + 2 * qh * kWout;
  };
  const int stage0 = stream * kStages * kStageBytes;
  const int staging0 = kStagingOffset + stream * kBufs * kStagingBytes;
  if (tid < kStreams * kBarsPerStream) {
    const int r = tid % kBarsPerStream;
    const uint32_t at = base + uint32_t(kBarOffset + tid * 8);
    // full: the TMA's arrival; empty: a warp each; staged: every computing lane; free: every storer lane.
    mbarrier_init(at, r < kStages ? 1
                      : r < 2 * kStages ? 8 / kStreams
                      : r < 2 * kStages + kBufs ? 256 / kStreams
                                                : 32 * kStorers / kStreams);
  }
  mbarrier_init_fence();
  __syncthreads();
  const int items = kN * kQH;
  if (wg == 2) {
    setmaxnreg_dec<kProducerRegs>();
    if (warp < kStreams && (mode & 32) == 0) {  // the window loads: unit u of item i into stage g mod kStages
      int g = 0, s = 0;  // units issued, and the next one's stage
      uint32_t round = 0;  // stage rounds completed mod 2
      for (int i = first; i < items; i += kBlocksPerTile) {
        const int img = (mode & 512) != 0 ? 0 : i / kQH, qh = i % kQH;  // + 512: every window from image 0 (L2)
        if constexpr ((mode & 4096) != 0) {  // + 4096: x of image img + kXAhead into L2 in one burst (v4's prefetch_x)
          if (tile == 0 && qh == 0 && img + kXAhead < kN) {
            constexpr int kLaneBytes = kCin * kH * kW * 2 / 32;
            l2_prefetch_bulk(reinterpret_cast<const unsigned char*>(x_raw) + int64_t(img + kXAhead) * kCin * kH * kW * 2 +
                                 lane * kLaneBytes,
                             kLaneBytes);
          }
        }
        for (int u = 0; u < kUnits; ++u, ++g) {
          if (g >= kStages) mbarrier_wait_uniform(empty(s), round ^ 1u);
          tma_load_3d_if(lane == 0, base + uint32_t(stage0 + s * kStageBytes), &x_map, 0, qh - 1, img * kCin + kUnitCh * u,
                         full(s), kStageBytes);
          if (++s == kStages) {
            s = 0;
            round ^= 1u;
          }
        }
      }
    } else if (kStorers == 4 ? (mode & 32) != 0 : kStreams == 1 ? warp == 1 || warp == 2 : warp >= 2) {
      // The storers: kRunsPerStorer runs each (v4 16-bit's copy); with 4 (a bound, shared streams, no window loads)
      // every producer warp stores.
      int b = 0;           // the next item's staging buffer
      uint32_t bround = 0;  // buffer rounds completed mod 2
      for (int i = first; i < items; i += kBlocksPerTile) {
        const int img = (mode & 1024) != 0 ? 0 : i / kQH, qh = i % kQH;  // + 1024: y of image 0 only
        mbarrier_wait_uniform(staged(b), bround);
        const int this_b = b;
        if (++b == kBufs) {
          b = 0;
          bround ^= 1u;
        }
        if (mode & 64) {  // bound: no stores (the buffer handed back at once)
          mbarrier_arrive(freed(this_b));
          continue;
        }
        unsigned char* run0 = reinterpret_cast<unsigned char*>(run0_of(img, qh));
        const int64_t plane_bytes = int64_t(kWout) * kWout * 2;
        const int sh_even = int(reinterpret_cast<uintptr_t>(run0) & 8);
        const int sh_odd = int(reinterpret_cast<uintptr_t>(run0 + plane_bytes) & 8);
        // its runs: channels kRunsPerStorer·h .. of the block's 32
        const int h = kStorers == 4 ? warp : kStreams == 1 ? warp - 1 : stream;
        const int run_in_buffer = kStreams == 1 ? kRunsPerStorer * h : 0;
        const unsigned char* src = smem + staging0 + this_b * kStagingBytes + run_in_buffer * kRunPitch + 16 * lane;
        unsigned char* dst = run0 + kRunsPerStorer * h * plane_bytes + 16 * lane;
        // Evict-first stores, or (mode 8) plain ones.
        auto put = [&](auto* to, auto v) {
          if constexpr ((mode & 8) != 0) *to = v;
          else __stcs(to, v);
        };
        if constexpr ((mode & 2048) != 0) {  // bound: 512 bytes of each run from its start rounded down to a sector
          auto sector_start = [&](unsigned char* d) { return d - ((reinterpret_cast<uintptr_t>(d) - 16 * lane) & 31); };
#pragma unroll kStorerUnroll
          for (int ch = 0; ch < kRunsPerStorer; ch += 2, src += 2 * kRunPitch, dst += 2 * plane_bytes) {
            put(reinterpret_cast<uint4*>(sector_start(dst)), *reinterpret_cast<const uint4*>(src));
            put(reinterpret_cast<uint4*>(sector_start(dst + plane_bytes)),
                *reinterpret_cast<const uint4*>(src + kRunPitch));
          }
        } else {
#pragma unroll kStorerUnroll
          for (int ch = 0; ch < kRunsPerStorer; ch += 2, src += 2 * kRunPitch, dst += 2 * plane_bytes) {
            put(reinterpret_cast<uint4*>(dst + sh_even), *reinterpret_cast<const uint4*>(src + 2 * sh_even));
            put(reinterpret_cast<uint4*>(dst + plane_bytes + sh_odd),
                *reinterpret_cast<const uint4*>(src + kRunPitch + 2 * sh_odd));
          }
          if (lane < kRunsPerStorer) {  // the 8 bytes each run's 16-byte copies leave (its first or last)
            const int rc = kRunsPerStorer * h + lane;
            const int sh_l = (rc & 1) != 0 ? sh_odd : sh_even, piece = sh_l != 0 ? 0 : kRunBytes - 8;
            const unsigned char* run_staged =
                smem + staging0 + this_b * kStagingBytes + (run_in_buffer + lane) * kRunPitch;
            put(reinterpret_cast<uint2*>(run0 + rc * plane_bytes + piece),
                *reinterpret_cast<const uint2*>(run_staged + sh_l + piece));
          }
        }
        mbarrier_arrive(freed(this_b));
      }
    }
    return;
  }
  setmaxnreg_inc<(64512 - 128 * kProducerRegs) / 256 / 8 * 8>();
  // Warpgroup 1 starts wg1_delay_ns late, so that its epilogues can fall under warpgroup 0's wgmma and back (§29).
  if (wg == 1 && wg1_delay_ns > 0) __nanosleep(uint32_t(wg1_delay_ns));
  // The warpgroup's weights: 16 fragments of 4 registers, for the whole kernel.
  uint32_t a[16][4];
  {
    const uint4* w = wpack + (int64_t(tile * 2 + wg) * 128 + (tid & 127)) * 16;
#pragma unroll
    for (int f = 0; f < 16; ++f) {
      const uint4 v = w[f];
      a[f][0] = v.x, a[f][1] = v.y, a[f][2] = v.z, a[f][3] = v.w;
    }
  }
  // Rows: warp w's 16 rows are channel 16·wg + 8·(w mod 2) + g, output row parity w / 2, px 0 (row g) and 1 (g + 8).
  const int gl = lane >> 2, cl = lane & 3, ch = 16 * wg + 8 * (warp & 1) + gl, py = warp >> 1;
  float acc[32], acc1[32];
  int s = 0, n = 0, b = 0;  // the unit's stage, items done, the item's staging buffer
  int cur_group[kGroupUnits], prev_group[kGroupUnits];  // the stages of this commit group's units and the last one's
  uint32_t round = 0, bround = 0;     // stage and buffer rounds completed mod 2
  // + 8192, ping-pong (CUTLASS's sm90 pingpong schedule): the two warpgroups take turns on the tensor pipe, item by
  // item — warpgroup 1's wgmma of item i after warpgroup 0's, warpgroup 0's of item i + 1 after warpgroup 1's of i — so
  // that each one's epilogue runs under the other's wgmma instead of beside it (named barriers 1 and 2, 256 threads).
  constexpr bool kPingPong = (mode & 8192) != 0 && kStreams == 1;
  // Unit u of an item from window stage `stage`: its k16 steps (channels 8k .. 8k + 7 of the unit, both rows: lines
  // 16k ..), the tw = 0 taps into d and the tw = 1 taps into d1; the first step of unit 0 overwrites.
  auto unit_wgmma = [&](float (&d)[32], float (&d1)[32], int stage, int u) {
#pragma unroll
    for (int k = 0; k < kUnitSteps; ++k) {
      const uint64_t bd = wgmma_desc_k_major(base + uint32_t(stage0 + stage * kStageBytes + k * 2048), 8192, 1024) |
                          (uint64_t(1) << 62);
      wgmma_m64n64k16_f16_mn(d, a[(kUnitSteps * u + k) * 2], bd, u > 0 || k > 0 ? 1 : 0);
      wgmma_m64n64k16_f16_mn(d1, a[(kUnitSteps * u + k) * 2 + 1], bd, u > 0 || k > 0 ? 1 : 0);
    }
  };
  // An item's end: its accumulators final, the staging buffer's turn, the epilogue into it (v4 16-bit's), the staged
  // arrival.
  auto finish = [&](float (&acc)[32], float (&acc1)[32], int i) {
    wgmma_pin(acc);
    wgmma_pin(acc1);
    const int this_b = b;
    if (n >= kBufs) mbarrier_wait_uniform(freed(this_b), bround ^ 1u);
    if (++b == kBufs) {
      b = 0;
      bround ^= 1u;
    }
    if constexpr ((mode & 1) != 0 && (mode & 2) == 0) {
      // No epilogue: the accumulators kept live, else ptxas drops the wgmma as dead (it did before §29: modes 1 and
      // 65 ran dummy HGMMA.64x8x16 and timed the loads and barriers alone).
      probe_keep_live(acc, y + tid);
      probe_keep_live(acc1, y + tid);
    }
    if constexpr ((mode & 1) == 0) {  // (mode 1, a bound: no epilogue, the staging barriers only)
      // Column n of acc1 is q-column n + 1's (gpu/fused_v6_swap.cuh's v6_merge_tw1); q-column W = acc1[63] (lane quad 3).
      float w_col[2] = {acc1[4 * 7 + 1], acc1[4 * 7 + 3]};
      v6_merge_tw1(acc, acc1, lane);
      // v4's epilogue (v4_epilogue_values): clamp, one vote, GELU in chunks of 8 where some lane holds a non-zero,
      // × multiply unless the warp's values are all zero: v4_gelu_multiply's operations for the positive, finite
      // multiply_value the probe uses, written out so that acc and q-column W share one vote, as measured.
      uint32_t bits = 0;
#pragma unroll
      for (int e = 0; e < 32; ++e) {
        acc[e] = clamp_nonpositive(acc[e] + add_value);
        bits |= __float_as_uint(acc[e]);
      }
#pragma unroll
      for (int r = 0; r < 2; ++r) {
        w_col[r] = clamp_nonpositive(w_col[r] + add_value);
        bits |= __float_as_uint(w_col[r]);
      }
      if (__any_sync(0xFFFFFFFFu, (bits & 0x7FFFFFFFu) != 0)) {
        epilogue_gelu_chunks<32, true, 8>(acc, (bits & 0x7FFFFFFFu) != 0);
        epilogue_gelu_chunks<2, true, 2>(w_col, (bits & 0x7FFFFFFFu) != 0);
#pragma unroll
        for (int e = 0; e < 32; ++e) acc[e] *= multiply_value;
        w_col[0] *= multiply_value;
        w_col[1] *= multiply_value;
      }
      // Staging (v4 16-bit's runs): channel ch's run at ch·kRunPitch + its shift, row py at 260·py, output x at 2x.
      const int img = i / kQH, qh = i % kQH;
      const uintptr_t run0 = reinterpret_cast<uintptr_t>(run0_of(img, qh));
      const int64_t plane_bytes = int64_t(kWout) * kWout * 2;
      const int shift = int((run0 + uintptr_t(ch & 1) * uintptr_t(plane_bytes)) & 8);
      const int run_in_buffer = kStreams == 1 ? ch : ch - 16 * wg;
      unsigned char* row =
          smem + staging0 + this_b * kStagingBytes + run_in_buffer * kRunPitch + shift + py * (kRunBytes / 2);
#pragma unroll
      for (int j = 0; j < 8; ++j) {
        const uint32_t lo = StorageF16::pack2(acc[4 * j], acc[4 * j + 2]);      // x = 16j + 4c, + 1 (pixel 2c: px 0, 1)
        const uint32_t hi = StorageF16::pack2(acc[4 * j + 1], acc[4 * j + 3]);  // x + 2, + 3 (pixel 2c + 1)
        uint32_t* p = reinterpret_cast<uint32_t*>(row + 32 * j + 8 * cl);
        p[0] = lo;
        p[1] = hi;
      }
      if (cl == 3) *reinterpret_cast<uint32_t*>(row + 4 * kW) = StorageF16::pack2(w_col[0], w_col[1]);
    }
    mbarrier_arrive(staged(this_b));
    ++n;
  };
#ifdef GATE_SWAP16_DOUBLE_ACC
  // Two accumulator sets (§29): item i + 1's wgmma are issued into the other set before item i's epilogue, so that a
  // warpgroup's epilogue runs under its own next item's tensor work. One commit group an item.
  (void)kPingPong;
  // An issue past the block's last item multiplies whatever its stage holds (no wait, no stage taken, result unused):
  // issuing unconditionally keeps ptxas from waiting at a branch's join (C7517, §28a).
  auto issue = [&](float (&d)[32], float (&d1)[32], int (&st)[kUnits], bool valid) {
    wgmma_fence();
#pragma unroll
    for (int u = 0; u < kUnits; ++u) {
      if ((mode & 32) == 0 && valid) mbarrier_wait_uniform(full(s), round);
      st[u] = s;
      if (valid && ++s == kStages) {
        s = 0;
        round ^= 1u;
      }
      unit_wgmma(d, d1, st[u], u);
    }
    wgmma_commit();
  };
  auto release = [&](const int (&st)[kUnits]) {
    if (lane == 0) {
#pragma unroll
      for (int u = 0; u < kUnits; ++u) mbarrier_arrive(empty(st[u]));
    }
  };
  float acc_b[32], acc1_b[32];
  int st_a[kUnits], st_b[kUnits];
  issue(acc, acc1, st_a, true);  // first < items: every block has items
  for (int i = first; i < items;) {
    const int i1 = i + kBlocksPerTile;
    issue(acc_b, acc1_b, st_b, i1 < items);
    wgmma_wait<1>();
    release(st_a);
    finish(acc, acc1, i);
    if (i1 >= items) break;
    const int i2 = i1 + kBlocksPerTile;
    issue(acc, acc1, st_a, i2 < items);
    wgmma_wait<1>();
    release(st_b);
    finish(acc_b, acc1_b, i1);
    i = i2;
  }
  wgmma_wait<0>();
#else
  for (int i = first; i < items; i += kBlocksPerTile) {
    if constexpr (kPingPong) {
      if (wg == 1) named_barrier_sync(1, 256);
      else if (n > 0) named_barrier_sync(2, 256);
    }
#pragma unroll
    for (int u = 0; u < kUnits; ++u) {
      if ((mode & 32) == 0) mbarrier_wait_uniform(full(s), round);
      const int cur = s;
      if (++s == kStages) {
        s = 0;
        round ^= 1u;
      }
      if constexpr ((mode & 2) != 0) {  // bound: no wgmma (the barriers, loads and epilogue alone)
        if (lane == 0) mbarrier_arrive(empty(cur));
      } else {
        cur_group[u % kGroupUnits] = cur;
        if (u % kGroupUnits == 0) wgmma_fence();
        unit_wgmma(acc, acc1, cur, u);
        if (u % kGroupUnits == kGroupUnits - 1) {  // a commit group of kGroupUnits units
          wgmma_commit();
          wgmma_wait<1>();
#pragma unroll
          for (int j = 0; j < kGroupUnits; ++j) {
            if (u >= kGroupUnits && lane == 0) mbarrier_arrive(empty(prev_group[j]));  // the group before has read
            prev_group[j] = cur_group[j];
          }
        }
      }
    }
    wgmma_wait<0>();
    if constexpr (kPingPong) {  // the other warpgroup's turn (none after warpgroup 1's last item: no one waits)
      if (wg == 0) named_barrier_arrive(1, 256);
      else if (i + kBlocksPerTile < items) named_barrier_arrive(2, 256);
    }
    if (lane == 0 && !(mode & 2)) {
#pragma unroll
      for (int j = 0; j < kGroupUnits; ++j) mbarrier_arrive(empty(prev_group[j]));
    }
    finish(acc, acc1, i);
  }
#endif
#endif
}

}  // namespace

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::atoi(argv[1]) : 50;
  const size_t x_elems = size_t(kN) * kCin * kH * kW, y_elems = size_t(kN) * kCout * kWout * kWout;
  const size_t w_words = size_t(kTiles) * 2 * 128 * 16 * 4;
  std::vector<uint16_t> hx(x_elems);
  std::vector<uint32_t> hw(w_words);
  uint32_t state = 12345u;
  auto next = [&] { return state = state * 1664525u + 1013904223u; };
  for (auto& v : hx) v = __half_as_ushort(__float2half(float(next() >> 20) / 4096.0f));
  // The seed workload's scale (tests/gpu/gpu_case.cpp): weights uniform in ±1/√(Cout·16), float16 values, in
  // PyTorch's [Cin][Cout][4][4] layout (hw_logical, for the check), x in [0, 1).
  const float bound = 1.0f / std::sqrt(float(kCout * 16));
  std::vector<float> hw_logical(size_t(kCin) * kCout * 16);
  for (auto& v : hw_logical) v = __half2float(__float2half(bound * float(int(next() >> 20) - 2048) / 2048.0f));
  // A fragments (the mma.sync m16n8k16 layout per warp): warpgroup (tile, wg), thread t (warp wp, g, c), fragment
  // f = 2·step + tw; register r holds K pair 2c (+ 8 for r ≥ 2) of row g (+ 8 for odd r), the lower K in the low half.
  // Row g is px 0 and g + 8 px 1 of channel 32·tile + 16·wg + 8·(wp mod 2) + g at py = wp / 2; K index kk of a k16
  // step is channel 8·step + kk / 2 and box row kk mod 2 (input row q − 1, then q: dy = 1 − kk mod 2); tw = 1 is the
  // column-shifted taps (kx = px + 2).
  for (int tile = 0; tile < kTiles; ++tile) {
    for (int wgi = 0; wgi < 2; ++wgi) {
      for (int t = 0; t < 128; ++t) {
        const int wp = t / 32, g = (t % 32) / 4, c = t % 4;
        const int co = 32 * tile + 16 * wgi + 8 * (wp & 1) + g, pyw = wp >> 1;
        for (int f = 0; f < 16; ++f) {
          const int step = f / 2, tw = f % 2;
          for (int r = 0; r < 4; ++r) {
            const int px = r & 1;
            uint32_t word = 0;
            for (int half = 0; half < 2; ++half) {
              const int kk = 2 * c + 8 * (r >> 1) + half, ci = 8 * step + kk / 2, dy = 1 - kk % 2;
              const float v = hw_logical[((size_t(ci) * kCout + co) * 4 + pyw + 2 * dy) * 4 + px + 2 * tw];
              word |= uint32_t(__half_as_ushort(__float2half(v))) << (16 * half);
            }
            hw[((size_t(tile * 2 + wgi) * 128 + t) * 16 + f) * 4 + r] = word;
          }
        }
      }
    }
  }
  uint16_t *x = nullptr, *y = nullptr;
  uint4* w = nullptr;
  CHECK_CUDA(cudaMalloc(&x, x_elems * 2));
  CHECK_CUDA(cudaMalloc(&y, y_elems * 2));
  CHECK_CUDA(cudaMalloc(&w, w_words * 4));
  CHECK_CUDA(cudaMemcpy(x, hx.data(), x_elems * 2, cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemcpy(w, hw.data(), w_words * 4, cudaMemcpyHostToDevice));
  const uint64_t dims[3] = {kW, kH, uint64_t(kN) * kCin}, strides[2] = {kW * 2, uint64_t(kW) * kH * 2};
  const uint32_t box[3] = {64, 2, kUnitCh};
  const CUtensorMap map =
      gate::gpu::make_tensor_map_3d(x, CU_TENSOR_MAP_DATA_TYPE_FLOAT16, dims, strides, box, CU_TENSOR_MAP_SWIZZLE_128B);
  std::printf("%d window stages, %d stream(s), %d staging buffers\n", kStages, kStreams, kBufs);
  // argv[2]: warpgroup 1's start delay in ns (default 0)
  const int wg1_delay = argc > 2 ? std::atoi(argv[2]) : 0;
  std::printf("warpgroup 1 starts %d ns late\n", wg1_delay);
  // The check (mode 0, both signs of add_value), against the direct loop on the same float16 operands.
  float* w_logical = nullptr;
  CHECK_CUDA(cudaMalloc(&w_logical, hw_logical.size() * 4));
  CHECK_CUDA(cudaMemcpy(w_logical, hw_logical.data(), hw_logical.size() * 4, cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaFuncSetAttribute(swap16_probe<0>, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmemBytes));
  int failures = 0;
  for (const float add : {0.5f, -0.5f}) {
    CHECK_CUDA(cudaMemset(y, 0xFF, y_elems * 2));  // NaN everywhere: an output never written fails
    swap16_probe<0><<<kBlocks, 384, kSmemBytes>>>(map, w, y, add, 1.7f, x, 0);
    CHECK_CUDA(cudaGetLastError());
    if (!probe_check<false>("swap16", x, w_logical, y, ProbeShape{kN, kCin, kH, kW, kCout}, add, 1.7f, 4e-3f)) {
      ++failures;
    }
  }
  CHECK_CUDA(cudaFree(w_logical));
  auto run = [&](auto mode_c) {
    constexpr int kMode = decltype(mode_c)::value;
    if (kStorers == 4 && (kMode & 32) == 0) return;  // four storers leave no loader warp
    CHECK_CUDA(cudaFuncSetAttribute(swap16_probe<kMode>, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmemBytes));
    for (const float add : {0.5f, -0.5f}) {
      if (kMode != 0 && add < 0.0f) continue;
      const float ms =
          median_ms([&] { swap16_probe<kMode><<<kBlocks, 384, kSmemBytes>>>(map, w, y, add, 1.7f, x, wg1_delay); }, 3, reps);
      CHECK_CUDA(cudaGetLastError());
      CHECK_CUDA(cudaDeviceSynchronize());
      std::printf("swap16 probe (f16, seed workload, random weights), mode %d, add %+.1f: %.3f ms (median of %d)\n",
                  kMode, add, ms, reps);
    }
  };
  // mode (the bits: the file's header): 0 the whole design; 1 without the epilogue; 3 without it and the wgmma
  // (window loads, barriers and stores); + 32 without the loads; + 64 without the stores. (Mode 2 alone would run the
  // epilogue's GELU on accumulators no wgmma wrote: not a bound.)
  run(std::integral_constant<int, 0>{});
  run(std::integral_constant<int, 1>{});
  run(std::integral_constant<int, 3>{});
  run(std::integral_constant<int, 35>{});
  run(std::integral_constant<int, 67>{});
  run(std::integral_constant<int, 99>{});
  run(std::integral_constant<int, 35 + 1024>{});      // stores only, y of image 0 (L2)
  run(std::integral_constant<int, 3 + 512 + 1024>{});  // loads and stores, no DRAM traffic
  run(std::integral_constant<int, 35 + 8>{});          // stores only, plain stores
  // + 2048: every run's sectors written whole by one item (§29; a timing bound, y wrong at the runs' ends)
  run(std::integral_constant<int, 0 + 2048>{});
  run(std::integral_constant<int, 3 + 2048>{});        // loads and whole-sector stores
  run(std::integral_constant<int, 35 + 2048>{});       // whole-sector stores only
  run(std::integral_constant<int, 67 + 512>{});        // loads only, every window from image 0 (L2)
  run(std::integral_constant<int, 2048 + 512>{});       // whole-sector stores, windows from L2 (no x DRAM reads)
  run(std::integral_constant<int, 8192>{});             // ping-pong
  run(std::integral_constant<int, 8192 + 2048>{});      // ping-pong, whole-sector stores
  run(std::integral_constant<int, 8192 + 64>{});        // ping-pong, no stores
  run(std::integral_constant<int, 64>{});               // compute side: loads, wgmma, epilogue, staging; no stores
  run(std::integral_constant<int, 65>{});               // the same without the epilogue
  run(std::integral_constant<int, 96>{});               // no stores, no loads: wgmma, epilogue, staging
  run(std::integral_constant<int, 97>{});               // wgmma alone (and the barriers)
  run(std::integral_constant<int, 4096>{});             // the design with x fetched ahead into L2
  run(std::integral_constant<int, 2048 + 4096>{});
  run(std::integral_constant<int, 3 + 2048 + 4096>{});
  run(std::integral_constant<int, 3 + 2048 + 512>{});   // whole-sector stores, windows from L2
  run(std::integral_constant<int, 3 + 2048 + 1024>{});  // loads, whole-sector stores into L2
  CHECK_CUDA(cudaFree(x));
  CHECK_CUDA(cudaFree(y));
  CHECK_CUDA(cudaFree(w));
  return failures == 0 ? 0 : 1;
}
