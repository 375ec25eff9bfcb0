// What write pattern the GPU's DRAM takes at full speed, for the seed workload's output y (bench/NOTES.md §12a).
// The v4 kernel's writes alone measured 0.85 ms (TF32) against 0.344 ms for a contiguous fill of the same 1.1 GB; this
// probe separates the two suspects: sectors split between writers, and the shape of what one writer (a 128-thread
// group, two per SM like v4's warpgroups) writes per item — planes × contiguous bytes per plane.
//
// y is [planes = N·Cout][130][130] float32. An item is P consecutive planes × R output rows (R·520 contiguous bytes in
// each plane, 16-byte aligned for even R); items are ordered with the plane block fastest, then the row block, then
// the image, and each group takes every G-th item (v4's strided order: the groups working at one time cover about one
// image). Every byte of y is written exactly once per pattern (the "gap" pattern leaves the last 8 bytes of every row
// unwritten, as v4's row items do, to reproduce the split-sector cost). Values are junk (the item index).
// Build (here):  the gpu_write_patterns target, or nvcc -O3 -arch=sm_90a -std=c++20 bench/gpu/write_patterns.cu -o X
// Run (GPU):     ./write_patterns   — one line per pattern: ms (median of 20 after 3 warm-up launches), GB/s.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "median_ms.cuh"

namespace {

constexpr int kSide = 130;                   // output rows and columns of the seed workload
constexpr int kRowBytes = kSide * 4;         // 520
constexpr int64_t kPlaneBytes = int64_t(kSide) * kRowBytes;
constexpr int kImages = 128, kChannels = 128;

struct Pattern {
  const char* name;
  int planes, rows;    // an item: planes × rows output rows
  int groups_per_sm;   // 128-thread blocks resident per SM
  bool gap;            // leave the last 8 bytes of each row unwritten (v4's row items without col items)
  bool blocked;        // each group takes a contiguous range of items instead of every G-th
  bool plain = false;    // plain stores (the L2's normal policy) instead of streaming (evict-first) ones
  bool aligned = false;  // each plane's run of an item starts and ends on 32-byte sector boundaries (absolute
                         // addresses, rounded down; the plane's first and last runs extend to the plane's ends), so
                         // that no sector is split between items
  int align_bytes = 32;  // with `aligned`: the boundary the runs are rounded to (32: sectors, 128: L2 lines)
  bool plane_ends = false;  // with `aligned`: the planes' own ends rounded too (a plane's first run starts at the
                            // sector before it, with the previous plane's last 16 bytes), so that no sector of y is
                            // split between items at all (bench/NOTES.md §29)
};

__global__ void __launch_bounds__(128) write_items(unsigned char* y, Pattern p, int64_t items) {
  const int pblocks = kChannels / p.planes, rblocks = (kSide + p.rows - 1) / p.rows;
  const int64_t per_group = (items + gridDim.x - 1) / gridDim.x;
  const int64_t first = p.blocked ? blockIdx.x * per_group : blockIdx.x;
  const int64_t last = p.blocked ? (first + per_group < items ? first + per_group : items) : items;
  const int64_t step = p.blocked ? 1 : gridDim.x;
  for (int64_t item = first; item < last; item += step) {
    const int pb = int(item % pblocks);
    const int rb = int(item / pblocks % rblocks);
    const int img = int(item / pblocks / rblocks);
    const int row0 = rb * p.rows, row1 = (row0 + p.rows < kSide ? row0 + p.rows : kSide);
    const float v = float(item);
    unsigned char* base = y + (int64_t(img) * kChannels + pb * p.planes) * kPlaneBytes + int64_t(row0) * kRowBytes;
    if (p.aligned) {
      // Bytes [lo, hi) of each plane of the block: the run's bounds rounded down to absolute 32-byte boundaries.
      for (int plane = 0; plane < p.planes; ++plane) {
        unsigned char* plane_base = y + (int64_t(img) * kChannels + pb * p.planes + plane) * kPlaneBytes;
        const uintptr_t b = reinterpret_cast<uintptr_t>(plane_base);
        const uintptr_t mask = ~uintptr_t(p.align_bytes - 1);
        const int64_t abs_plane = int64_t(img) * kChannels + pb * p.planes + plane;
        const bool round_start = row0 != 0 || (p.plane_ends && abs_plane != 0);
        const bool round_end = row1 != kSide || (p.plane_ends && abs_plane != int64_t(kImages) * kChannels - 1);
        const int64_t lo = round_start ? int64_t(((b + row0 * kRowBytes) & mask) - int64_t(b)) : 0;
        const int64_t hi = round_end ? int64_t(((b + row1 * kRowBytes) & mask) - int64_t(b)) : kPlaneBytes;
        for (int64_t o = lo + threadIdx.x * 16; o < hi; o += blockDim.x * 16) {
          __stcs(reinterpret_cast<float4*>(plane_base + o), make_float4(v, v, v, v));
        }
      }
    } else if (!p.gap) {
      const int quads = (row1 - row0) * kRowBytes / 16;  // even row counts: whole 16-byte pieces, aligned
      for (int i = threadIdx.x; i < p.planes * quads; i += blockDim.x) {
        const int plane = i / quads, q = i - plane * quads;
        float4* dst = reinterpret_cast<float4*>(base + plane * kPlaneBytes) + q;
        if (p.plain) *dst = make_float4(v, v, v, v);
        else __stcs(dst, make_float4(v, v, v, v));
      }
    } else {
      const int pairs = (row1 - row0) * (kSide - 2) / 2;  // the first 128 outputs of each row, in float2
      for (int i = threadIdx.x; i < p.planes * pairs; i += blockDim.x) {
        const int plane = i / pairs, r = i - plane * pairs, row = r / ((kSide - 2) / 2), c = r - row * ((kSide - 2) / 2);
        __stcs(reinterpret_cast<float2*>(base + plane * kPlaneBytes + row * kRowBytes) + c, make_float2(v, v));
      }
    }
  }
}

// v4's own write pattern (fused_v4_wgmma, TF32 and 16-bit items of the seed workload, float32 outputs): per image and
// block of 32 planes, 65 row items (q-row qh: output rows 2qh, 2qh + 1, outputs 0..127) and 5 col items (outputs 128,
// 129 of the 32 rows of 16 q-rows), each group of 16 row items followed by its col item; the four plane blocks of an
// item index run side by side, as v4's four n-tiles do. float2 stores, as v4's stores from the registers. With
// whole_rows the row items write all 130 outputs and there are no col items.
__global__ void __launch_bounds__(128) write_v4_items(float* y, bool whole_rows) {
  constexpr int kQRows = kSide / 2, kGroup = 16, kPlanes = 32, kBlocks = kChannels / kPlanes;
  const int per_image = whole_rows ? kQRows : kQRows + (kQRows + kGroup - 1) / kGroup;
  const int64_t items = int64_t(kImages) * per_image * kBlocks;
  const int width = whole_rows ? kSide : kSide - 2;
  for (int64_t item = blockIdx.x; item < items; item += gridDim.x) {
    const int pb = int(item % kBlocks), t = int(item / kBlocks % per_image), img = int(item / kBlocks / per_image);
    float* planes = y + (int64_t(img) * kChannels + pb * kPlanes) * kSide * kSide;
    const float v = float(item);
    const int group = whole_rows ? 0 : t / (kGroup + 1), r = whole_rows ? t : t % (kGroup + 1);
    const int qh0 = whole_rows ? 0 : group * kGroup;
    if (whole_rows || r < kGroup) {  // row item: q-row qh0 + r
      const int qh = qh0 + r, pairs = width / 2;
      if (qh >= kQRows) continue;
      for (int i = threadIdx.x; i < kPlanes * 2 * pairs; i += blockDim.x) {
        const int c = i % pairs, row = i / pairs % 2, plane = i / pairs / 2;
        __stcs(reinterpret_cast<float2*>(planes + int64_t(plane) * kSide * kSide + (2 * qh + row) * kSide) + c,
               make_float2(v, v));
      }
    } else {  // col item: outputs 128, 129 of the 2·16 rows of q-rows qh0 ..
      const int rows = 2 * (kQRows - qh0 < kGroup ? kQRows - qh0 : kGroup);
      for (int i = threadIdx.x; i < kPlanes * rows; i += blockDim.x) {
        const int row = i % rows, plane = i / rows;
        __stcs(reinterpret_cast<float2*>(planes + int64_t(plane) * kSide * kSide + (2 * qh0 + row) * kSide + kSide - 2),
               make_float2(v, v));
      }
    }
  }
}

// Pairs of q-rows (4 output rows) per item, 32 planes each, the four tiles of 32 planes side by side: with parity
// tiles, a tile's planes are every other one (channels 64·(t / 2) + 2·co + t mod 2) and its pairs start at q-row
// t mod 2 (the planes of odd index start 16 bytes into a sector, so each tile's pairs begin on sector boundaries:
// no sector is shared between items; v4's carry design, bench/NOTES.md §12e); without, consecutive planes and pairs
// from q-row 0 (half the planes' pair boundaries split a sector). float4 stores of each plane's range.
__global__ void __launch_bounds__(128) write_row_pairs(unsigned char* y, bool parity_tiles) {
  constexpr int kQRows = kSide / 2, kPlanes = 32, kTiles = kChannels / kPlanes, kPairBytes = 2 * 2 * kRowBytes;
  constexpr int kSlots = (kQRows + 2) / 2;  // 33: pairs, and a q-row alone at one end
  const int64_t items = int64_t(kImages) * kSlots * kTiles;
  for (int64_t item = blockIdx.x; item < items; item += gridDim.x) {
    const int t = int(item % kTiles), slot = int(item / kTiles % kSlots), img = int(item / kTiles / kSlots);
    const int rho = parity_tiles ? (t & 1) : 0;
    const int qh0 = 2 * slot - rho < 0 ? 0 : 2 * slot - rho, qh1 = 2 * slot - rho + 2 > kQRows ? kQRows : 2 * slot - rho + 2;
    if (qh1 <= qh0) continue;
    const int64_t lo = int64_t(qh0) * kPairBytes / 2, hi = int64_t(qh1) * kPairBytes / 2;
    const float v = float(item);
    for (int co = 0; co < kPlanes; ++co) {
      const int c = parity_tiles ? 64 * (t >> 1) + 2 * co + (t & 1) : kPlanes * t + co;
      unsigned char* plane = y + (int64_t(img) * kChannels + c) * kPlaneBytes;
      for (int64_t o = lo + threadIdx.x * 16; o < hi; o += blockDim.x * 16) {
        __stcs(reinterpret_cast<float4*>(plane + o), make_float4(v, v, v, v));
      }
    }
  }
}

// v4's whole-row items in v4's own order (v4_pair_items): 4 tiles of 32 planes side by side, each tile's items (image,
// q-row: 65 per image) taken by its groups in pairs 2p, 2p + 1, the pairs strided over the groups; an item writes its
// q-row's 1,040 bytes in each of its 32 planes, then waits delay_ns (the tensor work of the next item, so that the two
// items of a pair go out one item apart, as in the kernel). Modes: 0 consecutive planes, the runs as they are (half the
// planes' q-row boundaries split a sector between two items: the kernel today); 1 consecutive planes, each run's ends
// rounded down to sector boundaries (no sector shared, but the owner of a split sector is then an item of another
// group for half the planes: not buildable, a bound); 2 parity tiles (channels 64·(t / 2) + 2·co + t mod 2) whose
// pairs start at q-row t mod 2, runs rounded down: every split sector falls inside a pair (the carry design of
// bench/NOTES.md §12e). float4 stores.
__global__ void __launch_bounds__(128) write_qrow_items(unsigned char* y, int mode, int delay_ns) {
  constexpr int kQRows = kSide / 2, kPlanes = 32, kTiles = kChannels / kPlanes, kRun = 2 * kRowBytes;
  const int groups = gridDim.x / kTiles, t = blockIdx.x / groups, w = blockIdx.x % groups;
  const int rho = mode == 2 ? (t & 1) : 0;  // the tile's pairs start at q-row rho (a shifted item list)
  const int64_t items = int64_t(kImages) * kQRows + rho, pairs = (items + 1) / 2;
  for (int64_t p = w; p < pairs; p += groups) {
    for (int64_t item = 2 * p; item < 2 * p + 2 && item < items; ++item) {
      const int64_t real = item - rho;  // the shifted list's item -1 is nothing
      if (real >= 0) {
        const int img = int(real / kQRows), qh = int(real % kQRows);
        const float v = float(real);
        for (int co = 0; co < kPlanes; ++co) {
          const int c = mode == 2 ? 64 * (t >> 1) + 2 * co + (t & 1) : kPlanes * t + co;
          unsigned char* plane = y + (int64_t(img) * kChannels + c) * kPlaneBytes;
          int64_t lo = int64_t(qh) * kRun, hi = lo + kRun;
          if (mode != 0) {
            const uintptr_t b = reinterpret_cast<uintptr_t>(plane);
            lo = qh == 0 ? 0 : int64_t(((b + lo) & ~uintptr_t(31)) - b);
            hi = qh == kQRows - 1 ? kPlaneBytes : int64_t(((b + hi) & ~uintptr_t(31)) - b);
          }
          for (int64_t o = lo + threadIdx.x * 16; o < hi; o += blockDim.x * 16) {
            __stcs(reinterpret_cast<float4*>(plane + o), make_float4(v, v, v, v));
          }
        }
      }
      if (delay_ns > 0) __nanosleep(delay_ns);
    }
  }
}

// Sweeps (bench/NOTES.md §29): a unit is (image, `planes` consecutive planes); block b takes units b, b + gridDim.x, ...
// and writes each unit's planes `rows` output rows at a time from top to bottom, every run rounded to absolute 32-byte
// sectors (the planes' own ends too), so that no sector is split between steps or units: the write set of a kernel
// whose warpgroups each own a channel block of one image for a whole sweep of q-rows (the operand-swap design).
__global__ void __launch_bounds__(128) write_sweeps(unsigned char* y, int planes, int rows) {
  const int units = kImages * (kChannels / planes);
  for (int u = blockIdx.x; u < units; u += gridDim.x) {
    const int64_t plane0 = int64_t(u) * planes;
    const float v = float(u);
    for (int row0 = 0; row0 < kSide; row0 += rows) {
      const int row1 = row0 + rows < kSide ? row0 + rows : kSide;
      for (int plane = 0; plane < planes; ++plane) {
        const int64_t abs_plane = plane0 + plane;
        unsigned char* plane_base = y + abs_plane * kPlaneBytes;
        const uintptr_t b = reinterpret_cast<uintptr_t>(plane_base);
        const bool round_start = row0 != 0 || abs_plane != 0;
        const bool round_end = row1 != kSide || abs_plane != int64_t(kImages) * kChannels - 1;
        const int64_t lo = round_start ? int64_t(((b + row0 * kRowBytes) & ~uintptr_t(31)) - b) : 0;
        const int64_t hi = round_end ? int64_t(((b + row1 * kRowBytes) & ~uintptr_t(31)) - b) : kPlaneBytes;
        for (int64_t o = lo + threadIdx.x * 16; o < hi; o += blockDim.x * 16) {
          __stcs(reinterpret_cast<float4*>(plane_base + o), make_float4(v, v, v, v));
        }
      }
    }
  }
}

// Items of `planes` consecutive planes × `rows` output rows of a y whose elements are `elem` bytes (4: float32, 2:
// the 16-bit flavours' y, 260-byte rows and 33,800-byte planes), in write_items' strided order, every run rounded to
// absolute 32-byte sectors, the planes' own ends too: no sector is split between items (bench/NOTES.md §29).
__global__ void __launch_bounds__(128) write_whole_sector_items(unsigned char* y, int planes, int rows, int elem) {
  const int64_t row_bytes = int64_t(kSide) * elem, plane_bytes = kSide * row_bytes;
  const int pblocks = kChannels / planes, rblocks = (kSide + rows - 1) / rows;
  const int64_t items = int64_t(kImages) * pblocks * rblocks, last_plane = int64_t(kImages) * kChannels - 1;
  for (int64_t item = blockIdx.x; item < items; item += gridDim.x) {
    const int pb = int(item % pblocks), rb = int(item / pblocks % rblocks), img = int(item / pblocks / rblocks);
    const int row0 = rb * rows, row1 = row0 + rows < kSide ? row0 + rows : kSide;
    const float v = float(item);
    for (int plane = 0; plane < planes; ++plane) {
      const int64_t abs_plane = int64_t(img) * kChannels + pb * planes + plane;
      unsigned char* plane_base = y + abs_plane * plane_bytes;
      const uintptr_t b = reinterpret_cast<uintptr_t>(plane_base);
      const int64_t lo = row0 != 0 || abs_plane != 0 ? int64_t(((b + row0 * row_bytes) & ~uintptr_t(31)) - b) : 0;
      const int64_t hi =
          row1 != kSide || abs_plane != last_plane ? int64_t(((b + row1 * row_bytes) & ~uintptr_t(31)) - b) : plane_bytes;
      for (int64_t o = lo + threadIdx.x * 16; o < hi; o += blockDim.x * 16) {
        __stcs(reinterpret_cast<float4*>(plane_base + o), make_float4(v, v, v, v));
      }
    }
  }
}

// y as chunks of `chunk` 16-byte words, block b writing chunks b, b + gridDim.x, ... (each front to back): the blocks
// working at one time write neighbouring chunks, as the patterns' groups write neighbouring planes. With chunk =
// quads / gridDim.x (rounded up) each block writes one contiguous segment: as many sequential streams as blocks.
__global__ void fill_chunks(float4* y, int64_t quads, int64_t chunk) {
  for (int64_t c = blockIdx.x; c * chunk < quads; c += gridDim.x) {
    const int64_t lo = c * chunk, hi = lo + chunk < quads ? lo + chunk : quads;
    for (int64_t i = lo + threadIdx.x; i < hi; i += blockDim.x) __stcs(y + i, make_float4(1.f, 1.f, 1.f, 1.f));
  }
}

__global__ void fill(float4* y, int64_t quads) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < quads; i += int64_t(gridDim.x) * blockDim.x) {
    __stcs(y + i, make_float4(1.f, 1.f, 1.f, 1.f));
  }
}

#define CHECK(x)                                                                                  \
  do {                                                                                            \
    cudaError_t e_ = (x);                                                                         \
    if (e_ != cudaSuccess) {                                                                      \
      std::fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, cudaGetErrorString(e_));            \
      return 1;                                                                                   \
    }                                                                                             \
  } while (0)

}  // namespace

int main() {
  cudaDeviceProp prop{};
  CHECK(cudaGetDeviceProperties(&prop, 0));
  const int64_t bytes = int64_t(kImages) * kChannels * kPlaneBytes;
  unsigned char* y = nullptr;
  CHECK(cudaMalloc(&y, bytes));
  std::printf("%s, %d SMs, y %.3f GB\n", prop.name, prop.multiProcessorCount, bytes / 1e9);
  const float fill_ms =
      median_ms([&] { fill<<<prop.multiProcessorCount * 8, 256>>>(reinterpret_cast<float4*>(y), bytes / 16); });
  CHECK(cudaGetLastError());
  // One line: a fill's name, its time and bandwidth.
  auto fill_row = [&](const char* name, float ms) {
    std::printf("  %-44s %7.3f ms %6.0f GB/s\n", name, ms, bytes / ms / 1e6);
  };
  fill_row("contiguous fill", fill_ms);
  // The same fill from as few threads as the patterns below use (2 × 128 a SM): whether the patterns' rate is their
  // shape or the stores in flight.
  fill_row("contiguous fill, 2 x 128 threads/SM",
           median_ms([&] { fill<<<prop.multiProcessorCount * 2, 128>>>(reinterpret_cast<float4*>(y), bytes / 16); }));
  // y as one contiguous segment a block: many sequential streams against the one of a fill.
  for (int per_sm : {1, 2, 8}) {
    const int blocks = prop.multiProcessorCount * per_sm;
    const int64_t segment = (bytes / 16 + blocks - 1) / blocks;
    char name[64];
    std::snprintf(name, sizeof name, "%d contiguous streams (%d a SM)", blocks, per_sm);
    fill_row(name, median_ms([&] { fill_chunks<<<blocks, 128>>>(reinterpret_cast<float4*>(y), bytes / 16, segment); }));
  }
  // Chunks of a plane's size (67,600 bytes: 16 bytes past a 128-byte line) against sizes that end on lines and pages.
  for (int64_t chunk_bytes :
       {int64_t(4096), int64_t(16384), int64_t(65536), kPlaneBytes, int64_t(67584), int64_t(262144)}) {
    char name[64];
    std::snprintf(name, sizeof name, "chunks of %lld bytes, 2 blocks a SM", static_cast<long long>(chunk_bytes));
    fill_row(name, median_ms([&] {
      fill_chunks<<<prop.multiProcessorCount * 2, 128>>>(reinterpret_cast<float4*>(y), bytes / 16, chunk_bytes / 16);
    }));
  }
  const Pattern patterns[] = {
      {"v4 row items, 128 of 130 (32 planes x 2 rows)", 32, 2, 2, true, false},
      {"32 planes x 2 rows (v4 whole rows)", 32, 2, 2, false, false},
      {"32 planes x 2 rows, 8 groups/SM", 32, 2, 8, false, false},
      {"32 planes x 2 rows, blocked order", 32, 2, 2, false, true},
      {"128 planes x 2 rows", 128, 2, 2, false, false},
      {"16 planes x 4 rows", 16, 4, 2, false, false},
      {"8 planes x 10 rows", 8, 10, 2, false, false},
      {"4 planes x 26 rows", 4, 26, 2, false, false},
      {"1 plane x 130 rows", 1, 130, 2, false, false},
      {"32 planes x 10 rows", 32, 10, 2, false, false},
      {"32 planes x 2 rows, plain stores", 32, 2, 2, false, false, true},
      {"128 planes x 2 rows, plain stores", 128, 2, 2, false, false, true},
      {"32 planes x 2 rows, sector-aligned runs", 32, 2, 2, false, false, false, true},
      {"128 planes x 2 rows, sector-aligned runs", 128, 2, 2, false, false, false, true},
      {"1 plane x 130 rows, sector-aligned", 1, 130, 2, false, false, false, true},
      {"64 planes x 2 rows", 64, 2, 2, false, false},
      {"32 planes x 4 rows", 32, 4, 2, false, false},
      {"32 planes x 4 rows, sector-aligned runs", 32, 4, 2, false, false, false, true},
      {"32 planes x 2 rows, line-aligned runs", 32, 2, 2, false, false, false, true, 128},
      {"32 planes x 2 rows, 512-byte-aligned runs", 32, 2, 2, false, false, false, true, 512},
      {"32 planes x 2 rows, sector-aligned, 8 groups/SM", 32, 2, 8, false, false, false, true},
      {"1 plane x 130 rows, sector-aligned, 8 groups/SM", 1, 130, 8, false, false, false, true},
      {"32 planes x 4 rows, line-aligned runs", 32, 4, 2, false, false, false, true, 128},
      {"32 planes x 2 rows, no split sector at all", 32, 2, 2, false, false, false, true, 32, true},
      {"16 planes x 2 rows, no split sector at all", 16, 2, 2, false, false, false, true, 32, true},
      {"128 planes x 2 rows, no split sector at all", 128, 2, 2, false, false, false, true, 32, true},
      {"32 planes x 4 rows, no split sector at all", 32, 4, 2, false, false, false, true, 32, true},
      {"1 plane x 130 rows, no split sector at all", 1, 130, 2, false, false, false, true, 32, true},
      {"16 planes x 2 rows, blocked, no split sector", 16, 2, 2, false, true, false, true, 32, true},
      {"32 planes x 8 rows, no split sector at all", 32, 8, 2, false, false, false, true, 32, true},
      {"32 planes x 16 rows, no split sector at all", 32, 16, 2, false, false, false, true, 32, true},
      {"8 planes x 8 rows, no split sector at all", 8, 8, 2, false, false, false, true, 32, true},
      {"8 planes x 26 rows, no split sector at all", 8, 26, 2, false, false, false, true, 32, true},
      {"4 planes x 26 rows, no split sector at all", 4, 26, 2, false, false, false, true, 32, true},
      {"2 planes x 130 rows, no split sector at all", 2, 130, 2, false, false, false, true, 32, true},
      {"8 planes x 130 rows, no split sector at all", 8, 130, 2, false, false, false, true, 32, true},
  };
  // One line per pattern: its time, the bandwidth of the bytes it writes, and its time over the fill's.
  auto report = [&](const char* name, double written, auto launch) {
    const float ms = median_ms(launch);
    const cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess) {
      std::fprintf(stderr, "%s: %s\n", name, cudaGetErrorString(e));
      return false;
    }
    std::printf("  %-44s %7.3f ms %6.0f GB/s  (%.2fx the fill)\n", name, ms, written / ms / 1e6, ms / fill_ms);
    return true;
  };
  const int sms = prop.multiProcessorCount;
  for (bool parity : {false, true}) {
    if (!report(parity ? "q-row pairs, parity tiles (no split sector)" : "q-row pairs, consecutive planes",
                double(bytes), [&] { write_row_pairs<<<sms * 2, 128>>>(y, parity); })) {
      return 1;
    }
  }
  for (int delay : {0, 2000, 4000}) {
    for (int mode : {0, 1, 2}) {
      static const char* names[] = {"q-row items, pairs, consecutive planes", "q-row items, pairs, no split (bound)",
                                    "q-row items, pairs, parity tiles"};
      char name[96];
      std::snprintf(name, sizeof name, "%s, %d ns", names[mode], delay);
      if (!report(name, double(bytes), [&] { write_qrow_items<<<sms * 2, 128>>>(y, mode, delay); })) return 1;
    }
  }
  // 16-bit y (half the bytes; its fill is the 1-plane row) and float32 alike, by run length.
  for (const int elem : {2, 4}) {
    const int shapes[][2] = {{32, 2}, {32, 4}, {32, 8}, {32, 16}, {32, 26}, {16, 16}, {16, 26}, {8, 26}, {1, 130}};
    for (const auto& sh : shapes) {
      char name[96];
      std::snprintf(name, sizeof name, "%d-byte y: %d planes x %d rows, whole sectors", elem, sh[0], sh[1]);
      if (!report(name, double(bytes) * elem / 4, [&] { write_whole_sector_items<<<sms * 2, 128>>>(y, sh[0], sh[1], elem); })) {
        return 1;
      }
    }
  }
  for (const int planes : {32, 16, 8, 4, 1}) {
    for (const int rows : {2, 4, 8}) {
      for (const int per_sm : {1, 2}) {
        if (planes == 1 && rows != 2) continue;
        char name[96];
        std::snprintf(name, sizeof name, "sweeps of %d planes x %d rows, %d groups/SM", planes, rows, per_sm);
        if (!report(name, double(bytes), [&] { write_sweeps<<<sms * per_sm, 128>>>(y, planes, rows); })) return 1;
      }
    }
  }
  for (bool whole : {false, true}) {
    if (!report(whole ? "v4 items, whole rows (float2 stores)" : "v4 row + col items (float2 stores)", double(bytes),
                [&] { write_v4_items<<<sms * 2, 128>>>(reinterpret_cast<float*>(y), whole); })) {
      return 1;
    }
  }
  for (const Pattern& p : patterns) {
    const int64_t items = int64_t(kImages) * (kChannels / p.planes) * ((kSide + p.rows - 1) / p.rows);
    const double written = p.gap ? bytes * 128.0 / 130.0 : double(bytes);
    if (!report(p.name, written, [&] { write_items<<<sms * p.groups_per_sm, 128>>>(y, p, items); })) return 1;
  }
  CHECK(cudaFree(y));
  return 0;
}
