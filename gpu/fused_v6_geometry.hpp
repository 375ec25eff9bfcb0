// fused_v6_swap's host-side geometry (no CUDA needed to include it): which problems it takes, how its persistent grid
// splits the work, and how its storer cuts an output run into stores. The kernel is v4's 16-bit design with wgmma's
// operands swapped (bench/NOTES.md §29c, §30): the weights are A, held in registers for the whole kernel; x is B, read
// by descriptor straight from the TMA's window stages; N = the q-row's 64 q-columns.
//
// Work: an item is (image, q-row qh) of one n-tile of 32 output channels: output rows 2qh and 2qh + 1 of those 32
// planes, which lie next to each other in y, one *run* of 2·Wout elements a plane. The items of an n-tile are cut into
// chunks of kV6ChunkItems consecutive q-rows, dealt to the n-tile's blocks in turn (block b: chunks b, b + blocks, ...).
// Within a chunk the sector where one run ends and the next begins is written whole, by one store instruction (the
// storer carries the first run's last bytes over to the next; v6_run_store_span); at a chunk's ends, and an image's
// first and last q-rows, a run starts or ends in a sector that another item writes the rest of: those pieces are
// stored as 8-byte writes. Chunks dealt in turn keep the blocks of an n-tile on neighbouring q-rows at any time, so
// that y is written in long stretches of each plane (a block's own contiguous range of items spread the writes over
// 33 images at once: 0.9 ms instead of 0.3 on the seed, bench/NOTES.md §30).
#pragma once

#include <cstdint>

#include "gpu/kernel_shape.hpp"

namespace gate::gpu {

#ifdef __CUDACC__
#define GATE_V6_HD __host__ __device__
#else
#define GATE_V6_HD
#endif

inline constexpr int kV6W = 64;            // the only W: one wgmma N, one 128-byte swizzle atom a window row
inline constexpr int kV6CoutPerTile = 32;  // output channels of an n-tile (16 per computing warpgroup)
inline constexpr int kV6UnitCi = 32;       // input channels a window stage holds (an 8 KB TMA box: §29c)
inline constexpr int kV6MaxUnits = 4;      // Cin <= 128: the weights take Cin registers a computing thread (with
                                           // Cin 128, 216 of the 232 setmaxnreg gives; no spills)
inline constexpr int kV6Stages = 6;        // window stages of the ring
inline constexpr int kV6Bufs = 2;          // output staging buffers
inline constexpr int kV6ChunkItems = 4;    // consecutive q-rows a block takes at a time
inline constexpr int kV6Threads = 384;     // two computing warpgroups and a producer warpgroup
// A run (output rows 2qh, 2qh + 1 of one plane) in bytes: 2·Wout 16-bit elements.
inline constexpr int kV6RunBytes = 2 * (2 * kV6W + 2) * 2;
// A run's staging slot (v6_slot_offset): the carried bytes in front, then the run 16-byte aligned as in y. 560 bytes
// (+ 8 for the run's 8-byte shift): the computing warps' 4-byte staging stores then meet two to a bank at most, the
// fewest there can be (with a slot in y's sector alignment, 576 bytes, four; bench/NOTES.md §30).
inline constexpr int kV6SlotBytes = 32 + 8 + kV6RunBytes;  // 560
inline constexpr int kV6ChunksPerRun = 34;  // 16-byte chunks from the run's first sector to the end of its last
inline constexpr int kV6StageBytes = kV6UnitCi * 2 * kV6W * 2;    // channels × 2 input rows × 64 columns × 2 bytes
inline constexpr int kV6StagingBytes = kV6CoutPerTile * kV6SlotBytes;
inline constexpr int kV6Barriers = 2 * kV6Stages + 2 * kV6Bufs;
inline constexpr int kV6SmemBytes =
    kV6Stages * kV6StageBytes + kV6Bufs * kV6StagingBytes + kV6Barriers * 8 + 1024;  // + alignment

struct V6Geometry {
  int Cin, Cout, H;
  int units;            // Cin / kV6UnitCi: the kernel's kUnits (the launcher picks the instance)
  int n_tiles;          // Cout / 32
  int blocks_per_tile;  // the grid is n_tiles × blocks_per_tile
  int items;            // per n-tile: N · (H + 1)
  bool has_bias;
  float add_value, multiply_value;
};

// True when fused_v6_swap computes s (and fits smem_optin bytes of shared memory); otherwise false and *why_not
// names the field at fault.
bool v6_supports(const KernelShape& s, int smem_optin, const char** why_not);
// The geometry for a device with `multiprocessors` SMs (one block each). Requires v6_supports(s).
V6Geometry make_v6_geometry(const KernelShape& s, int multiprocessors);

// The chunk of an n-tile's items that starts at item `first` (a multiple of chunk_items): [first, last).
struct V6Range {
  int first, last;
};
GATE_V6_HD inline V6Range v6_chunk_from(int first, int chunk_items, int items) {
  return {first, first + chunk_items < items ? first + chunk_items : items};
}

// Whether item i (q-row qh) of a chunk takes a carried tail in (the chunk's item before it is q-row qh − 1 of the same
// image) and carries its own out (the chunk's next item is q-row qh + 1 of the same image). qrows = H + 1.
struct V6Carry {
  bool in, out;
};
GATE_V6_HD inline V6Carry v6_item_carry(int i, int qh, V6Range chunk, int qrows) {
  return {i > chunk.first && qh > 0, i + 1 < chunk.last && qh + 1 < qrows};
}

// A run in the storer's coordinates: byte t of a run whose first byte lies a bytes into a 32-byte sector (a = 0, 8, 16
// or 24: y's addresses are 8-byte aligned) is y's byte sector(run) + t, so the run is t = [a, a + kV6RunBytes), and
// t = [0, a) is the end of the run before it in the plane. The storer writes [begin, end): with carry_in from 0 (the
// slot holds the previous run's last a bytes in front, copied there by the storer), without from the run's own first
// byte; with carry_out to the last sector boundary inside the run (the rest goes into the next item's slot), without
// to the run's end.
struct V6Span {
  int begin, end;
};
GATE_V6_HD inline V6Span v6_run_store_span(int a, bool carry_in, bool carry_out) {
  const int run_end = a + kV6RunBytes;
  return {carry_in ? 0 : a, carry_out ? run_end / 32 * 32 : run_end};
}
// The bytes a run carries out (t from span.end to the run's end): (a + kV6RunBytes) mod 32, the next run's a.
GATE_V6_HD inline int v6_carry_bytes(int a) { return (a + kV6RunBytes) % 32; }
// Where byte t of a run with sector offset a sits in its slot: 16-byte aligned as in y (the run's first byte at
// 32 + (a mod 16)), from 16 to kV6SlotBytes.
GATE_V6_HD inline int v6_slot_offset(int t, int a) { return 32 - (a & 16) + t; }

// The storer writes a span as the 16-byte chunks t = [16j, 16j + 16) (j < kV6ChunksPerRun) that lie inside it — run r's
// chunk j from lane j for j < 32, chunks 32 and 33 from lanes 2r and 2r + 1, so that a sector's two chunks go out in
// one instruction — and the 8-byte pieces that its ends leave when they are not 16-byte aligned (v6_head_piece,
// v6_tail_piece: a span is never shorter than 16 bytes, so they never overlap).
GATE_V6_HD inline bool v6_whole_chunk(int j, V6Span s) { return 16 * j >= s.begin && 16 * j + 16 <= s.end; }
GATE_V6_HD inline bool v6_head_piece(V6Span s) { return s.begin % 16 != 0; }  // 8 bytes at s.begin
GATE_V6_HD inline bool v6_tail_piece(V6Span s) { return s.end % 16 != 0; }    // 8 bytes at s.end − 8

}  // namespace gate::gpu
