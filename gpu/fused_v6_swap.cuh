// fused_v6_swap: the stride-2 k=4 fast path for float16 and bfloat16 on Hopper (sm_90a), with wgmma's operands the
// other way round from v4's (bench/NOTES.md §25e, §29c, §30; the design was measured first as bench/gpu/swap16_probe).
// The weights are A, held in registers for the whole kernel: a computing warpgroup's 16 output channels × 4 phases are
// M = 64 rows, × K = Cin · 2 input rows, in Cin registers a thread (v6_load_a gathers them in the fragment layout).
// x is B, read by descriptor straight from the window stages as the TMA wrote them (MN-major, 128-byte swizzle: a line
// is the 64 pixels of one input channel and row), N = the q-row's 64 q-columns (W = 64). A k16 step is
// 8 channels × the two input rows of the window (q-rows qh − 1 and qh; K index 2c + row, the box's lines in order).
// The taps with kx = px + 2 (tw = 1) read the same B with their own weights, into a second accumulator set whose
// column n belongs to q-column n + 1: the epilogue adds it one column on (a shuffle per register pair), and its column
// 63 is q-column W. So a unit of 32 input channels takes one barrier wait, 8 wgmma m64n64k16 and one release: no
// fragment loads, no weights in shared memory.
// Block (384 threads): two computing warpgroups (channels 0–15 and 16–31 of the block's n-tile) on the same items and
// window stages, and a producer warpgroup whose warp 0 loads the windows (TMA, a ring of kV6Stages) and whose warps 1
// and 2 copy the staged runs to y, 16 channels each, in whole sectors where a run meets the next q-row's
// (fused_v6_geometry.hpp). Grid: n-tiles × blocks_per_tile, each block every blocks_per_tile-th chunk of
// kV6ChunkItems consecutive q-rows of its n-tile.
#pragma once

#include <cstdint>

#include "gpu/epilogue.cuh"
#include "gpu/fused_v4_flavors.cuh"
#include "gpu/fused_v6_geometry.hpp"
#include "gpu/storage.cuh"
#include "gpu/tma.cuh"
#include "gpu/wgmma.cuh"

namespace gate::gpu {

// The two flavours differ in the wgmma's input type and the output rounding.
struct FlavorV6F16 {
  using Storage = StorageF16;
  static __device__ __forceinline__ void mma(float (&d)[32], const uint32_t (&a)[4], uint64_t b, int accumulate) {
    wgmma_m64n64k16_f16_mn(d, a, b, accumulate);
  }
};
struct FlavorV6Bf16 {
  using Storage = StorageBF16;
  static __device__ __forceinline__ void mma(float (&d)[32], const uint32_t (&a)[4], uint64_t b, int accumulate) {
    wgmma_m64n64k16_bf16_mn(d, a, b, accumulate);
  }
};

// The producer warpgroup's registers (setmaxnreg); the computing warpgroups take the rest.
inline constexpr int kV6ProducerRegs = 40;

// The A fragments come straight from PyTorch's weight [Cin][Cout][4][4] (16-bit patterns, copied as they are), each
// computing thread gathering its own at the kernel's start (no pack kernel, no workspace: a launch is the main kernel
// alone). Thread t of a computing warpgroup (warp wp, g = lane / 4, c = lane % 4), fragment f = 2·step + tw, register r
// holds K pair 2c (+ 8 for r >= 2) of row g (+ 8 for odd r), the lower K in the low half (the mma.sync m16n8k16 A
// layout that wgmma takes from registers). Row g is px 0 and row g + 8 px 1 of output channel co (the warp's channel
// g) at output row parity py = wp / 2; K index kk of step `step` is input channel 8·step + kk / 2 and window row
// kk mod 2 (q-row qh − 1, then qh: dy = 1 − kk mod 2); the weight is w[ci][co][py + 2·dy][px + 2·tw]. So register
// (f, r) pairs kx = px + 2·tw of rows ky = py + 2 (low half) and py (high) of channel ci = 8·step + c + 4·(r / 2): one
// 8-byte load takes a row's four kx (w 8-byte aligned: the launcher's condition), 4·Cin/8 loads a thread.
template <int kFrags>
__device__ __forceinline__ void v6_load_a(uint32_t (&a)[kFrags][4], const uint16_t* __restrict__ w, int cout, int co,
                                          int py, int c) {
#pragma unroll
  for (int step = 0; step < kFrags / 2; ++step) {
#pragma unroll
    for (int q = 0; q < 2; ++q) {
      const uint16_t* taps = w + (int64_t(8 * step + c + 4 * q) * cout + co) * 16;  // w[ci][co][0][0]
      const uint2 lo = *reinterpret_cast<const uint2*>(taps + 4 * (py + 2));  // ky = py + 2: kx 0, 1 | 2, 3
      const uint2 hi = *reinterpret_cast<const uint2*>(taps + 4 * py);        // ky = py
#pragma unroll
      for (int tw = 0; tw < 2; ++tw) {
        const uint32_t l = tw == 0 ? lo.x : lo.y, h = tw == 0 ? hi.x : hi.y;  // kx = 2tw (low 16 bits), 2tw + 1
        a[2 * step + tw][2 * q] = (l & 0xFFFFu) | (h << 16);       // px 0
        a[2 * step + tw][2 * q + 1] = (l >> 16) | (h & 0xFFFF0000u);  // px 1
      }
    }
  }
}

// The tw = 1 sums moved one q-column on: column n of acc1 belongs to q-column n + 1, so q-column n = acc[n] +
// acc1[n − 1], across lane quads by a shuffle per register pair (lane quad 0 takes lane quad 3's column of the group
// before; q-column 0 takes none). acc1's column 63, q-column W (lane quad 3: acc1[29], acc1[31]), is the caller's.
__device__ __forceinline__ void v6_merge_tw1(float (&acc)[32], const float (&acc1)[32], int lane) {
  const int cl = lane & 3;
#pragma unroll
  for (int r = 0; r < 2; ++r) {
#pragma unroll
    for (int j = 7; j >= 0; --j) {
      const float send = cl == 3 ? (j > 0 ? acc1[4 * (j - 1) + 2 * r + 1] : 0.0f) : acc1[4 * j + 2 * r + 1];
      const float got = __shfl_sync(0xFFFFFFFFu, send, cl == 0 ? lane + 3 : lane - 1);
      acc[4 * j + 2 * r + 1] += acc1[4 * j + 2 * r];
      acc[4 * j + 2 * r] += cl == 0 && j == 0 ? 0.0f : got;
    }
  }
}

// kUnits = Cin / 32. w: PyTorch's weight; bias: Cout values or nullptr (g.has_bias false).
template <class Flavor, int kUnits>
__global__ void __launch_bounds__(kV6Threads, 1)
    fused_v6_swap(const V6Geometry g, const __grid_constant__ CUtensorMap x_map, const uint16_t* __restrict__ w,
                  const uint16_t* __restrict__ bias, uint16_t* __restrict__ y) {
#ifdef GATE_WGMMA_AVAILABLE
  using Storage = typename Flavor::Storage;
  constexpr int kSteps = 4 * kUnits, kFrags = 2 * kSteps;  // k16 steps (8 channels) and A fragments per item
  constexpr int kWout = 2 * kV6W + 2, kHalfRun = kV6RunBytes / 2;
  constexpr int kStagingOffset = kV6Stages * kV6StageBytes;
  constexpr int kBarOffset = kStagingOffset + kV6Bufs * kV6StagingBytes;
  extern __shared__ __align__(1024) unsigned char smem_raw[];
  // The 128-byte swizzle needs the stages 1024-byte aligned.
  unsigned char* smem = smem_raw + ((1024 - (uint32_t(__cvta_generic_to_shared(smem_raw)) & 1023)) & 1023);
  const uint32_t base = uint32_t(__cvta_generic_to_shared(smem));
  const int tid = threadIdx.x, wg = __shfl_sync(0xFFFFFFFFu, tid >> 7, 0);
  const int warp = __shfl_sync(0xFFFFFFFFu, (tid >> 5) & 3, 0), lane = tid & 31;
  const int tile = blockIdx.x / g.blocks_per_tile, qrows = g.H + 1;
  const bool zeros_stay = v4_zeros_stay(g.multiply_value);  // (v4_gelu_multiply's rule, formed once)
  // body(img, qh, carry) for the block's items in order: chunks b, b + blocks_per_tile, ... of the n-tile (b the
  // block's index in it), each in order; the image and q-row kept by increments, not divided out an item (the
  // computing warps' issue slots bound this kernel: bench/NOTES.md §30).
  auto for_each_item = [&](auto&& body) {
    constexpr int kK = kV6ChunkItems;
    const int step = g.blocks_per_tile * kK, step_img = step / qrows, step_qh = step - step_img * qrows;
    int first = (blockIdx.x % g.blocks_per_tile) * kK;
    int img = first / qrows, qh = first - img * qrows;  // the chunk's first item's
    for (; first < g.items; first += step) {
      const V6Range chunk = v6_chunk_from(first, kK, g.items);
      int im = img, q = qh;
      for (int i = chunk.first; i < chunk.last; ++i) {
        body(im, q, v6_item_carry(i, q, chunk, qrows));
        if (++q == qrows) {
          q = 0;
          ++im;
        }
      }
      img += step_img;
      qh += step_qh;
      if (qh >= qrows) {
        qh -= qrows;
        ++img;
      }
    }
  };
  auto full = [&](int s) { return base + uint32_t(kBarOffset + 8 * s); };
  auto empty = [&](int s) { return base + uint32_t(kBarOffset + 8 * (kV6Stages + s)); };
  auto staged = [&](int b) { return base + uint32_t(kBarOffset + 8 * (2 * kV6Stages + b)); };
  auto freed = [&](int b) { return base + uint32_t(kBarOffset + 8 * (2 * kV6Stages + kV6Bufs + b)); };
  const int64_t plane = int64_t(2 * g.H + 2) * kWout;  // elements
  const uintptr_t plane_bytes = uintptr_t(plane) * 2;
  // The address of channel 0's run (of the block's n-tile) at q-row qh of image img.
  auto run0_of = [&](int img, int qh) {
    return reinterpret_cast<uintptr_t>(y + (int64_t(img) * g.Cout + tile * kV6CoutPerTile) * plane + int64_t(2 * qh) * kWout);
  };
  auto slot_of = [&](int b, int ch) { return smem + kStagingOffset + b * kV6StagingBytes + ch * kV6SlotBytes; };
  if (tid < kV6Barriers) {
    // full: the TMA's arrival; empty: a lane of each computing warp; staged: every computing lane; freed: every
    // storer lane.
    mbarrier_init(base + uint32_t(kBarOffset + 8 * tid), tid < kV6Stages              ? 1
                                                         : tid < 2 * kV6Stages         ? 8
                                                         : tid < 2 * kV6Stages + kV6Bufs ? 256
                                                                                      : 64);
  }
  mbarrier_init_fence();
  __syncthreads();
  if (wg == 2) {
    setmaxnreg_dec<kV6ProducerRegs>();
    if (warp == 0) {  // the window loads: unit u of each item in turn into stage s of the ring
      int issued = 0, s = 0;
      uint32_t round = 0;  // stage rounds completed mod 2
      for_each_item([&](int img, int qh, V6Carry) {
        for (int u = 0; u < kUnits; ++u, ++issued) {
          if (issued >= kV6Stages) mbarrier_wait_uniform(empty(s), round ^ 1u);
          // rows qh − 1 and qh (the TMA writes zeros for rows −1 and H), 32 channels from 32u
          tma_load_3d_if(lane == 0, base + uint32_t(s * kV6StageBytes), &x_map, 0, qh - 1, img * g.Cin + kV6UnitCi * u,
                         full(s), kV6StageBytes);
          if (++s == kV6Stages) {
            s = 0;
            round ^= 1u;
          }
        }
      });
    } else if (warp == 1 || warp == 2) {
      // The storers: warp 1 + h copies the runs of channels 16h .. 16h + 15, each run's span (v6_run_store_span) as
      // whole 16-byte chunks and the 8-byte pieces its ends leave, and carries each run's tail into the next item's
      // slot, in front of where the computing warps stage that run (their bytes and these do not overlap).
      const int h = warp - 1;
      int b = 0;
      uint32_t bround = 0;  // buffer rounds completed mod 2
      for_each_item([&](int img, int qh, V6Carry cy) {
        const uintptr_t run_h = run0_of(img, qh) + 16 * h * plane_bytes;  // the first of its runs
        // Whether this lane's chunk (j = lane) is whole, for each sector offset a = 8·bit (the runs' offsets differ).
        uint32_t whole = 0;
#pragma unroll
        for (int k = 0; k < 4; ++k) whole |= uint32_t(v6_whole_chunk(lane, v6_run_store_span(8 * k, cy.in, cy.out))) << k;
        mbarrier_wait_uniform(staged(b), bround);
        const unsigned char* slots = slot_of(b, 16 * h);
        unsigned char* next_slots = slot_of(b + 1 == kV6Bufs ? 0 : b + 1, 16 * h);
        const int this_b = b;
        if (++b == kV6Bufs) {
          b = 0;
          bround ^= 1u;
        }
        // Run r's chunk `lane`: y's bytes sector(run) + 16·lane (the two chunks of a sector in adjacent lanes).
        uintptr_t run = run_h;
#pragma unroll
        for (int r = 0; r < 16; ++r, run += plane_bytes) {
          const int a = int(run & 31);
          if ((whole >> (a >> 3)) & 1u) {
            __stcs(reinterpret_cast<uint4*>(run - uintptr_t(a) + 16 * lane),
                   *reinterpret_cast<const uint4*>(slots + r * kV6SlotBytes + v6_slot_offset(16 * lane, a)));
          }
        }
        // Lane l takes run l / 2: chunk 32 + l mod 2 (a sector in two adjacent lanes), then the run's head piece (even
        // l) or tail piece (odd l), then half of its carried tail (pieces 0–1 or 2).
        {
          const int r = lane >> 1, which = lane & 1;
          const uintptr_t run_l = run_h + r * plane_bytes;
          const int a = int(run_l & 31);
          const V6Span span = v6_run_store_span(a, cy.in, cy.out);
          unsigned char* dst = reinterpret_cast<unsigned char*>(run_l - uintptr_t(a));  // t = 0
          const unsigned char* src = slots + r * kV6SlotBytes;
          const int j = 32 + which;
          if (v6_whole_chunk(j, span)) {
            __stcs(reinterpret_cast<uint4*>(dst + 16 * j),
                   *reinterpret_cast<const uint4*>(src + v6_slot_offset(16 * j, a)));
          }
          const bool piece = which == 0 ? v6_head_piece(span) : v6_tail_piece(span);
          const int t = which == 0 ? span.begin : span.end - 8;
          if (piece) __stcs(reinterpret_cast<uint2*>(dst + t), *reinterpret_cast<const uint2*>(src + v6_slot_offset(t, a)));
          if (cy.out) {  // t = span.end + 8p of this run is t = 8p of the next run, whose sector offset is n
            const int n = v6_carry_bytes(a);
#pragma unroll
            for (int p = 2 * which; p < 2 * which + 2; ++p) {
              if (p < 3 && 8 * p < n) {
                *reinterpret_cast<uint2*>(next_slots + r * kV6SlotBytes + v6_slot_offset(8 * p, n)) =
                    *reinterpret_cast<const uint2*>(src + v6_slot_offset(span.end + 8 * p, a));
              }
            }
          }
        }
        __syncwarp();  // the carried tails written before this warp's lanes read them (next item)
        mbarrier_arrive(freed(this_b));
      });
    }
    return;
  }
  setmaxnreg_inc<(64512 - 128 * kV6ProducerRegs) / 256 / 8 * 8>();
  // Warp w's 16 rows: channel ch = 16·wg + 8·(w mod 2) + g, output row parity py = w / 2, px 0 (row g), 1 (g + 8).
  const int gl = lane >> 2, cl = lane & 3, ch = 16 * wg + 8 * (warp & 1) + gl, py = warp >> 1;
  // The warpgroup's weights, for the whole kernel.
  uint32_t a[kFrags][4];
  v6_load_a(a, w, g.Cout, tile * kV6CoutPerTile + ch, py, cl);
  // bias + add_value as one float (one rounding, as v4_epilogue_values forms it).
  const float bias_add = (g.has_bias ? Storage::load(bias[tile * kV6CoutPerTile + ch]) : 0.0f) + g.add_value;
  // The low 32 bits of y's address, of an image's n-tile stride (Cout planes) and of channel ch's plane offset
  // within the n-tile (the tile's own offset included).
  const uint32_t y_lo = uint32_t(reinterpret_cast<uintptr_t>(y)), tile_bytes_lo = uint32_t(g.Cout) * uint32_t(plane_bytes);
  const uint32_t ch_lo = uint32_t(tile * kV6CoutPerTile + ch) * uint32_t(plane_bytes);
  // Stage 0's B descriptor (MN-major, 128-byte swizzle: mode 1; 1024 bytes between 8-line groups along K). Each
  // k-step's is it moved on in its low word (wgmma_desc_advance's reasoning): an add a k-step where building it from
  // the address took five uniform instructions on the way to the wgmma (2% of the kernel's time, bench/NOTES.md §31).
  const uint64_t bd0 = wgmma_desc_k_major(base, 8192, 1024) | (uint64_t(1) << 62);
  const uint32_t bd0_lo = uint32_t(bd0), bd0_hi = uint32_t(bd0 >> 32);
  float acc[32], acc1[32];
  int s = 0, n = 0, b = 0;         // the next unit's stage, items done, the next item's staging buffer
  uint32_t round = 0, bround = 0;  // stage and buffer rounds completed mod 2
  for_each_item([&](int img, int qh, V6Carry) {
    int prev = 0;  // the stage of the unit before
#pragma unroll
    for (int u = 0; u < kUnits; ++u) {
      mbarrier_wait_uniform(full(s), round);
      const int cur = s;
      if (++s == kV6Stages) {
        s = 0;
        round ^= 1u;
      }
      wgmma_fence();
      const uint32_t cur_lo = bd0_lo + uint32_t(cur) * uint32_t(kV6StageBytes / 16);
#pragma unroll
      for (int k = 0; k < 4; ++k) {  // channels 8k .. 8k + 7 of the unit, both rows: the stage's lines 16k ..
        const uint64_t bd = (uint64_t(bd0_hi) << 32) | (cur_lo + uint32_t(k * 2048 / 16));
        Flavor::mma(acc, a[2 * (4 * u + k)], bd, u > 0 || k > 0 ? 1 : 0);
        Flavor::mma(acc1, a[2 * (4 * u + k) + 1], bd, u > 0 || k > 0 ? 1 : 0);
      }
      wgmma_commit();
      wgmma_wait<1>();
      if (u > 0 && lane == 0) mbarrier_arrive(empty(prev));  // the unit before has been read
      prev = cur;
    }
    wgmma_wait<0>();
    if (lane == 0) mbarrier_arrive(empty(prev));
    wgmma_pin(acc);
    wgmma_pin(acc1);
    const int this_b = b;
    if (n >= kV6Bufs) mbarrier_wait_uniform(freed(this_b), bround ^ 1u);
    if (++b == kV6Bufs) {
      b = 0;
      bround ^= 1u;
    }
    // q-column W = acc1[63] (lane quad 3; zeros elsewhere, which become bias + add's clamp below: those lanes vote with
    // it but never store it), then the merge.
    float w_col[2] = {cl == 3 ? acc1[4 * 7 + 1] : 0.0f, cl == 3 ? acc1[4 * 7 + 3] : 0.0f};
    v6_merge_tw1(acc, acc1, lane);
    // v4's epilogue: + (bias + add) and min(·, 0) on all, one vote, GELU (the fast one: 16-bit outputs) in chunks of 8
    // where some lane holds a non-zero, × multiply unless the warp's values are all ±0 and stay so (v4_gelu_multiply's
    // operations). q-column W's two values are v[32], v[33], under the same vote and in the last chunk.
    float v[34];
    uint32_t bits = 0;
#pragma unroll
    for (int e = 0; e < 34; ++e) {
      v[e] = clamp_nonpositive((e < 32 ? acc[e] : w_col[e - 32]) + bias_add);
      bits |= __float_as_uint(v[e]);
    }
    const bool nonzero = (bits & 0x7FFFFFFFu) != 0;
    const bool gelu = __any_sync(0xFFFFFFFFu, nonzero);
    if (gelu) epilogue_gelu_chunks<34, true, 8>(v, nonzero);
    if (gelu || !zeros_stay) {
#pragma unroll
      for (int e = 0; e < 34; ++e) v[e] *= g.multiply_value;
    }
    // Staging: channel ch's run in its slot (v6_slot_offset), row py 260 bytes on, output x at 2x bytes. Only the
    // run's address mod 32 matters here: 32-bit arithmetic (wrapping) gives it.
    const int sector_offset = int((y_lo + uint32_t(img) * tile_bytes_lo + uint32_t(qh) * uint32_t(kV6RunBytes) + ch_lo) & 31u);
    unsigned char* row = slot_of(this_b, ch) + v6_slot_offset(sector_offset, sector_offset) + py * kHalfRun;
#pragma unroll
    for (int j = 0; j < 8; ++j) {
      const uint32_t lo = Storage::pack2(v[4 * j], v[4 * j + 2]);      // x = 16j + 4c, + 1 (q-column 8j + 2c)
      const uint32_t hi = Storage::pack2(v[4 * j + 1], v[4 * j + 3]);  // x + 2, + 3 (q-column 8j + 2c + 1)
      uint32_t* p = reinterpret_cast<uint32_t*>(row + 32 * j + 8 * cl);
      p[0] = lo;
      p[1] = hi;
    }
    if (cl == 3) *reinterpret_cast<uint32_t*>(row + 4 * kV6W) = Storage::pack2(v[32], v[33]);
    mbarrier_arrive(staged(this_b));
    ++n;
  });
#endif
}

}  // namespace gate::gpu
