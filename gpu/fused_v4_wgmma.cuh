// fused_v4_wgmma: the stride-2, k=4 fast path on Hopper (sm_90a), issue 6. Same phase-GEMM as v3 (fused_v3_tap_tile.cuh:
// M = q-pixels, N = 4 phases × 32 output channels, K = input channels × 4 taps), rebuilt on Hopper's units after the
// H100 profile of v3 (bench/NOTES.md §7):
//   - tensor work: one warpgroup instruction wgmma.m64n128k8 (TF32) / m64n128k16 (16-bit) does the work of 64 / 32
//     mma.sync, A from registers (scalar shared loads straight into the fragment: v3 spent ~3 register moves per mma
//     assembling fragments), B from shared memory;
//   - weights: the block's n-tile of packed weights (128 KB TF32, 64 KB 16-bit) stays in shared memory for the whole
//     kernel (v3 re-read it from L2 per block, 2.3 GB per seed launch); the grid is persistent;
//   - input: independent computing warpgroups (two) per block, each walking its own strided list of
//     64-pixel (image, item) items, row items (64 q-columns of one q-row) and col items (the last q-column) — or, with
//     split_tw at W = 64 (every flavour), row items of the whole q-row (fused_v4_geometry.hpp); its window
//     stages are TMA boxes [unit channels][rows][pitch] of x, one box shape per item kind (fused_v4_geometry.hpp), with
//     the TMA's zero fill at the image edges; TF32 has each image's x fetched into L2 in one burst a round of items
//     before its windows need it (V4Geometry::x_ahead);
//   - warp specialisation: one more warpgroup per block, the producer, holds 24 registers a thread (setmaxnreg) and
//     gives the rest to the computing warpgroups; its warp w loads warpgroup w's windows through full/empty mbarriers
//     and, with staged stores, its warp kWG + w sends warpgroup w's staged outputs (staged/free mbarriers). The
//     computing warps run only wait → fragments → wgmma → epilogue: the instructions that issued loads and stores
//     from their own chains were most of what the TF32 kernel waited on (H200 0.90 → 0.58 ms, bench/NOTES.md §13);
//   - epilogue: on the accumulators; a row item at W = 64 is staged in shared memory and the producer's storer warp
//     sends it (TF32's whole rows by TMA stores; the other flavours' rows, which start off 16-byte boundaries, by a
//     warp-wide copy), every other item leaves by streaming stores from the registers. The wgmma columns are
//     ordered so that a thread's accumulator pair (d[4t + 2r], d[4t + 2r + 1]) — two consecutive registers — is the
//     (rw = 0, rw = 1) pair of one output row: column n = 8t + 2c + rw holds output channel v4_channel(t mod 8, c) of
//     row parity rh = t / 8 (v4_column), so a pair goes out as one 8-byte store (or staging write); the bias of the
//     block's 32 channels is staged in shared memory once, in the order the lanes read it.
// The flavours (TF32, 3xTF32, float16, bfloat16): fused_v4_flavors.cuh.
// Shared memory: the n-tile's weights (b_copies × k_steps × n_cols·32 bytes, wgmma's K-major layout with the 32-byte
// swizzle, v4_b_offset), then per warpgroup `stages` window stages, then the stages' mbarriers, then the n-tile's 32
// bias values, the staged/free mbarriers, then (staged_stores) a warpgroup's output staging buffer each (1 KB-aligned).
#pragma once

#include <cstdint>
#include <type_traits>

#include "gpu/cp_async.cuh"
#include "gpu/epilogue.cuh"
#include "gpu/fused_v3_tap_tile.cuh"
#include "gpu/fused_v4_flavors.cuh"
#include "gpu/fused_v4_geometry.hpp"
#include "gpu/storage.cuh"
#include "gpu/tma.cuh"
#include "gpu/wgmma.cuh"

namespace gate::gpu {

// 3xTF32's test of its A operands: whether any of x's values is outside what its split carries
// (Flavor3xTf32::outside). Every input value is an operand of some output (stride 2, kernel 4, no padding), so this is
// exactly the test of the A operands, made once per launch instead of per fragment in the main loop (~0.18 ms there,
// bench/NOTES.md §8c). It runs inside the main kernel, in its loader warps (the producer warp w of each block, whose
// time goes to waiting for its stages to be released): x's float4s are cut into one contiguous range per loader warp
// of the grid, and each warp reads 32 of its range (one a lane) per window it loads (step), testing each load one
// window later, after that window's TMA is issued, and the rest of its range after its last window. (Tested before
// the TMA of the window it came with, each load's DRAM latency held that window back: 1.124 ms against 1.052 now,
// bench/NOTES.md §20b.) A separate scan kernel cost the seed launch 47 µs before the main kernel could start (ncu,
// bench/NOTES.md §17). A warp that found one sets *outside; the fallback queued behind the kernel then rewrites all of
// y. x is 16-byte aligned (the TMA requires it); v4's 3xTF32 needs Cin a multiple of 16, so x holds whole float4s.
struct V4RangeScan {
  const float4* x4;
  int64_t at;    // the lane's next float4: x4[at]
  int64_t left;  // float4s of the warp's range from its current position on (the lane reads x4[at] while lane < left)
  bool found = false;
  float4 pending = make_float4(0.0f, 0.0f, 0.0f, 0.0f);  // the last load, not tested yet (0 is never outside)
  __device__ V4RangeScan(const float* x, int64_t n, int64_t warp, int64_t warps, int lane)
      : x4(reinterpret_cast<const float4*>(x)) {
    const int64_t quads = n / 4, lo = quads * warp / warps, hi = quads * (warp + 1) / warps;
    at = lo + lane;
    left = hi - lo;
  }
  // One step: the lane's float4 (zeros past the range), to be folded in later; evict-first (x stays in L2 for the
  // windows only as long as they need it).
  __device__ __forceinline__ float4 load(int lane) {
    const float4 v = lane < left ? __ldcs(x4 + at) : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
    at += 32;
    left -= 32;
    return v;
  }
  __device__ __forceinline__ void fold(const float4& v) {
    found |= Flavor3xTf32::outside(__float_as_uint(v.x)) | Flavor3xTf32::outside(__float_as_uint(v.y)) |
             Flavor3xTf32::outside(__float_as_uint(v.z)) | Flavor3xTf32::outside(__float_as_uint(v.w));
  }
  // Per window: the load issued one window before tested, the next one issued.
  __device__ __forceinline__ void step(int lane) {
    fold(pending);
    pending = load(lane);
  }
  // The rest of the range, then the warp's verdict.
  __device__ __forceinline__ void finish(uint32_t* outside, int lane) {
    fold(pending);
    while (left > 0) fold(load(lane));
    if (__any_sync(0xFFFFFFFFu, found) && lane == 0) atomicOr(outside, 1u);
  }
};

// Packed weights: for each n-tile, for each copy (b_copies), k-step after k-step, the n_cols × K tile B(n, k) at
// Flavor::b_offset, with column n as v4_column says (phase = 2·rh + rw; rh = the column's own at n_cols 128, the
// n-tile's parity n-tile mod 2 at n_cols 64), K = 32 bytes of elements, and the tap and input channel of (k-step, k) as
// Flavor::b_source says; value w[ci, co, rh + 2·th, rw + 2·tw]. A flavour that splits (3xTF32) sets *outside when a
// weight is outside what its split carries.
template <class Flavor>
__global__ void fused_v4_pack_weights(int n_tiles, int k_steps, int Cout,
                                      const typename Flavor::Storage::Bits* __restrict__ w,
                                      typename Flavor::Storage::Bits* __restrict__ packed, uint32_t* outside) {
  using Bits = typename Flavor::Storage::Bits;
  constexpr V4Config kC = Flavor::kConfig;
  constexpr int kK = 32 / int(sizeof(Bits));
  constexpr int kSplits = 128 / kC.n_cols, kBStep = v4_b_step_bytes(kC);
  const int64_t total = int64_t(n_tiles) * kC.b_copies * k_steps * kC.n_cols * kK;
  for (int64_t e = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; e < total; e += int64_t(gridDim.x) * blockDim.x) {
    const int k = int(e % kK), n = int(e / kK % kC.n_cols);
    const int64_t step_global = e / (kK * kC.n_cols);  // ((n_tile · b_copies) + copy) · k_steps + step
    const int step = int(step_global % k_steps);
    const int copy = int(step_global / k_steps % kC.b_copies), n_tile = int(step_global / k_steps / kC.b_copies);
    const V4BSource src = Flavor::b_source(step, k);
    const V4Column col = v4_column(n);
    const int phase = 2 * (n_tile % kSplits + col.rh_local) + col.rw;
    const int co = n_tile / kSplits * kV3CoutPerBlock + col.co_local;
    const int kh = (phase >> 1) + 2 * src.th, kw = (phase & 1) + 2 * src.tw;
    const int64_t dst = (step_global * kBStep + Flavor::b_offset(n, k)) / int64_t(sizeof(Bits));
    const Bits v = w[((int64_t(src.ci) * Cout + co) * 4 + kh) * 4 + kw];
    if constexpr (Flavor::kSplit) {
      if (copy == 0 && Flavor3xTf32::outside(__float_as_uint(v))) *outside = 1u;
    }
    packed[dst] = Flavor::pack_b(v, copy);
  }
}

// One staged output row of kRowBytes (256 or 512) copied by a warp from shared memory (16-byte aligned) to y at `to`:
// 32 lanes × kRowBytes / 32 bytes where `to` is aligned to that, else (16-bit rows start 4-byte aligned, float32
// rows 8-byte) two warp stores of half the width, each over one contiguous half of the row (a lane's two halves
// stored by the same instruction would leave every other piece of each sector for the next). The whole warp's row
// shares the alignment, so the test is uniform. Streaming stores (the output is not read again).
template <int kRowBytes, bool kWide, class Wide, class Half>
__device__ __forceinline__ void v4_copy_row(const unsigned char* from, unsigned char* to, int lane) {
  static_assert(sizeof(Wide) * 32 == kRowBytes && 2 * sizeof(Half) == sizeof(Wide), "a row: 32 lanes' pieces");
  if (kWide && (reinterpret_cast<uintptr_t>(to) & (sizeof(Wide) - 1)) == 0) {
    __stcs(reinterpret_cast<Wide*>(to) + lane, reinterpret_cast<const Wide*>(from)[lane]);
  } else {
    __stcs(reinterpret_cast<Half*>(to) + lane, reinterpret_cast<const Half*>(from)[lane]);
    __stcs(reinterpret_cast<Half*>(to) + 32 + lane, reinterpret_cast<const Half*>(from)[32 + lane]);
  }
}

// Registers per thread: the block starts with 65,536 / threads each (a multiple of 8: 168 for 2 computing
// warpgroups + the producer, 128 for 3 + 1); the producer gives back to 24 (the least setmaxnreg allows), the computing
// warpgroups share the rest (2 + 1: 240 each, 2 × 128 × 240 + 128 × 24 = 64,512; 3 + 1: 160).
inline constexpr int kV4ProducerRegs = 24;
__host__ __device__ constexpr int v4_compute_regs(const V4Config& c) {
  const int threads = v4_threads(c), at_launch = 65536 / threads / 8 * 8;
  const int share = (at_launch * threads - 128 * kV4ProducerRegs) / (128 * c.warpgroups) / 8 * 8;
  return share < 240 ? share : 240;
}

// kWholeRows: G.whole_rows (W = 64), so that the fragment addressing's strides are constants (V4LaneAWholeRows) —
// a kernel of its own rather than a branch, which had put two copies of the item loop in one kernel (and 8 bytes of
// spill in TF32's).
template <class Flavor, bool kWholeRows>
__global__ void __launch_bounds__(v4_threads(Flavor::kConfig), 1)
    fused_v4_wgmma(V4Geometry G, const __grid_constant__ CUtensorMap x_row_map,
                   const __grid_constant__ CUtensorMap x_col_map, const __grid_constant__ CUtensorMap y_map,
                   const typename Flavor::Storage::Bits* __restrict__ wpack,
                   const typename Flavor::Storage::Bits* __restrict__ bias, typename Flavor::Storage::Bits* __restrict__ y,
                   const void* __restrict__ x_in, uint32_t* outside_flag) {
#ifdef GATE_WGMMA_AVAILABLE
  using Storage = typename Flavor::Storage;
  using Bits = typename Storage::Bits;
  constexpr V4Config kC = Flavor::kConfig;
  constexpr int kElem = int(sizeof(Bits));
  static_assert(kElem == kC.elem_bytes, "the flavour's storage and configuration disagree");
  constexpr int kSteps = Flavor::kStepsPerChunk, kFrag = Flavor::kFragRegs;
  constexpr int kUnitCi = kC.unit_ci, kStages = kC.stages, kHalves = kUnitCi / kV3ChunkCi;
  constexpr int kAcc = kC.n_cols / 2, kSplits = 128 / kC.n_cols, kBStep = v4_b_step_bytes(kC);
  constexpr int kWG = kC.warpgroups, kThreads = v4_threads(kC);
  static_assert(kWG <= 4, "the producer's warp w serves computing warpgroup w");
  static_assert(!kC.staged_stores || kWG <= 2, "the producer's warp kWG + w sends computing warpgroup w's stores");
  const V3Geometry& g = G.w;
  extern __shared__ __align__(128) unsigned char smem_v4[];
  // A splitting flavour whose weights were found outside its split (by the pack kernel, finished before this kernel
  // starts) leaves y to the fallback. The inputs are tested by this kernel's loader warps (V4RangeScan), so a block
  // may also see a flag that another block has just raised and return; either way the fallback rewrites all of y.
  if constexpr (Flavor::kSplit) {
    if (*static_cast<volatile uint32_t*>(outside_flag) != 0u) return;
  }
  // The block's runs (v4_run): one n-tile for the whole kernel, or on an extra block a few one after the other.
  const int runs = v4_block_runs(G, blockIdx.x);
  // wg through a shuffle from lane 0: the same value, but one ptxas can prove warp-uniform; every loop bound and branch
  // around the wgmma instructions derives from it, and a wgmma on a path ptxas thinks divergent is serialised
  // (ptxas C7518/C7520: each wgmma waits for the previous one).
  // The producer warpgroup (the last) has its warp w load the windows of computing warpgroup w and, with staged
  // stores, its warp kWG + w send that warpgroup's staged outputs: `wg` is then the one it serves, and every
  // per-warpgroup quantity below (stages, barriers, items) is that warpgroup's.
  const int tid = threadIdx.x, wg_raw = __shfl_sync(0xFFFFFFFFu, tid >> 7, 0),
            warp = __shfl_sync(0xFFFFFFFFu, (tid >> 5) & 3, 0), lane = tid & 31;
  const bool producer = wg_raw == kWG;
  const int wg = !producer ? wg_raw : warp < kWG ? warp : warp - kWG < kWG ? warp - kWG : 0;
  const int gl = lane >> 2, cl = lane & 3;
  const uint32_t smem_addr = uint32_t(__cvta_generic_to_shared(smem_v4));
  if ((smem_addr & 1023) != 0) __trap();  // the swizzle acts on address bits: the weights must start 1 KB-aligned
  const int stage_base = G.b_bytes + wg * kStages * G.stage_bytes;  // this warpgroup's window stages
  // Per warpgroup and stage two mbarriers: full (the TMA's bytes have landed; 1 arrival + transactions) and empty (all
  // four warps have read the stage; 4 arrivals), so that no warpgroup-wide barrier is needed per unit.
  const uint32_t full_base = smem_addr + uint32_t(G.b_bytes + kWG * kStages * G.stage_bytes + wg * kStages * 8);
  const uint32_t empty_base = full_base + uint32_t(kWG * kStages * 8);
  constexpr bool kStaged = kC.staged_stores;
  constexpr bool kSplitTw = kC.split_tw;  // whole-rows items where W = 64 (fused_v4_geometry.hpp)
  constexpr bool kTmaStores = v4_tma_stores(kC);  // staged items sent by TMA stores (else rows copied by the storer)
  // Staging buffer b (of kC.staging_buffers) of this warpgroup, and its mbarriers staged (its four warps have written
  // it) and free (the storer has read it): staged items take the buffers in turn.
  constexpr int kBufs = kC.staging_buffers;
  auto staged_bar = [&](int b) { return smem_addr + uint32_t(G.store_bar_offset + (wg * kBufs + b) * 8); };
  auto free_bar = [&](int b) { return staged_bar(b) + uint32_t(kWG * kBufs * 8); };
  auto staging_at = [&](int b) { return G.staging_offset + (wg * kBufs + b) * G.staging_bytes; };
  auto w_side_at = [&](int b) {
    return smem_addr + uint32_t(G.w_side_offset + (wg * kBufs + b) * v4_w_side_bytes(kC));
  };
  // Float32 whole rows staged as rows (split_tw without TMA stores: 3xTF32, one row parity): every row of the block
  // starts 0 or 8 bytes off a 16-byte boundary of y alike (planes and row pairs are multiples of 16 bytes at W = 64),
  // and is staged that many bytes into its slot, so that its 16-byte-aligned part is 16-byte aligned in shared memory
  // too. (16-bit whole rows are staged as runs, each shifted by its own alignment: v4_run_slot.)
  // The current run's n-tile: its 32 output channels co_tile and (n_cols 64) its row parity rh_tile, and the rows'
  // row_shift, which depends on the parity.
  int co_tile = 0, rh_tile = 0, row_shift = 0;
  auto set_tile = [&](int n_tile) {
    co_tile = n_tile / kSplits;
    rh_tile = n_tile % kSplits;
    const uintptr_t row0 = reinterpret_cast<uintptr_t>(y) + uintptr_t(rh_tile) * g.Wout * kElem;
    row_shift = kSplitTw && !kTmaStores && kElem == 4 ? int(row0 & 8) : 0;
  };
  // The storer's bias + add_value of channel ch of the current run's n-tile, from global memory: the shared copy may
  // already be the next run's in an extra block (next_tile does not wait for the storers, which lag by up to kBufs
  // items). The same float as the computing warps' bias_smem value + add_value.
  auto storer_bias_add = [&](int ch) {
    return (g.has_bias ? Storage::load(bias[co_tile * kV3CoutPerBlock + ch]) : 0.0f) + g.add_value;
  };
  // The n-tile's weights and the bias of its 32 channels (as floats, lane quad c's eight, channels v4_channel(t, c),
  // contiguous), copied by `threads` threads from thread 0 on, each thread's copies complete when it returns.
  auto load_tile = [&](int n_tile, int threads) {
    const unsigned char* src = reinterpret_cast<const unsigned char*>(wpack) + int64_t(n_tile) * G.b_bytes;
    for (int off = tid * 16; off < G.b_bytes; off += threads * 16) cp_async<16>(smem_addr + off, src + off, true);
    cp_async_commit();
    cp_async_wait<0>();
    if (tid < kV3CoutPerBlock) {
      const float b = g.has_bias ? Storage::load(bias[(n_tile / kSplits) * kV3CoutPerBlock + tid]) : 0.0f;
      reinterpret_cast<float*>(smem_v4 + G.bias_offset)[v4_bias_slot(tid)] = b;
    }
  };

  // The first run's weights, copied by the whole block and made visible to wgmma (async proxy) before either
  // warpgroup starts; from here on the warpgroups synchronise only with themselves (and, between an extra block's
  // runs, with each other).
  {
    // The copies complete before any other shared-memory write of the prologue (once per block; compute-sanitizer's
    // racecheck reported the mbarrier initialisations below as hazards against in-flight copies otherwise).
    load_tile(v4_run(G, blockIdx.x, 0, 0).n_tile, kThreads);
    __syncthreads();
    if (tid < 2 * kWG * kStages) {
      mbarrier_init(smem_addr + uint32_t(G.b_bytes + kWG * kStages * G.stage_bytes + tid * 8), tid < kWG * kStages ? 1 : 4);
    }
    if (kStaged && tid < 2 * kWG * kBufs) {
      // Every lane arrives (staged: the warpgroup's 128 threads; free: the storer warp's 32), each after its own
      // accesses to the buffer, so that each access is ordered by its own thread's release (compute-sanitizer's
      // racecheck reported the storer's reads against the staging writes when one lane arrived for its warp).
      mbarrier_init(smem_addr + uint32_t(G.store_bar_offset + tid * 8), tid < kWG * kBufs ? 128 : 32);
    }
    mbarrier_init_fence();
    fence_proxy_async_shared();
    __syncthreads();
  }

  // Walks this warpgroup's items run by run (v4_run): body(item, next) for each — next: the run's item after it, or -1
  // — the run's n-tile set (set_tile) before its first, and between_runs(n_tile) before each run after the first.
  auto for_each_item = [&](auto&& between_runs, auto&& body) {
    for (int r = 0; r < runs; ++r) {
      const V4Run run = v4_run(G, blockIdx.x, wg, r);
      if (r > 0) between_runs(run.n_tile);
      set_tile(run.n_tile);
      for (int i = 0, item = run.first_item; i < run.items; ++i) {
        const int next = i + 1 < run.items ? v4_wg_next_item(item, run.n_wg) : -1;
        body(item, next);
        item = next;
      }
    }
  };
  auto nothing_between = [](int) {};

  // Window loads, by the producer warpgroup: its warp w walks warpgroup w's units (unit = (item, unit_ci input
  // channels), in order) and loads each as one TMA box into stage unit mod kStages once the four computing warps have
  // released that stage (its empty barrier's phase of the round before), lane 0 issuing. Box: the item kind's tensor
  // map and size, origin v4_box_origin (columns and rows outside the image read as zeros), channel img·Cin +
  // unit·unit_ci. The computing warps then run only their own chain per unit (wait, fragments, wgmma): issuing the
  // loads themselves cost the TF32 kernel ~23% (H200, bench/NOTES.md §13).
  if (producer) {
    setmaxnreg_dec<kV4ProducerRegs>();
    if (warp >= kWG) {
      // Staged stores (G.staged): warp kWG + w sends warpgroup w's staged items (whole rows: all; otherwise the row
      // items), each once its four warps have staged it, and frees the buffer once it has read it. The computing
      // warps then neither wait for one another nor for the memory system (bench/NOTES.md §13, §14).
      //   whole rows: 2·kV4OutBoxes TMA stores (box b of parity r at output shift + 32·b of the q-row's two rows,
      //               v4_out_slot), freed once the TMA has read them;
      //   row items:  16-bit whole rows each channel's run (v4_run_slot) as 32 16-byte stores and an 8-byte piece;
      //               3xTF32's whole rows each row likewise; other row items each staged row (v4_row_slot) as one
      //               warp-wide copy, 4·elem bytes a lane, with the widest stores the row's alignment in y allows:
      //               these rows start 4 (16-bit) or 8 (float32) bytes off a 16-byte boundary, which TMA stores do
      //               not allow.
      if (!kStaged || !G.staged || warp - kWG >= kWG) return;
      // q-column W of the item (v4_w_to_side), row or run items: lane L's share (kG groups), its epilogue, staged where
      // its row or run is (stage_w, at byte `shift` of the buffer), before any lane copies those bytes.
      auto stage_w_by_storer = [&](auto groups_c, int buf, int shift, V4ParityShift sh) {
        constexpr int kG = decltype(groups_c)::value;
        float w[2 * kG];
        v4_w_from_side<kG>(w, w_side_at(buf), lane);
        v4_epilogue_w<Flavor::kFastGelu>(w, storer_bias_add(v4_channel(lane & 7, lane >> 3)), g.multiply_value);
        Flavor::stage_w(w, smem_v4 + staging_at(buf) + shift, lane >> 3, lane & 7, sh);
        __syncwarp();
      };
      int n_staged = 0;
      for_each_item(nothing_between, [&](int item, int) {
        const V4Item it = v4_item(G, item);
        if (it.col) return;  // col items store from their registers
        const int buf = n_staged % kBufs;
        mbarrier_wait_uniform(staged_bar(buf), uint32_t((n_staged / kBufs) & 1));
        ++n_staged;
        const int64_t plane = int64_t(g.Hout) * g.Wout;
        if constexpr (kTmaStores) {
          // Box b of parity r (v4_out_slot): its 16 planes' outputs shift + 32b .. + 31, y seen as
          // [N·Cout / 16][4][2][2][plane] (the block's 32 channels at index plane_row / 16 of the outer dimension).
          constexpr uint32_t kBoxBytes = kV4OutParityRows * kV4OutBoxWidth * kElem;
          const uint32_t src = smem_addr + uint32_t(staging_at(buf));
          const int plane_row = it.img * g.Cout + co_tile * kV3CoutPerBlock, x0 = 2 * it.qh0 * g.Wout;
          Bits* y_pair = y + int64_t(plane_row) * plane + x0;  // the item's first channel at its q-row's first output
          const V4ParityShift sh = v4_out_shifts(reinterpret_cast<uintptr_t>(y_pair), plane * kElem);
          // q-column W of the item (stage_w_raw): lane = channel, finished in place, made visible to the TMA.
          Flavor::finish_w_boxes(src, w_side_at(buf), y_pair, plane, sh, storer_bias_add(lane), g.multiply_value, lane);
          fence_proxy_async_shared();
          __syncwarp();
#pragma unroll
          for (int b = 0; b < kV4OutBoxes; ++b) {
#pragma unroll
            for (int r = 0; r < 2; ++r) {
              tma_store_5d_if(lane == 0, &y_map, x0 + sh.of(r) + b * kV4OutBoxWidth, r, 0, 0, plane_row / 16,
                              src + (2 * b + r) * kBoxBytes);
            }
          }
          if (lane == 0) {
            bulk_commit();
            bulk_wait_read_all();
          }
          __syncwarp();
          mbarrier_arrive(free_bar(buf));  // lane 0's arrival after the TMA's reads: the phase completes after them
        } else {
          Bits* y_rows = y + (int64_t(it.img) * g.Cout + co_tile * kV3CoutPerBlock) * plane + rh_tile * g.Wout +
                         2 * it.qh0 * g.Wout;
          constexpr int kRowBytes = 2 * kV4ItemM * kElem, kPitch = v4_row_pitch(kElem);
          static_assert(v4_row_slot(1, 0, kElem) == kPitch && v4_row_slot(0, 1, kElem) == kV3CoutPerBlock * kPitch,
                        "rows (h, ch) in order h, then ch: one pitch apart");
          // The rows in buffer order: channel after channel (a plane further in y, a pitch in the buffer), then the
          // other row parity; pointers that advance rather than addresses recomputed per row (the storer's loop
          // limited the 16-bit kernel: 0.48 → 0.455 ms, bench/NOTES.md §14).
          const unsigned char* from = smem_v4 + staging_at(buf);
          if constexpr (kSplitTw && kElem == 4) {
            // Whole rows (3xTF32, one row parity, W = 64: 520 bytes a row, staged row_shift bytes into its slot):
            // each row's 512 bytes from byte row_shift on, 16-byte aligned in y and in the buffer, as one 16-byte
            // copy a lane; then lane l the other 8 bytes of row l (its last, or with row_shift 8 its first). No
            // test of alignment per row, and no row waits on a second shared load of its own (the first build
            // stored each row's last 8 bytes from lane 0 after the row: the storer, busy 97% of its time, held
            // the computing warps ~8% of theirs at the staging buffer; ncu, bench/NOTES.md §16).
            static_assert(kElem == 4 && kRowBytes == 16 * 32 && kPitch >= kRowBytes + 8 + 8, "a staged whole row");
            stage_w_by_storer(std::integral_constant<int, 1>{}, buf, row_shift, V4ParityShift{});  // into its row
            const int64_t plane_bytes = plane * kElem;
            const unsigned char* src = from + 2 * row_shift + 16 * lane;
            unsigned char* dst = reinterpret_cast<unsigned char*>(y_rows) + row_shift + 16 * lane;
#pragma unroll 2
            for (int ch = 0; ch < kV3CoutPerBlock; ++ch, src += kPitch, dst += plane_bytes) {
              __stcs(reinterpret_cast<uint4*>(dst), *reinterpret_cast<const uint4*>(src));
            }
            const int piece = row_shift != 0 ? 0 : kRowBytes;
            __stcs(reinterpret_cast<uint2*>(reinterpret_cast<unsigned char*>(y_rows) + lane * plane_bytes + piece),
                   *reinterpret_cast<const uint2*>(from + lane * kPitch + row_shift + piece));
          } else if constexpr (kSplitTw) {
            // 16-bit whole rows, staged as runs (v4_run_slot): channel ch's run of 520 bytes as 32 16-byte stores
            // from run byte `shift` on (16-byte aligned in y, and in the buffer, where the run itself starts `shift`
            // bytes into its slot: at slot byte 2·shift), then lane l the 8 bytes left of channel l's
            // run (its first 8 where the shift is 8, else its last). A run's sectors are then written whole, but for
            // the two its ends share with the q-rows beside it (bench/NOTES.md §22).
            static_assert(kElem == 2 && kV4RunBytes == 32 * 16 + 8, "a 16-bit whole-rows run: 32 lanes × 16 bytes + 8");
            const int64_t plane_bytes = plane * kElem;
            unsigned char* run0 = reinterpret_cast<unsigned char*>(y_rows);
            const V4ParityShift sh = v4_run_shift(reinterpret_cast<uintptr_t>(run0), plane_bytes);
            stage_w_by_storer(std::integral_constant<int, 2>{}, buf, 0, sh);  // into its run
            const unsigned char* src = from + 16 * lane;
            unsigned char* dst = run0 + 16 * lane;
#pragma unroll 2
            for (int ch = 0; ch < kV3CoutPerBlock; ch += 2, src += 2 * kV4RunPitch, dst += 2 * plane_bytes) {
              __stcs(reinterpret_cast<uint4*>(dst + sh.even), *reinterpret_cast<const uint4*>(src + 2 * sh.even));
              __stcs(reinterpret_cast<uint4*>(dst + plane_bytes + sh.odd),
                     *reinterpret_cast<const uint4*>(src + kV4RunPitch + 2 * sh.odd));
            }
            const int sh_l = (lane & 1) != 0 ? sh.odd : sh.even, piece = sh_l != 0 ? 0 : kV4RunBytes - 8;
            __stcs(reinterpret_cast<uint2*>(run0 + lane * plane_bytes + piece),
                   *reinterpret_cast<const uint2*>(from + v4_run_slot(lane) + sh_l + piece));
          } else {
            using Wide = std::conditional_t<kElem == 4, uint4, uint2>;
            using Half = std::conditional_t<kElem == 4, uint2, unsigned int>;
            for (int h = 0; h < kC.n_cols / kV4ItemM; ++h) {
              unsigned char* to = reinterpret_cast<unsigned char*>(y_rows + h * g.Wout);
              // Four rows an iteration for 16-bit, two for float32 (whose 16-byte pieces, four rows at a time, made
              // ptxas spill 64 bytes in the producer's 24 registers).
#pragma unroll(kElem == 2 ? 4 : 2)
              for (int ch = 0; ch < kV3CoutPerBlock; ++ch, from += kPitch, to += plane * kElem) {
                v4_copy_row<kRowBytes, kElem == 4, Wide, Half>(from, to, lane);
              }
            }
          }
          mbarrier_arrive(free_bar(buf));  // each lane after its own reads
        }
        __syncwarp();
      });
      return;
    }
    int slot = 0, issued = 0;
    uint32_t round = 0;
    // A splitting flavour's share of the input scan (V4RangeScan); the others never touch it.
    V4RangeScan scan(static_cast<const float*>(x_in), Flavor::kSplit ? int64_t(g.N) * g.Cin * g.H * g.W : 0,
                     int64_t(blockIdx.x) * kWG + wg, int64_t(gridDim.x) * kWG, lane);
    for_each_item(nothing_between, [&](int item, int) {
      const V4Item it = v4_item(G, item);
      // x of one image into L2 ahead of its windows (prefetch_x, v4_prefetch_image), each lane a 32nd of it (W·elem,
      // hence an image, is a multiple of 16 bytes: v4_supports). Compiled only where configured: in 3xTF32's producer,
      // beside its range scan, the code alone cost spills in its 24 registers.
      if constexpr (Flavor::kConfig.prefetch_x) {
        if (const int img = v4_prefetch_image(G, it, co_tile * kSplits + rh_tile); img >= 0) {
          const int64_t image_bytes = int64_t(g.Cin) * g.H * g.W * kElem, lane_bytes = image_bytes / 32 / 16 * 16;
          const int64_t bytes = lane == 31 ? image_bytes - 31 * lane_bytes : lane_bytes;
          const unsigned char* from = static_cast<const unsigned char*>(x_in) + img * image_bytes + lane * lane_bytes;
          if (bytes > 0) l2_prefetch_bulk(from, uint32_t(bytes));
        }
      }
      const V4BoxOrigin origin = v4_box_origin(G, it);
      const CUtensorMap* map = it.col ? &x_col_map : &x_row_map;
      const uint32_t bytes = uint32_t(v4_box(G, it).box_bytes);
      for (int chunk = 0; chunk < G.units; ++chunk) {
        // The stage's previous use must have been released; before its first use the wait for the phase "before"
        // a fresh barrier's first passes at once (so the test below is only a shortcut).
        if (issued++ >= kStages) mbarrier_wait_uniform(empty_base + uint32_t(slot * 8), round ^ 1u);
        const uint32_t dst = smem_addr + uint32_t(stage_base + slot * G.stage_bytes), full = full_base + uint32_t(slot * 8);
        tma_load_3d_if(lane == 0, dst, map, origin.col, origin.row, it.img * g.Cin + chunk * kUnitCi, full, bytes);
        if constexpr (Flavor::kSplit) scan.step(lane);
        if (++slot == kStages) {
          slot = 0;
          round ^= 1u;
        }
      }
    });
    if constexpr (Flavor::kSplit) scan.finish(outside_flag, lane);
    return;
  }
  setmaxnreg_inc<v4_compute_regs(kC)>();

  // The warp's 16 item pixels and the lane's two: fragment rows g and g + 8 are item pixels m_a and m_b.
  const int m_a = warp * 16 + (Flavor::kPairRows ? 2 * gl : gl);
  const int m_b = m_a + (Flavor::kPairRows ? 1 : 8);
  const int tw1 = v4_tw1_shift(G, m_a);
  const int plane = g.Hout * g.Wout;  // offsets within an item's 32 channels fit 32 bits (v4_supports)

  // ---- epilogue of one item: acc[4t + i] is pixel (i < 2 ? m_a : m_b), column n = 8t + 2c + (i % 2) (v4_column) ----
  // With split_tw the tw = 1 steps went to acc_tw1: added to acc, except in the row-0 lanes of a whole-rows item, whose
  // row-g values there are q-column W's (spread over warp 0 below) while acc keeps q-column 0's (fused_v4_geometry.hpp).
  // A row item of a flavour with a staging buffer (G.staged; whole rows, or W = 64) stages its outputs (v4_out_slot,
  // v4_row_slot), and the producer's storer warp sends them (eight TMA stores, or a copy), so that the warps go on to
  // the next item (direct stores measured ~45% of the TF32 time on the H100, bench/NOTES.md §11, and 0.21 of 16-bit's
  // 0.53 ms, §14); every other item stores from the registers.
  static_assert(!kTmaStores || kElem == 4, "whole-rows staging: v4_out_slot's float32 layout");
  static_assert(!kSplitTw || kStaged, "whole-rows items leave by staging (store_item has no q-column W stores)");
  float acc[kAcc];
  float acc_tw1[kSplitTw ? kAcc : 1];
  const bool lane_with_w = G.whole_rows && m_a == 0;
  // q-column W (whole rows) sits in warp 0's four row-0 lanes (their acc_tw1 row-g registers), which hand its raw
  // sums to the storer warp when they stage the item (v4_w_to_side, stage_w_raw); the storer runs its epilogue.
  const bool w_warp = kSplitTw && G.whole_rows && warp == 0;  // warp-uniform
#pragma unroll
  for (int i = 0; i < kAcc; ++i) acc[i] = 0.0f;
#pragma unroll
  for (int i = 0; i < int(sizeof(acc_tw1) / sizeof(float)); ++i) acc_tw1[i] = 0.0f;
  int n_staged = 0;  // items of this warpgroup staged so far (the staged/free barriers' phases)
  // TF32's staging slots of the lane under either shift (FlavorV4Float32::stage_slots), once, outside the item loop.
  const auto stage_slots = [&] {
    if constexpr (kTmaStores) return Flavor::stage_slots(m_a, cl);
    else return 0;
  }();
  auto epilogue = [&](const V4Item& it) {
    if constexpr (kSplitTw) {
      if (w_warp) {
#pragma unroll
        for (int i = 0; i < kAcc; ++i) {
          const bool row_g = (i & 2) == 0;  // fragment row g (r = 0): a row-0 lane's q-columns 0 and W
          if (!(lane_with_w && row_g)) acc[i] += acc_tw1[i];
        }
      } else {
#pragma unroll
        for (int i = 0; i < kAcc; ++i) acc[i] += acc_tw1[i];
      }
    }
    const float* bias_smem = reinterpret_cast<const float*>(smem_v4 + G.bias_offset);
    v4_epilogue_values<Flavor::kFastGelu>(acc, bias_smem, g.add_value, g.multiply_value, cl);
    Bits* y_item = y + (int64_t(it.img) * g.Cout + co_tile * kV3CoutPerBlock) * plane + rh_tile * g.Wout;
    if (!kStaged || !G.staged || it.col) {
      Flavor::store_item(acc, y_item, v4_pixel(G, it, m_a), v4_pixel(G, it, m_b), g, plane, cl);
      return;
    }
    if constexpr (kStaged) {
      const int buf = n_staged % kBufs, use = n_staged / kBufs;
      unsigned char* staging = smem_v4 + staging_at(buf) + row_shift;
      // The buffer's previous item has left it (free), then the four warps write it, each making its writes visible
      // (float32: to the TMA, the async proxy) before it arrives on staged; the producer's storer warp sends it.
      if (use > 0) mbarrier_wait_uniform(free_bar(buf), uint32_t((use - 1) & 1));
      ++n_staged;
      // The item's first channel's run in y, and the shifts of its channels' staged outputs per parity: TF32's boxes
      // (v4_out_shifts), 16-bit's runs (v4_run_shift); 3xTF32's rows ignore them (row_shift above).
      Bits* y_pair = y_item + 2 * it.qh0 * g.Wout;
      const uintptr_t run0 = reinterpret_cast<uintptr_t>(y_pair);
      const V4ParityShift sh = kTmaStores ? v4_out_shifts(run0, int64_t(plane) * kElem)
                                          : v4_run_shift(run0, int64_t(plane) * kElem);
      if constexpr (kTmaStores) {
        Flavor::stage_item(acc, reinterpret_cast<float*>(staging), y_pair, m_a, cl, plane, sh, stage_slots);
        if (w_warp && lane_with_w) {
          Flavor::stage_w_raw(acc_tw1, reinterpret_cast<float*>(staging), cl, sh, stage_slots, w_side_at(buf));
        }
        fence_proxy_async_shared();
      } else {
        Flavor::stage_row_item(acc, staging, m_a, cl, gl, sh);
        if constexpr (kSplitTw) {
          if (w_warp && lane_with_w) v4_w_to_side(acc_tw1, w_side_at(buf), cl);
        }
      }
      mbarrier_arrive(staged_bar(buf));  // each lane after its own writes
      if constexpr (kTmaStores) Flavor::store_heads(acc, y_pair, m_a, cl, plane, sh);
    }
  };

  // ---- main loop: items, and in each the units (unit_ci input channels) in order. Unit c of an item: wait on its
  // stage's full barrier, A fragments into a buffer (the two alternate), the warp's arrival on the stage's empty barrier
  // (the producer may refill it), the unit's wgmma group, then wait_group 1: one group stays in
  // flight, so the fragment loads of unit c + 1 overlap unit c's wgmma. After the item's last unit, wait_group 0 and the
  // epilogue. The first unit of each item is peeled and the rest go in pairs, so that every edge into the unit loop's
  // header leaves exactly one group in flight: where the counts differ (as when one loop ran over all units of all
  // items, the epilogue inside it), ptxas drains the wgmma pipeline at the back edge (C7517, "warpgroup.wait is
  // injected"), and did so at every second unit (bench/NOTES.md §10). (Starting warpgroup 1 half an item late, so that
  // one's stores would overlap the other's tensor work, measured the same: bench/NOTES.md §7c.)
  // A fragments, double-buffered: per unit (buffer = the unit's parity, the Buf0/Buf1 argument; one wgmma group a
  // unit), or with half_buffers per half-unit of 8 channels (buffer = the half, two groups a unit, the second half's
  // fragment loads overlapping the first half's wgmma): half the registers, which 3xTF32's 16-channel units need to keep
  // their wgmma asynchronous (whole-unit buffers: ptxas serialised them, C7512, 2.29 ms against 1.71 on the H200;
  // bench/NOTES.md §10). TF32 units are of 8 channels (one half), 16-bit units of 16 in whole-unit buffers (16
  // fragment registers a buffer; fused_v4_geometry.hpp).
  constexpr bool kHalfBuffers = kC.half_buffers;
  static_assert(kHalves == 1 || kHalves == 2, "units of 8 or 16 input channels");
  constexpr int kBufHalves = kHalfBuffers ? 1 : kHalves;
  uint32_t frag[2][kBufHalves][kSteps][kFrag];
  const uint32_t b_small = uint32_t(G.k_steps * kBStep);  // the second weight copy (3xTF32's small part)
  // B's descriptor at k-step 0; a k-step's is this one advanced (wgmma_desc_advance).
  const uint64_t b_desc0 = wgmma_desc_k_major_sw32(smem_addr, kV4BStrideBytes);
  int slot = 0;                            // the next unit's stage: units consumed so far mod kStages
  uint32_t round = 0;                      // units consumed / kStages mod 2: the full barrier's phase to wait for
  // The lane's fragment addressing in the current item's stages (Flavor::load_a): its element of pixel m_a, channel cl,
  // tap (0, 0) at a_item; the item kind's row pitch and channel stride; pixel m_b's offset from m_a.
  // (lane_a: V4LaneA, or V4LaneAWholeRows in the whole-rows kernel: see the item loop below.)
  int a_item = 0;
  // kLoad: wait for the unit's stage, load its fragments and release the stage; kIssue: its wgmma group. Both, except
  // for an item's first unit when its fragments were loaded during the last group of the item before (below).
  auto unit = [&](auto buf_c, int chunk, auto load_c, auto issue_c, const auto& lane_a) {
    constexpr int kUnitBuf = decltype(buf_c)::value;
    constexpr bool kLoad = decltype(load_c)::value, kIssue = decltype(issue_c)::value;
    static_assert(kLoad || kIssue, "a unit loads, issues or both");
    if constexpr (kLoad) mbarrier_wait_uniform(full_base + uint32_t(slot * 8), round);
    const Bits* As = reinterpret_cast<const Bits*>(smem_v4 + stage_base + slot * G.stage_bytes) + a_item;
    auto release_stage = [&]() {
      __syncwarp();
      if (lane == 0) mbarrier_arrive(empty_base + uint32_t(slot * 8));  // this warp is done with the stage
    };
    const uint64_t b_unit = wgmma_desc_advance(b_desc0, uint32_t(kHalves * chunk * kSteps * kBStep));
    // k-step s is tap (th, tw) = (s / 2, s % 2); with split_tw its tw = 1 steps accumulate in acc_tw1. The first step
    // of each accumulator set in the item overwrites it (scale-d 0). (Issuing each set's steps back to back measured
    // the same as alternating, bench/NOTES.md §12.)
    auto issue = [&](uint32_t(&f)[kSteps][kFrag], int h) {
#pragma unroll
      for (int s = 0; s < kSteps; ++s) {
        const uint64_t b = wgmma_desc_advance(b_unit, uint32_t((h * kSteps + s) * kBStep));
        const int first = kSplitTw ? 2 : 1;
        const int accumulate = (chunk > 0 || h > 0 || s >= first) ? 1 : 0;
        auto mma_into = [&](float(&d)[kAcc]) {
          if constexpr (Flavor::kSplit) Flavor::mma(d, f[s], b, b_small, accumulate);
          else Flavor::mma(d, f[s], b, accumulate);
        };
        if constexpr (kSplitTw) {
          if ((s & 1) != 0) mma_into(acc_tw1);
          else mma_into(acc);
        } else {
          mma_into(acc);
        }
      }
    };
    auto next_slot = [&]() {
      if (++slot == kStages) {
        slot = 0;
        round ^= 1u;
      }
    };
    if constexpr (kHalfBuffers) {
      static_assert(kLoad && kIssue, "half-unit buffers: each half loaded and issued in turn");
#pragma unroll
      for (int h = 0; h < kHalves; ++h) {
        const int buf = kHalves == 2 ? h : kUnitBuf;
        Flavor::load_a(frag[buf][0], As + h * kV3ChunkCi * lane_a.a_ld, lane_a);
        wgmma_pin_a(*reinterpret_cast<uint32_t(*)[kSteps * kFrag]>(&frag[buf][0]));
        if (h == kHalves - 1) release_stage();
        wgmma_fence();
        issue(frag[buf][0], h);
        wgmma_commit();
        wgmma_wait<1>();
      }
      next_slot();
    } else {
      if constexpr (kLoad) {
#pragma unroll
        for (int h = 0; h < kHalves; ++h) {
          Flavor::load_a(frag[kUnitBuf][h], As + h * kV3ChunkCi * lane_a.a_ld, lane_a);
        }
        wgmma_pin_a(*reinterpret_cast<uint32_t(*)[kHalves * kSteps * kFrag]>(&frag[kUnitBuf]));
        release_stage();
        next_slot();
      }
      if constexpr (kIssue) {
        wgmma_fence();
#pragma unroll
        for (int h = 0; h < kHalves; ++h) issue(frag[kUnitBuf][h], h);
        wgmma_commit();
        wgmma_wait<1>();
      }
    }
  };
  using Buf0 = std::integral_constant<int, 0>;
  using Buf1 = std::integral_constant<int, 1>;
  // Between an extra block's runs: both computing warpgroups have finished their items (every wgmma complete, every
  // epilogue's bias read), then they copy the next n-tile's weights and bias and make them visible to wgmma.
  auto next_tile = [&](int n_tile) {
    named_barrier_sync(1, 128 * kWG);
    load_tile(n_tile, 128 * kWG);
    fence_proxy_async_shared();
    named_barrier_sync(1, 128 * kWG);
  };
  using Yes = std::true_type;
  using No = std::false_type;
  // The next item's first unit is loaded (into Buf0, which the item's last unit, Buf1 where the units are even, leaves
  // free) while the item's last group runs, before the wait for it: that wait and the first unit's window wait and
  // fragment loads then overlap instead of following one another (bench/NOTES.md §18). Within a run (the weights do
  // not change), and not with half-unit buffers (each half's loads follow its buffer's previous group). 16-bit only
  // (V4Config::prefetch_first: TF32 measured no faster).
  constexpr bool kPrefetchFirst = kC.prefetch_first;
  static_assert(!kPrefetchFirst || !kHalfBuffers, "prefetch_first: whole-unit buffers");
  // The lane's fragment addressing: V4LaneAWholeRows (constants) where every item is a whole-rows row item, else
  // V4LaneA (the item kind's pitch and stride from its box).
  {
    if (G.whole_rows != kWholeRows || (kWholeRows && G.row_box.pitch != v4_row_box_pitch(kElem))) __trap();
    using Lane = std::conditional_t<kWholeRows, V4LaneAWholeRows<kElem>, V4LaneA>;
    Lane lane_a{};
    auto address_item = [&](const V4Item& it) {
      const V4Box box = v4_box(G, it);
      const int base_a = v4_a_base(G, it, m_a), d8 = v4_a_base(G, it, m_b) - base_a;
      a_item = cl * box.a_ld + base_a + box.pitch;  // v4_a_base + (1 − th)·pitch − tw at (th, tw) = (0, 0)
      if constexpr (kWholeRows) {
        lane_a = Lane{d8, tw1};
      } else {
        lane_a = Lane{box.pitch, box.a_ld, d8, tw1};
      }
    };
    bool prefetched = false;  // this item's first unit's fragments are in Buf0 already
    for_each_item(next_tile, [&](int item, int next) {
      const V4Item it = v4_item(G, item);
      bool first_issued = false;
      if constexpr (kPrefetchFirst) {
        if (prefetched) {
          unit(Buf0{}, 0, No{}, Yes{}, lane_a);
          first_issued = true;
        }
      }
      if (!first_issued) {
        address_item(it);
        unit(Buf0{}, 0, Yes{}, Yes{}, lane_a);
      }
      int chunk = 1;
      for (; chunk + 1 < G.units; chunk += 2) {
        unit(Buf1{}, chunk, Yes{}, Yes{}, lane_a);
        unit(Buf0{}, chunk + 1, Yes{}, Yes{}, lane_a);
      }
      if (chunk < G.units) unit(Buf1{}, chunk, Yes{}, Yes{}, lane_a);
      prefetched = false;
      if constexpr (kPrefetchFirst) {
        if (next >= 0 && G.units % 2 == 0) {
          address_item(v4_item(G, next));
          unit(Buf0{}, 0, Yes{}, No{}, lane_a);
          prefetched = true;
        }
      }
      wgmma_wait<0>();
      wgmma_pin(acc);
      if constexpr (kSplitTw) wgmma_pin(acc_tw1);
      epilogue(it);
    });
  }
#endif
}

}  // namespace gate::gpu
