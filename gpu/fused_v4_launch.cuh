// The launcher shared by fused_v4_wgmma's per-flavour translation units: packs the weights into a stream-ordered
// scratch buffer (scratch_pool.hpp: b_copies · Cin·Cout·16 elements and 3xTF32's flag word, freed on the same stream
// after the launch), then runs the persistent main kernel with as many blocks as the device holds at once, x read
// through a TMA tensor map. Pointers not aligned for its accesses (x to 16 bytes for the TMA, y to an output pair) go
// to `fallback` (the v3 launcher of the same flavour; v2's for 3xTF32). A splitting flavour (3xTF32) has the pack
// kernel and the main kernel's loader warps test its operands for values outside its split (V4RangeScan) and queues
// `flagged` behind the kernel: it runs (and writes all of y) only if an operand was outside the split.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>

#include "gpu/cuda_check.cuh"
#include "gpu/fused_v4_wgmma.cuh"
#include "gpu/kernel_shape.hpp"
#include "gpu/per_device.hpp"
#include "gpu/scratch_pool.hpp"

namespace gate::gpu {

template <class Storage>
constexpr CUtensorMapDataType v4_tma_type() {
  if constexpr (std::is_same_v<Storage, StorageF32>) return CU_TENSOR_MAP_DATA_TYPE_FLOAT32;
  else if constexpr (std::is_same_v<Storage, StorageF16>) return CU_TENSOR_MAP_DATA_TYPE_FLOAT16;
  else return CU_TENSOR_MAP_DATA_TYPE_BFLOAT16;
}

using V3Launcher = void (*)(const KernelShape&, const void*, const void*, const void*, void*, CUstream_st*);
using FlaggedLauncher = void (*)(const KernelShape&, const void*, const void*, const void*, void*, CUstream_st*,
                                 const uint32_t* run_if_set);

template <class Flavor>
void launch_v4(const KernelShape& s, const void* x, const void* w, const void* bias, void* y, cudaStream_t stream,
               V3Launcher fallback, FlaggedLauncher flagged = nullptr) {
  using Bits = typename Flavor::Storage::Bits;
  constexpr int kElem = int(sizeof(Bits));
  // The geometry's sizes that do not depend on the grid (shared memory, staging); the launch's is made below.
  const V4Geometry sizes = make_v4_geometry(s, Flavor::kConfig, 1);
  // y's TMA stores (TF32's whole-rows items, staged; the kernel's kTmaStores path) need it 16-byte aligned too; 16-bit
  // whole rows 8-byte aligned (their runs' 16-byte stores, v4_run_slot); the other staged items leave by the storer's
  // plain stores, which take the widest its row's alignment allows.
  const bool tma_stores = v4_tma_stores(Flavor::kConfig) && sizes.staged;
  const uintptr_t y_align = tma_stores ? 16 : sizes.whole_rows && kElem == 2 ? 8 : 2 * kElem;
  if (reinterpret_cast<uintptr_t>(x) % 16 != 0 || reinterpret_cast<uintptr_t>(y) % y_align != 0) {
    return fallback(s, x, w, bias, y, stream);
  }
  // The host work first (per-device values kept: per_device.hpp; the tensor maps), then the launches back to back, so
  // that the GPU does not wait between the memset, the pack kernel and the main kernel for the host (bench/NOTES.md
  // §17: a launch timed alone waits through all of it).
  const int smem = sizes.smem_bytes;
  const auto kernel = sizes.whole_rows ? fused_v4_wgmma<Flavor, true> : fused_v4_wgmma<Flavor, false>;
  const int per_sm = resident_per_sm(kernel, v4_threads(Flavor::kConfig), smem);
  if (per_sm < 1) throw GpuError("fused_v4_wgmma: no block fits a multiprocessor (" + std::to_string(smem) + " bytes)");
  V4Geometry g = make_v4_geometry(s, Flavor::kConfig, device_multiprocessors() * per_sm);
  v4_fit_x_prefetch(g, kElem, device_l2_bytes());
  // x as a 3-D tensor [N·Cin][H][W]; one map per item kind, whose box is [unit channels][rows][pitch columns] (columns
  // outside [0, W) and rows outside [0, H) are the TMA's zero fill).
  const uint64_t dims[3] = {uint64_t(s.W), uint64_t(s.H), uint64_t(s.N) * s.Cin};
  const uint64_t strides[2] = {uint64_t(s.W) * kElem, uint64_t(s.H) * s.W * kElem};
  auto map = [&](const V4Box& b) {
    const uint32_t box[3] = {uint32_t(b.pitch), uint32_t(b.rows), uint32_t(Flavor::kConfig.unit_ci)};
    return make_tensor_map_3d(x, v4_tma_type<typename Flavor::Storage>(), dims, strides, box);
  };
  const CUtensorMap x_row_map = map(g.row_box), x_col_map = map(g.col_box);
  // y for the whole-rows items' stores (G.staged, float32): plane 16a + 8k1 + 2cl + r (Cout is a multiple of 32) as
  // [a][cl][k1][r][plane], listed innermost first as (plane, r, k1, cl, a) so that a box [2][4][2][1][32] (one parity's
  // 16 planes) takes its rows in v4_out_slot's order, in the 128-byte swizzle. Without them the kernel never reads the
  // map (and y may be only 4-byte aligned).
  const uint64_t plane = uint64_t(s.Hout) * s.Wout, plane_bytes = plane * kElem;
  const uint64_t y_dims[5] = {plane, 2, 2, 4, uint64_t(s.N) * s.Cout / 16};
  const uint64_t y_strides[4] = {plane_bytes, 8 * plane_bytes, 2 * plane_bytes, 16 * plane_bytes};
  const uint32_t y_box[5] = {uint32_t(kV4OutBoxWidth), 1, 2, 4, 2};
  const CUtensorMap y_map =
      tma_stores ? make_tensor_map_5d(y, v4_tma_type<typename Flavor::Storage>(), y_dims, y_strides, y_box,
                                    CU_TENSOR_MAP_SWIZZLE_128B)
               : CUtensorMap{};
  const int64_t pack_elems = int64_t(g.n_tiles) * g.b_bytes / kElem;
  void* packed = scratch_alloc_async(size_t(pack_elems) * kElem + (Flavor::kSplit ? 16 : 0), stream);
  // A splitting flavour's flag word after the packed weights; the others have none (nullptr, never read).
  uint32_t* outside_flag = nullptr;
  if constexpr (Flavor::kSplit) {
    outside_flag = reinterpret_cast<uint32_t*>(static_cast<unsigned char*>(packed) + pack_elems * kElem);
    GATE_CUDA_CHECK(cudaMemsetAsync(outside_flag, 0, sizeof(uint32_t), stream));
  }
  const int pack_blocks = int((pack_elems + 255) / 256 < 4096 ? (pack_elems + 255) / 256 : 4096);
  fused_v4_pack_weights<Flavor><<<pack_blocks, 256, 0, stream>>>(g.n_tiles, g.k_steps, s.Cout, static_cast<const Bits*>(w),
                                                                  static_cast<Bits*>(packed), outside_flag);
  GATE_CUDA_CHECK(cudaGetLastError());
  kernel<<<unsigned(g.ctas_per_tile * g.n_tiles + g.extra_ctas), v4_threads(Flavor::kConfig), g.smem_bytes, stream>>>(
      g, x_row_map, x_col_map, y_map, static_cast<const Bits*>(packed), static_cast<const Bits*>(bias),
      static_cast<Bits*>(y), x, outside_flag);
  GATE_CUDA_CHECK(cudaGetLastError());
  if constexpr (Flavor::kSplit) {
    if (flagged == nullptr) throw GpuError("fused_v4_wgmma: a splitting flavour needs its fallback");
    flagged(s, x, w, bias, y, stream, outside_flag);
  }
  scratch_free_async(packed, stream);
}

}  // namespace gate::gpu
