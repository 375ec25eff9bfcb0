// The geometry of fused_v4_wgmma (the stride-2, k=4 fast path on Hopper), computed on the host from a KernelShape.
// v4 uses v3's phase-GEMM (fused_v3_geometry.hpp: q-pixels (qh, qw), qh < QH = H + 1, qw <= W, 8 input channels per
// K-chunk, the four taps (th, tw) reading x[qh − th][qw − tw]) with its own tiling: a block is independent warpgroups
// (two), each computing 64-pixel items (64 q-pixels × its n-tile's columns: 4 phases × 32 channels, one wgmma m64n128
// tile, or for 3xTF32 2 phases × 32 channels) from its own window stages, while the packed weights of the block's
// n-tile stay in shared memory for the whole kernel (persistent grid: each warpgroup walks a strided list of (image,
// item) pairs of one n-tile).
// Items come in two kinds, so that a window holds little beyond what its item reads (bench/NOTES.md §11):
//   row items   64 q-pixels of one q-row, q-columns qw0 .. qw0 + 63 (qw0 a multiple of 64; those >= W are not stored):
//               a window of the two input rows qh0 − 1, qh0, columns qw0 − lead .. qw0 + 63 (lead = 16 bytes of
//               elements), pitch 68 (float32) or 72 (16-bit) elements;
//   col items   the last q-column W, which a q-row's 64-column segments leave out: 16 q-rows qh0 .. qh0 + 15 × the
//               q-columns W − 2 .. W + 1, of which only W is stored (the others are row items' or beyond the output;
//               four columns keep the 16-bit fragments' pixel pairs and make the window no larger than a row item's
//               for float32); a window of input rows qh0 − 1 .. qh0 + 15, columns W − lead .. W + lead − 1.
// Whole rows (every flavour, W = 64, the seed workload): no col items. The flavours accumulate the k-steps of the
// taps tw = 0 and tw = 1 in two register sets (V4Config::split_tw), and a q-row's first and last q-pixels each need
// only one of them: q-column 0's tw = 1 inputs are x[−1] = 0 and q-column W's tw = 0 inputs x[W] = 0. So item row 0
// is both: its tw = 0 steps read q-column 0 and its tw = 1 steps read x[W − 1] (inside the window when W = 64), and
// in the epilogue the tw = 0 set's row 0 is q-column 0, the tw = 1 set's row 0 is q-column W, the other rows the sum.
// A row item then computes all 65 q-pixels of its q-row in one wgmma tile and writes its two output rows whole, 1,040
// contiguous bytes per plane: the col items' 8 bytes per output row completed 32-byte sectors that the row items had
// left partly written, and partly written sectors are slow at the DRAM (bench/NOTES.md §12a: the write pattern alone
// 0.60 ms against 0.84 with col items). The sectors that q-row boundaries split (half the planes) remain.
#pragma once

#include <cstdint>

#include "gpu/fast_divide.hpp"
#include "gpu/fused_v3_geometry.hpp"
#include "gpu/kernel_shape.hpp"

namespace gate::gpu {

inline constexpr int kV4ItemM = 64;           // q-pixels per item (one wgmma M); a row item's q-columns
inline constexpr int kV4ColItemRows = 16;     // q-rows per col item (four q-columns each)
inline constexpr int kV4BStrideBytes = 256;   // descriptor SBO: next 8 columns (one 32-byte-swizzle atom along N)

// What distinguishes the flavours on the host side (the kernel reads the same constants from its Flavor):
//   elem_bytes  4 (float32 storage) or 2 (float16, bfloat16)
//   unit_ci     input channels per pipeline unit (one TMA box, one wgmma group)
//   stages      window stages per warpgroup
//   n_cols      wgmma N of a block: 128 = 4 phases × 32 output channels, or 64 = the 2 phases (rh, 0), (rh, 1) of one rh
//   b_copies    packed weight arrays in shared memory: 1, or 2 for the fp32 contract (the TF32 big part, then the
//               small parts: TF32, or the bfloat16 pairs of FlavorV4Tf32Bf16Pairs, the same bytes)
//   warpgroups  computing warpgroups per block (128 threads each), each with its own items and window stages; the block
//               has one more, the producer, whose warp w issues warpgroup w's window loads (fused_v4_wgmma.cuh)
//   half_buffers  A fragments double-buffered per half-unit (8 channels: two wgmma groups a unit, half the fragment
//               registers) rather than per unit (one group a unit)
//   staged_stores  a staging buffer per warpgroup, which the producer's storer warp sends to y (fused_v4_wgmma.cuh):
//               TF32's whole-row items (float32, n_cols 128 with split_tw) by TMA stores (v4_out_slot); the other
//               flavours' whole rows at W = 64 (3xTF32's of one parity as rows, v4_row_slot; 16-bit's two rows of
//               a channel as one run, v4_run_slot) by plain stores (they start 4 or 8 bytes off a 16-byte boundary,
//               and a TMA store must start on one, bench/NOTES.md §14). Without it, or for other items, an item
//               stores from its registers
//   split_tw    the tw = 0 and tw = 1 k-steps accumulate in two register sets, so that row items own whole rows when
//               W = 64 (see above); every flavour (a 16-bit k-step is 8 channels × th = 0, 1 of one tw)
// Chosen by measurement on the H100 (bench/NOTES.md §7c, §8c, §10, §11, §12): TF32 units of 8 channels in 4 stages,
// whole rows, one staging buffer (0.88–0.91 ms on the seed workload against 1.02–1.04 with col items; three stages
// cost ~0.13 ms, 8 × 6 1.28–1.32, 8 × 8 1.28; the buffer fills the SM's shared memory to 231,680 of 232,448 bytes),
// 16-bit units of 8 channels in 3 stages storing from the registers (then two blocks per SM; 0.63–0.65 ms, 8 × 4 0.71,
// 8 × 5 0.76–0.78; with a staging buffer, which leaves one block per SM, 0.95), 3xTF32 units of 16 channels in 3
// stages with half-unit buffers, storing from the registers, col items (1.62–1.69 ms; split into whole rows
// 1.67–1.68, its second accumulator set 253 registers against 203; with a staging buffer 1.76–1.77; units of 8 1.88
// on the H200). On the earlier items (64 consecutive q-pixels of a pitched grid) the H200 preferred 16 × 3 for TF32
// (0.76 ms against 0.87) and 16-bit (0.47 against 0.50); the H100 is the card the targets are set on, so its choice
// stands. Every float32 configuration keeps one block per SM (128 KB of weights); three TF32 warpgroups per block
// measured 1.45 ms against two's 1.15 (8 × 4 each). 3xTF32 needs both weight parts resident, 2 × 128 KB at n_cols
// 128, more than the 227 KB of an SM: it halves the block's columns instead (2 × 64 KB) and reads each input window
// twice as often (bench/NOTES.md §8b). Since the producer warpgroup (bench/NOTES.md §13) every flavour runs one block
// per SM (the computing warpgroups take the registers the producer gives back); 16-bit with two computing warpgroups
// (H200: 0.472–0.483 ms against 0.528–0.531 with three; with three, 8 × 4 0.545–0.550 and 16 × 3 with half-unit
// buffers 0.552–0.560; with two on the H100, 8 × 3 0.52–0.55 against 8 × 4 0.54–0.56, 8 × 2 0.57–0.59, 16 × 3
// 0.60–0.61), 3xTF32 16 × 4 no better than 16 × 3 (1.56–1.58 against 1.49–1.58). Since the storer warp also sends
// 16-bit and 3xTF32 row items (bench/NOTES.md §14, H100): 16-bit 8 × 3 with two buffers per warpgroup 0.457–0.463
// against 8 × 2 0.51–0.52, 8 × 4 0.47–0.49, 8 × 5 0.48, 8 × 8 0.58, three buffers no better; TF32 8 × 3 and 16 × 2
// within 2% of 8 × 4. 3xTF32 with whole rows (split_tw: its two accumulator sets are the tw chains instead of the big
// and small products; bench/NOTES.md §16): 1.24–1.33 ms against 1.31–1.44 with col items, units of 8 × 6 and the
// tw chains' products interleaved no better. 16-bit with whole rows (k-steps of one tw, bench/NOTES.md §17): f16 0.454
// against 0.467 ms with col items, bf16 0.452 against 0.463 (8 × 3); two column tiles a block and two storer warps a
// warpgroup, both slower or the same (§17e). With whole rows deeper stages help 16-bit where they had not: 8 × 5
// 0.410–0.411 ms, 8 × 4 0.415–0.417 (one, two or three staging buffers alike), 8 × 8 0.416, against 8 × 3's 0.453;
// and units of 16 more: 16 × 3 0.390–0.393 (one, two or three buffers alike; half-unit buffers 0.399–0.401), 16 × 2
// 0.407, 16 × 4 0.414. So 16-bit v4 takes Cin in multiples of 16 (v3 serves the others). Units of 32 with half-unit
// buffers (H200): 32 × 2 0.388 against 16 × 3's 0.383. The next item's first unit loaded during an item's last group
// (prefetch_first, H200): f16 0.360 against 0.370 ms, bf16 0.358 against 0.370; TF32 0.576 against 0.569, and 0.553
// against 0.550 with constant strides, so not there (bench/NOTES.md §18).
struct V4Config {
  int elem_bytes, unit_ci, stages, n_cols, b_copies, warpgroups;
  bool half_buffers = false;
  bool staged_stores = false;
  bool split_tw = false;
  int staging_buffers = 1;  // with staged_stores: buffers per warpgroup, taken in turn (the storer may lag one item)
  bool prefetch_first = false;  // an item's first unit loaded during the item before's last group (fused_v4_wgmma.cuh)
  bool prefetch_x = false;  // x's images fetched into L2 in one burst a round of items ahead (V4Geometry::x_ahead)
};
inline constexpr V4Config kV4ConfigTf32{4, 8, 4, 128, 1, 2, false, true, true, 1, false, true};
inline constexpr V4Config kV4Config16Bit{2, 16, 3, 128, 1, 2, false, true, true, 2, true};
inline constexpr V4Config kV4Config3xTf32{4, 16, 3, 64, 2, 2, true, true, true};
// The fp32 contract's flavour with bfloat16 small products (FlavorV4Tf32Bf16Pairs, same V4Config) from this many input
// channels: n = 4·Cin products an output (stride 2, kernel 4) reach kBf16PairsMinTerms.
inline constexpr int kV4PairsMinCin = kBf16PairsMinTerms / 4;
#ifdef __CUDACC__
#define GATE_V4_HD __host__ __device__
#else
#define GATE_V4_HD
#endif
// Whole-rows items sent by TMA stores: float32 at n_cols 128 (both row parities in the block; staged as boxes,
// v4_out_slot). At n_cols 64 (3xTF32) a whole-rows item's one output row per channel starts 8 bytes off a 16-byte
// boundary on odd rows, which a TMA store cannot start at (bench/NOTES.md §14a): it is staged as a row
// (v4_row_slot, 130 outputs within the 528-byte pitch) and copied by the storer warp; so are 16-bit's whole rows (both
// parities, one 520-byte run a channel starting 8-byte aligned, v4_run_slot).
GATE_V4_HD constexpr bool v4_tma_stores(const V4Config& c) {
  return c.split_tw && c.n_cols == 128 && c.elem_bytes == 4;
}
// Threads per block: the computing warpgroups and the producer warpgroup that loads their windows (fused_v4_wgmma.cuh).
GATE_V4_HD constexpr int v4_threads(const V4Config& c) { return 128 * (c.warpgroups + 1); }

// Output channel (of the n-tile's 32) of accumulator group c8 = t mod 8 in lane quad cl: 8·(c8 / 2) + 2·cl + c8 mod 2.
// So the four lane quads of one group hold channels ≡ 0, 2, 4, 6 (mod 8) (or 1, 3, 5, 7), one parity, in rows 2 apart
// of a 128-byte swizzled staging box (v4_out_slot), which put the same outputs in four different 32-byte bank groups:
// the staging writes of a half-warp (4 channels × 32 bytes) are conflict-free. (Channels 4·c8 + cl, the earlier
// order, had all four in one bank group: 4-way conflicts, 8 wavefronts per staging write instead of 2, 30% of the
// kernel's shared wavefronts; ncu, H100, bench/NOTES.md §13.) Channel c8 + 1 is 1 further when c8 is even and 7 when
// odd.
GATE_V4_HD constexpr int v4_channel(int c8, int cl) { return 8 * (c8 >> 1) + 2 * cl + (c8 & 1); }

// Column n of a block's wgmma tile (n < n_cols): rw = n mod 2, lane quad c = (n / 2) mod 4, group t = n / 8; the output
// channel v4_channel(t mod 8, c) of the n-tile's 32, row parity rh = t / 8 (n_cols 128) or the block's own (n_cols 64).
// So a thread's accumulator pair (columns 8t + 2c, 8t + 2c + 1: consecutive registers) is the (rw = 0, rw = 1) pair of
// one output row. The pack kernel places weights by it, the stores and the bias read by it
// (tests/gpu/fused_v4_geometry_test).
struct V4Column {
  int rw, rh_local, co_local;
};
GATE_V4_HD constexpr V4Column v4_column(int n) {
  const int t = n >> 3;
  return {n & 1, t >> 3, v4_channel(t & 7, (n >> 1) & 3)};
}
// Where the bias of channel co_local (of the n-tile's 32) sits in shared memory: lane quad cl's eight channels
// v4_channel(c8, cl) (c8 < 8) contiguous at 8·cl, so that a lane reads its bias as two 16-byte loads.
GATE_V4_HD constexpr int v4_bias_slot(int co_local) {
  return 8 * ((co_local >> 1) & 3) + 2 * (co_local >> 3) + (co_local & 1);
}

// One k-step of one packed weight array: n_cols columns × 32 bytes of K.
GATE_V4_HD constexpr int v4_b_step_bytes(const V4Config& c) { return c.n_cols * 32; }

// One kind of item's window stage: a TMA box of `pitch` columns × `rows` input rows × unit_ci channels.
struct V4Box {
  int pitch;      // elements per row: the box width, a multiple of 16 bytes
  int rows;       // input rows
  int a_ld;       // elements per channel in a stage: rows · pitch
  int box_bytes;  // bytes one TMA box writes: unit_ci · a_ld · elem
};

struct V4Geometry {
  V3Geometry w;       // problem sizes, QH, n_tiles, chunks, epilogue constants (its WP and tile fields are v3's, unused)
  int lead;           // a window starts `lead` columns before the item's first q-column: 16 bytes of elements
  int segs;           // row items per q-row: ceil(W / 64)
  bool whole_rows;    // row items own whole output rows, no col items: split_tw and W = 64 (see above)
  bool staged;        // staged_stores, and the items it serves exist: whole rows (split_tw at W = 64), or a
                      // configuration's row items at W = 64 without split_tw (their col items store from registers)
  int row_items;      // row items per image: QH · segs
  int m_tiles;        // items per image: row_items + ceil(QH / 16) col items (none with whole rows), in groups
  int group_items;    // items per group: the row items of 16 q-rows, then (without whole rows) their col item
  V4Box row_box, col_box;
  int n_tiles;        // the blocks' column tiles: (Cout / 32) × (128 / n_cols); tile t is channels 32·(t / splits)..
                      // and, for n_cols 64, the output row parity rh = t % splits (splits = 128 / n_cols)
  int k_steps;        // wgmma k-steps per n-tile: chunks × 4 taps (TF32, k8) or chunks × 2 tap rows (16-bit, k16)
  int b_bytes;        // packed weights of one n-tile in shared memory: b_copies × k_steps × v4_b_step_bytes
  int stage_bytes;    // one window stage: the larger box, rounded up to 128 bytes
  int units;          // pipeline units per item: Cin / unit_ci
  int bias_offset;    // the n-tile's 32 bias values (floats) in shared memory, after the stages' mbarriers
  int store_bar_offset; // after the bias: per warpgroup and staging buffer the mbarriers staged (its 4 warps have
                      // written the buffer) and free (the storer has read it), all staged ones, then all free ones
  int staging_offset; // the warpgroups' output staging buffers (staging_bytes each, one per warpgroup if staged),
  int staging_bytes;  // after the bias: whole rows a row item's 32 channels × 256 outputs (v4_out_slot), 1 KB-aligned
                      // (the swizzle); otherwise its output rows at v4_row_pitch (v4_row_slot), 128-byte aligned
  int w_side_offset;  // after the store barriers, 16-byte aligned: with whole rows (staged) per warpgroup and staging
                      // buffer v4_w_side_bytes for q-column W's raw sums (v4_w_to_side, stage_w_raw)
  int smem_bytes;     // staging_offset + warpgroups × staging_bytes (if staged)
  int items;          // (image, item) pairs: N × m_tiles
  int warpgroups;     // computing warpgroups per block (V4Config::warpgroups)
  int ctas_per_tile;  // regular blocks per n-tile: ctas_per_tile × n_tiles of them, each with one n-tile
  int pairs;          // an n-tile's pairs of consecutive items: ceil(items / 2)
  int pairs_main;     // the regular blocks take an n-tile's pairs [0, pairs_main), the extra blocks the rest
  int extra_ctas;     // extra blocks, after the regular ones: each takes the tail pairs of tiles_per_extra n-tiles,
  int tiles_per_extra;  // one n-tile after the other (see v4_run); the grid is ctas_per_tile × n_tiles + extra_ctas
  int x_ahead;        // prefetch_x: the warpgroup that starts an image's first row item has x of image + x_ahead
                      // fetched into L2 in one burst, x_ahead = the images one round of an n-tile's warpgroups covers
                      // (a pair of items each), at least 1; 0 without prefetch_x, or where those images would
                      // not fit L2 (v4_fit_x_prefetch, at launch). x's first reads from the DRAM then come as 1 MB
                      // bursts between y's writes instead of one window's rows at a time
                      // (bench/NOTES.md §26f: TF32 −3% on the H100; 16-bit no faster, so not there)
  FastDivide by_m_tiles, by_group, by_segs;  // item → (image, item of the image) → (group, item of the group) →
                                             // (q-row, segment), no division
};

// An item: its image, kind, and first q-pixel (row item: (qh0, qw0); col item: (qh0, W)). An image's items come in
// groups of 16 q-rows: their row items (q-row by q-row, segment fastest), then the col item of the same q-rows, so
// that the col item runs beside those row items (the warpgroups working at one time take consecutive items). Each
// output row's last 8 bytes (16-bit: 4) come from the col item and share a 32-byte sector with the row item's bytes:
// written while the row item's part is still in L2, the sector reaches the DRAM whole, not as a read-modify-write
// (bench/NOTES.md §11d).
struct V4Item {
  int img;
  bool col;
  int qh0, qw0;
};
GATE_V4_HD inline V4Item v4_item(const V4Geometry& G, int item) {
  const int img = G.by_m_tiles.div(item), t = G.by_m_tiles.mod(item, img);
  const int group = G.by_group.div(t), r = G.by_group.mod(t, group), qh0 = group * kV4ColItemRows;
  const int rows = G.w.QH - qh0 < kV4ColItemRows ? G.w.QH - qh0 : kV4ColItemRows;  // the last group's may be fewer
  if (r >= rows * G.segs) return {img, true, qh0, G.w.W};
  const int q = G.by_segs.div(r);
  return {img, false, qh0 + q, G.by_segs.mod(r, q) * kV4ItemM};
}

// The items of one warpgroup: warpgroup w of an n-tile's n_wg takes the pairs of consecutive items first_pair,
// first_pair + n_wg, ... below pair_end: pair p is items 2p and 2p + 1 (the last alone when the count is odd), so that
// a warpgroup's two items of a pair are neighbouring q-rows, whose shared 32-byte sectors it writes back to back, and
// the pairs in flight at one time stay within about two images (each warpgroup taking whole images measured 5% slower
// for TF32 and 40% for 16-bit; pairs against single items: 16-bit −4%, TF32 the same, bench/NOTES.md §12e).
// v4_pair_items: how many; v4_wg_next_item: the item after `item` in the sequence that starts at 2·first_pair.
GATE_V4_HD inline int v4_pair_items(const V4Geometry& G, int first_pair, int n_wg, int pair_end) {
  if (first_pair >= pair_end) return 0;
  const int mine = (pair_end - first_pair + n_wg - 1) / n_wg, last = first_pair + (mine - 1) * n_wg;
  return 2 * mine - (2 * last + 1 < G.items ? 0 : 1);
}
GATE_V4_HD constexpr int v4_wg_next_item(int item, int n_wg) { return (item & 1) == 0 ? item + 1 : item - 1 + 2 * n_wg; }

// The grid's work. The block holds one n-tile's weights at a time (128 KB for the float32 flavours), and the n-tiles
// rarely divide the SMs: 3xTF32's 8 n-tiles took 128 of the H100's 132 SMs, 3% of the card idle. So the blocks are
// ctas_per_tile × n_tiles regular ones — block b holds n-tile b mod n_tiles for the whole kernel, its warpgroup w is
// the n-tile's warpgroup b / n_tiles + w·ctas_per_tile of n_wg = warpgroups × ctas_per_tile, striding over the
// pairs [0, pairs_main) — and extra_ctas extra ones: extra block e takes the tail pairs [pairs_main, pairs) of the
// n-tiles e·tiles_per_extra + r, run r = 0, 1, ... one after the other, its warpgroups striding over them (n_wg =
// warpgroups), its weights reloaded between runs. The tail is as long as makes a regular warpgroup's pairs and an
// extra one's equal (make_v4_geometry). A run: the n-tile, and the warpgroup's items in it.
struct V4Run {
  int n_tile;
  int first_item;  // 2 · the first pair
  int n_wg;        // the pair stride (v4_wg_next_item)
  int items;       // how many (v4_pair_items)
};
GATE_V4_HD inline int v4_block_runs(const V4Geometry& G, int block) {
  return block < G.ctas_per_tile * G.n_tiles ? 1 : G.tiles_per_extra;
}
GATE_V4_HD inline V4Run v4_run(const V4Geometry& G, int block, int wg, int run) {
  const int regular = G.ctas_per_tile * G.n_tiles;
  if (block < regular) {
    const int n_wg = G.warpgroups * G.ctas_per_tile, w = block / G.n_tiles + wg * G.ctas_per_tile;
    return {block % G.n_tiles, 2 * w, n_wg, v4_pair_items(G, w, n_wg, G.pairs_main)};
  }
  const int w = G.pairs_main + wg;
  return {(block - regular) * G.tiles_per_extra + run, 2 * w, G.warpgroups,
          v4_pair_items(G, w, G.warpgroups, G.pairs)};
}

// The image whose x the producer of `it` fetches into L2 (V4Geometry::x_ahead), or −1: image it.img + x_ahead when `it`
// is its image's first row item in n-tile 0 (every image from x_ahead on once a launch), and that image exists.
GATE_V4_HD inline int v4_prefetch_image(const V4Geometry& G, const V4Item& it, int n_tile) {
  if (G.x_ahead == 0 || n_tile != 0 || it.col || it.qh0 != 0 || it.qw0 != 0) return -1;
  return it.img + G.x_ahead < G.w.N ? it.img + G.x_ahead : -1;
}

// Item pixel m (0 <= m < 64, the wgmma row): its q-pixel, and whether this item stores it (a real q-pixel that no
// other item stores). Row item: (qh0, qw0 + m). Col item: (qh0 + m / 4, W − 2 + m mod 4), stored for m mod 4 = 2 only.
// with_w: row 0 of a whole-rows item, whose tw = 1 accumulators are q-pixel (qh0, W) (see above).
struct V4Pixel {
  int qh, qw;
  bool stored;
  bool with_w;
};
GATE_V4_HD inline V4Pixel v4_pixel(const V4Geometry& G, const V4Item& it, int m) {
  if (!it.col) return {it.qh0, it.qw0 + m, it.qw0 + m < G.w.W, G.whole_rows && m == 0};
  const int qh = it.qh0 + (m >> 2);
  return {qh, G.w.W - 2 + (m & 3), (m & 3) == 2 && qh < G.w.QH, false};
}

GATE_V4_HD inline V4Box v4_box(const V4Geometry& G, const V4Item& it) { return it.col ? G.col_box : G.row_box; }

// Where pixel m's tap (th, tw) element of channel 0 sits in its stage: v4_a_base(m) + (1 − th)·pitch − tw (elements).
// Row item: column qw0 + m − tw of the box starting at qw0 − lead, row qh0 − th of the box starting at qh0 − 1. Col item:
// column W − 2 + m mod 4 − tw of the box starting at W − lead, row qh0 + m / 4 − th.
GATE_V4_HD inline int v4_a_base(const V4Geometry& G, const V4Item& it, int m) {
  if (!it.col) return m + G.lead;
  return (m >> 2) * G.col_box.pitch + (m & 3) - 2 + G.lead;
}
// The column shift of pixel m's tw = 1 taps from its tw = 0 taps: −1, except row 0 of a whole-rows
// item, whose tw = 1 steps read x[W − 1] for q-column W (W − 1 columns right of its tw = 0 element, x[0]).
GATE_V4_HD inline int v4_tw1_shift(const V4Geometry& G, int m) { return G.whole_rows && m == 0 ? G.w.W - 1 : -1; }

// q-column W's raw sums for the storer warp (whole rows, v4_w_to_side): warp 0's four row-0 lanes (lane quad cl) write
// their groups' (rw 0, rw 1) pairs at v4_w_side_slot(cl, t), the quads 136 bytes apart so that the four lanes' 8-byte
// writes fall in different banks; the storer's lane L reads groups L mod 8 + 8q of quad L / 8 (v4_w_from_side).
inline constexpr int kV4WSideQuadBytes = 136;
inline constexpr int kV4WSideBytes = 4 * kV4WSideQuadBytes;
GATE_V4_HD constexpr int v4_w_side_slot(int cl, int t) { return cl * kV4WSideQuadBytes + 8 * t; }
// TF32's boxes (v4_tma_stores) hand over only row 1's pairs this way, 8 bytes per channel (row 0's go where their
// outputs are staged: FlavorV4Float32::stage_w_raw); the four writing lanes' channels 2 apart, so in different banks.
inline constexpr int kV4WRow1Bytes = 32 * 8;
GATE_V4_HD constexpr int v4_w_row1_slot(int ch) { return 8 * ch; }
GATE_V4_HD constexpr int v4_w_side_bytes(const V4Config& c) { return v4_tma_stores(c) ? kV4WRow1Bytes : kV4WSideBytes; }

// A shift per channel parity: the even channels', the odd channels' (a block's 32 channels start on an even one).
struct V4ParityShift {
  int even, odd;
  GATE_V4_HD constexpr int of(int ch) const { return (ch & 1) != 0 ? odd : even; }
};

// A whole-rows item's outputs (float32, n_cols 128) leave by TMA stores (fused_v4_wgmma.cuh): its 32 channels × the
// two output rows of its q-row, 2·Wout = 260 outputs contiguous in each plane, which starts 0 or 16 bytes off a
// 32-byte sector (planes are 16(H + 1)(W + 1) bytes, a row pair 16(W + 1): the offset flips with the q-row, and with
// the plane where H is even). A box whose 128-byte rows start mid-sector leaves a partial sector at every row's ends
// for the next box to complete; so each channel's 256 staged outputs start `shift` = 4 outputs in where its run
// starts mid-sector (its first four, which complete the sector the q-row before began, are stored from the
// registers), else at 0 (its last four stored from the registers), and every box row covers whole sectors. The shift
// is the same for all channels of one parity, so each parity's 16 planes are their own boxes: 8 boxes [16 planes][32
// outputs] per parity (box b: outputs shift + 32b .. + 31), each box row 128 bytes in the TMA's 128-byte swizzle (its
// 16-byte piece k at piece k ^ (its row mod 8)), box (b, parity r) at byte 4096·b + 2048·r of the buffer. Channel
// ch = 8k + 2cl + r (k = ch / 8, cl = ch / 2 mod 4: v4_channel's group and lane quad) sits in box row
// (k mod 2) + 2·cl + 8·(k / 2), so that the four lane quads' channels of one staging write fall in rows 2 apart mod 8:
// four different 32-byte bank groups (rows in plane order put them 1 apart: 2-way conflicts). y is seen by a 5-D map
// [N·Cout / 16][4 (cl)][2 (k mod 2)][2 (r)][plane] whose dimensions are listed with k mod 2 inside cl, so that a
// box's rows come in that order. With y's TMA stores in whole sectors the stores alone (no computing work, a bound)
// took 0.373 ms instead of 0.682, the kernel 0.616 instead of 0.642 (H100, bench/NOTES.md §22); the lanes' 8-byte
// staging writes stay conflict-free (tests/gpu/fused_v4_geometry_test). (Staging all 260 outputs would take 1 KB more
// shared memory per block, which the fourth window stage needs: three stages measured 1.14–1.16 ms against 1.02.)
// v4_out_slot: where (in floats) output `at` of channel ch's row pair (row parity rh's output j at rh·Wout + j) is
// staged, its channel's runs shifted by `shift` (0 or 4), or −1 for the four stored directly.
inline constexpr int kV4OutBoxWidth = 32;  // outputs per box row: 128 bytes, the span of the 128-byte swizzle
inline constexpr int kV4OutBoxes = 8;      // boxes per item and parity: 256 outputs per channel
inline constexpr int kV4OutParityRows = kV3CoutPerBlock / 2;  // a parity's box rows: 16 planes
// v4_out_slot_any: the same without the range test, branch-free: equal to v4_out_slot wherever that is not −1
// (elsewhere a value never used), so that stage_item can compute a lane's slots under both shifts once, outside the
// item loop.
static_assert(kV4OutBoxWidth == 32, "a box row: 32 outputs (the shifts and masks below)");
GATE_V4_HD constexpr int v4_out_slot_any(int at, int ch, int shift) {
  const int staged = at - shift, box = staged >> 5, col = staged & 31;
  const int k = ch >> 3, cl = (ch >> 1) & 3;
  const int row = (2 * box + (ch & 1)) * kV4OutParityRows + (k & 1) + 2 * cl + 8 * (k >> 1);
  return row * kV4OutBoxWidth + ((((col >> 2) ^ row) & 7) << 2) + (col & 3);
}
// q-column W's row-0 output (128) of channel v4_channel(t, cl), in bytes from channel v4_channel(0, cl)'s under the same
// shift: the same for every lane quad cl (tests/gpu/fused_v4_geometry_test.cpp), so FlavorV4Float32::stage_w_raw
// writes at immediate offsets from one base per shift.
GATE_V4_HD constexpr int v4_w_raw_offset(int t, int shift) {
  return 4 * (v4_out_slot_any(2 * kV4ItemM, v4_channel(t, 0), shift) -
              v4_out_slot_any(2 * kV4ItemM, v4_channel(0, 0), shift));
}
GATE_V4_HD constexpr int v4_out_slot(int at, int ch, int shift) {
  const int staged = at - shift;
  return staged < 0 || staged >= kV4OutBoxes * kV4OutBoxWidth ? -1 : v4_out_slot_any(at, ch, shift);
}
// The shift (outputs) of a channel's staged outputs whose run starts at byte address `run` of y: 4 where it starts
// 16 bytes into a sector.
GATE_V4_HD constexpr int v4_out_shift(uintptr_t run) { return (run & 16) != 0 ? 4 : 0; }
// The same for the even and odd channels, channel 0's run at y address run0 (planes of plane_bytes).
GATE_V4_HD constexpr V4ParityShift v4_out_shifts(uintptr_t run0, int64_t plane_bytes) {
  return {v4_out_shift(run0), v4_out_shift(run0 + uintptr_t(plane_bytes))};
}

// A row item's staged outputs without TMA stores (W = 64; 16-bit at n_cols 128, 3xTF32 at n_cols 64): its 32 channels
// × its block's output rows (h = the row parity at n_cols 128, 0 at n_cols 64) × the 128 outputs of its q-columns, row
// (h, ch) at byte v4_row_slot(ch, h, elem), output o at o·elem in it (3xTF32's whole rows: 130 outputs from byte
// row_shift, fused_v4_wgmma.cuh, within the pitch). The pitch, 128·elem + 16 bytes (272 or 528), puts
// the rows of channels 2 apart 32 bytes apart in the banks, so that a half-warp's staging writes (lane quads cl =
// channels v4_channel(c8, cl), 2 apart; lanes g = pixels 2g and 2g + 1, or g (and g + 8): 8 bytes) fall in 32 distinct
// banks; the producer's storer warp reads a row as 32 lanes × 4·elem bytes and stores it with the widest stores its
// alignment in y allows.
GATE_V4_HD constexpr int v4_row_pitch(int elem) { return 2 * kV4ItemM * elem + 16; }
// A row item's window row: 16 bytes of lead (the tw = 1 taps' column −1, and a 16-byte-aligned box) + 64 columns, in
// elements (68 float32, 72 16-bit); its box holds 2 input rows (make_v4_geometry).
GATE_V4_HD constexpr int v4_row_box_pitch(int elem) { return kV4ItemM + 16 / elem; }
GATE_V4_HD constexpr int v4_row_slot(int ch, int h, int elem) { return (h * kV3CoutPerBlock + ch) * v4_row_pitch(elem); }

// 16-bit whole rows (n_cols 128, W = 64) are staged as runs instead: a row item's two output rows of one channel are
// 2·130 outputs, 520 contiguous bytes of y that start 0 or 8 bytes off a 16-byte boundary (with y 8-byte aligned:
// planes and q-rows are multiples of 8 bytes, and every other plane flips the offset when H is even). Channel ch's
// run is staged at byte v4_run_slot(ch) + its shift (0 or 8, the run's address in y mod 16: the same for all channels
// of one parity, V4ParityShift), output o of row h at run byte 260·h + 2·o, so that the storer warp sends each run as 32
// 16-byte stores, aligned in y and in the buffer alike, and one 8-byte piece. The rows' own stores (4- and 8-byte
// pieces, the two rows and the q-column W pairs each a pass apart) had left partial 32-byte sectors inside every run:
// with the computing warps' work taken out, those stores took 0.353 ms, runs 0.278 (bench/NOTES.md §22). The pitch,
// 528 bytes (≡ 16 mod 64), puts the runs of channels 2 apart 8 banks apart: the staging writes are conflict-free
// (FlavorV416Bit::stage_row_item; tests/gpu/fused_v4_geometry_test).
inline constexpr int kV4RunBytes = 2 * (2 * kV4ItemM + 2) * 2;  // 520
inline constexpr int kV4RunPitch = kV4RunBytes + 8;              // 528: the run at either shift
GATE_V4_HD constexpr int v4_run_slot(int ch) { return ch * kV4RunPitch; }
// The shift (bytes, 0 or 8) of the runs of even and odd channels, channel 0's at y address run0.
GATE_V4_HD constexpr V4ParityShift v4_run_shift(uintptr_t run0, int64_t plane_bytes) {
  return {int(run0 & 8), int((run0 + uintptr_t(plane_bytes)) & 8)};
}

// The TMA box's origin in x (column, input row) for an item.
struct V4BoxOrigin {
  int col, row;
};
GATE_V4_HD inline V4BoxOrigin v4_box_origin(const V4Geometry& G, const V4Item& it) {
  return {it.qw0 - G.lead, it.qh0 - 1};
}

// True when v4 computes s in configuration c on a device that offers smem_optin bytes of shared memory per block:
// v3's conditions, Cin a multiple of the unit, W·elem a multiple of 16 bytes (TMA row strides), and the n-tile's packed
// weights and the stages in shared memory. (The boxes' sizes do not depend on W or H: any width and height fit them.)
bool v4_supports(const KernelShape& s, const V4Config& c, int smem_optin, const char** why_not);
// The grid (ctas_per_tile, extra_ctas: see v4_run) from the number of blocks the device runs at once (multiprocessors
// × blocks per multiprocessor).
V4Geometry make_v4_geometry(const KernelShape& s, const V4Config& c, int resident_blocks);  // requires v3_supports(s)
// The x prefetch kept only where the images it holds at once (the one being read and the x_ahead fetched ahead) fit a
// quarter of the device's L2: larger ones would evict each other before their windows read them, beside y's writes.
void v4_fit_x_prefetch(V4Geometry& g, int elem_bytes, int64_t l2_bytes);

}  // namespace gate::gpu
