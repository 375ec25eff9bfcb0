// Hopper's tensor memory accelerator (TMA) and transaction barriers as fused_v4_wgmma uses them: one lane of a producer
// warp issues a 3-D box copy from global to shared memory (out-of-bounds elements are written as zeros), and the copy
// completes a phase of an mbarrier that the consumers wait on; and the other way, 3-D box stores from shared memory
// to global memory, tracked by the issuing thread's bulk groups. Device code compiles to nothing outside sm_90a (the
// launcher offers v4 only on compute capability 9.0). The host side encodes the tensor map through the driver's
// cuTensorMapEncodeTiled, reached via the runtime (no libcuda link).
#pragma once

#include <cuda.h>

#include <cstdint>

#include "gpu/wgmma.cuh"

namespace gate::gpu {

__device__ __forceinline__ void mbarrier_init(uint32_t bar, uint32_t arrivals) {
#ifdef GATE_WGMMA_AVAILABLE
  asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;\n" ::"r"(bar), "r"(arrivals) : "memory");
#endif
}
// Makes mbarrier initialisations visible to the async proxy (the TMA unit completes transactions on them).
__device__ __forceinline__ void mbarrier_init_fence() {
#ifdef GATE_WGMMA_AVAILABLE
  asm volatile("fence.mbarrier_init.release.cluster;\n" ::: "memory");
#endif
}
// One plain arrival.
__device__ __forceinline__ void mbarrier_arrive(uint32_t bar) {
#ifdef GATE_WGMMA_AVAILABLE
  asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];\n" ::"r"(bar) : "memory");
#endif
}
// Waits until the phase with the given parity has completed, with a warp-uniform exit (a vote on each poll): this runs
// between a wgmma issue and its wait, and ptxas serialises every wgmma of a kernel in which such code sits on a path it
// cannot prove uniform (C7518, bench/NOTES.md §8a).
__device__ __forceinline__ void mbarrier_wait_uniform(uint32_t bar, uint32_t parity) {
#ifdef GATE_WGMMA_AVAILABLE
  for (;;) {
    uint32_t done;
    asm volatile(
        "{\n.reg .pred p;\nmbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2;\nselp.u32 %0, 1, 0, p;\n}\n"
        : "=r"(done)
        : "r"(bar), "r"(parity)
        : "memory");
    if (__all_sync(0xFFFFFFFFu, done != 0)) return;
  }
#endif
}
// Box copy of the 3-D tensor map at coordinates (c0 innermost, c1, c2) into shared memory at dst (128-byte aligned),
// its bytes completing transactions on bar; issued by the threads with `issue` set (one lane of the warp) as predicated
// instructions rather than a branch (see mbarrier_wait_uniform), after the proxy fence that orders the consumers'
// earlier reads of dst before the TMA's writes and the arrival that announces `bytes` on bar.
__device__ __forceinline__ void tma_load_3d_if(bool issue, uint32_t dst, const CUtensorMap* map, int c0, int c1, int c2,
                                               uint32_t bar, uint32_t bytes) {
#ifdef GATE_WGMMA_AVAILABLE
  asm volatile(
      "{\n.reg .pred p;\nsetp.ne.u32 p, %0, 0;\n"
      "@p fence.proxy.async.shared::cta;\n"
      "@p mbarrier.arrive.expect_tx.shared::cta.b64 _, [%6], %7;\n"
      "@p cp.async.bulk.tensor.3d.shared::cluster.global.mbarrier::complete_tx::bytes [%1], [%2, {%3, %4, %5}], [%6];\n}\n" ::"r"(
          uint32_t(issue)),
      "r"(dst), "l"(reinterpret_cast<uint64_t>(map)), "r"(c0), "r"(c1), "r"(c2), "r"(bar), "r"(bytes)
      : "memory");
#endif
}

// A 3-D box from shared memory at src (dense, 128-byte aligned; 1 KB-aligned and in the map's swizzle if it has one)
// to the tensor map's box at (c0, c1, c2), through the
// async proxy (the issuing thread goes on at once), when `issue`: the source must have been written and made visible
// to the async proxy (fence_proxy_async_shared, then a barrier) first. Tracked by this thread's bulk groups.
// The written lines are marked evict-first in L2 (the output streams through; the input windows should stay).
__device__ __forceinline__ void tma_store_3d_if(bool issue, const CUtensorMap* map, int c0, int c1, int c2, uint32_t src) {
#ifdef GATE_WGMMA_AVAILABLE
  asm volatile(
      "{\n.reg .pred p;\n.reg .b64 policy;\nsetp.ne.u32 p, %0, 0;\n"
      "createpolicy.fractional.L2::evict_first.b64 policy, 1.0;\n"
      "@p cp.async.bulk.tensor.3d.global.shared::cta.bulk_group.L2::cache_hint [%1, {%2, %3, %4}], [%5], policy;\n}\n" ::"r"(
          uint32_t(issue)),
      "l"(reinterpret_cast<uint64_t>(map)), "r"(c0), "r"(c1), "r"(c2), "r"(src)
      : "memory");
#endif
}
// The same for a 5-D box at (c0, .., c4).
__device__ __forceinline__ void tma_store_5d_if(bool issue, const CUtensorMap* map, int c0, int c1, int c2, int c3, int c4,
                                                uint32_t src) {
#ifdef GATE_WGMMA_AVAILABLE
  asm volatile(
      "{\n.reg .pred p;\n.reg .b64 policy;\nsetp.ne.u32 p, %0, 0;\n"
      "createpolicy.fractional.L2::evict_first.b64 policy, 1.0;\n"
      "@p cp.async.bulk.tensor.5d.global.shared::cta.bulk_group.L2::cache_hint [%1, {%2, %3, %4, %5, %6}], [%7], "
      "policy;\n}\n" ::"r"(uint32_t(issue)),
      "l"(reinterpret_cast<uint64_t>(map)), "r"(c0), "r"(c1), "r"(c2), "r"(c3), "r"(c4), "r"(src)
      : "memory");
#endif
}
__device__ __forceinline__ void bulk_commit() {
#ifdef GATE_WGMMA_AVAILABLE
  asm volatile("cp.async.bulk.commit_group;\n" ::: "memory");
#endif
}
// Waits until this thread's committed bulk groups have read their shared-memory sources (the buffer may be reused).
__device__ __forceinline__ void bulk_wait_read_all() {
#ifdef GATE_WGMMA_AVAILABLE
  asm volatile("cp.async.bulk.wait_group.read 0;\n" ::: "memory");
#endif
}
// Asks L2 to fetch `bytes` of global memory from p (both multiples of 16; a hint: nothing waits for it, nothing is
// written to shared memory). fused_v4_wgmma's producer fetches one image of x ahead of its windows in one burst.
__device__ __forceinline__ void l2_prefetch_bulk(const void* p, uint32_t bytes) {
#ifdef GATE_WGMMA_AVAILABLE
  asm volatile("cp.async.bulk.prefetch.L2.global [%0], %1;\n" ::"l"(reinterpret_cast<uint64_t>(p)), "r"(bytes) : "memory");
#endif
}
// Register budget of the executing warpgroup (sm_90a; every thread of the warpgroup executes it): a producer
// warpgroup gives registers back, the computing ones take them (fused_v4_wgmma's producer).
template <int kRegs>
__device__ __forceinline__ void setmaxnreg_dec() {
#ifdef GATE_WGMMA_AVAILABLE
  asm volatile("setmaxnreg.dec.sync.aligned.u32 %0;\n" ::"n"(kRegs));
#endif
}
template <int kRegs>
__device__ __forceinline__ void setmaxnreg_inc() {
#ifdef GATE_WGMMA_AVAILABLE
  asm volatile("setmaxnreg.inc.sync.aligned.u32 %0;\n" ::"n"(kRegs));
#endif
}
// Barrier `id` (1..15; 0 is __syncthreads') among `threads` threads of the block (a multiple of 32, whole warps):
// the computing warpgroups meet there without the producer.
__device__ __forceinline__ void named_barrier_sync(int id, int threads) {
  asm volatile("bar.sync %0, %1;\n" ::"r"(id), "r"(threads) : "memory");
}
// Arrives on barrier `id` without waiting: the other side of a named_barrier_sync hand-over (the two count together
// to `threads`). Used by bench/gpu/swap16_probe.cu's ping-pong turns.
__device__ __forceinline__ void named_barrier_arrive(int id, int threads) {
  asm volatile("bar.arrive %0, %1;\n" ::"r"(id), "r"(threads) : "memory");
}
// An 8-byte store to shared memory at addr + kOffset (a shared-space address; kOffset an immediate).
template <int kOffset>
__device__ __forceinline__ void st_shared_v2(uint32_t addr, float2 v) {
  asm volatile("st.shared.v2.f32 [%0+%3], {%1, %2};\n" ::"r"(addr), "f"(v.x), "f"(v.y), "n"(kOffset) : "memory");
}
// An 8-byte load from shared memory at addr (a shared-space address, 8-byte aligned).
__device__ __forceinline__ float2 ld_shared_v2(uint32_t addr) {
  float2 v;
  asm volatile("ld.shared.v2.f32 {%0, %1}, [%2];\n" : "=f"(v.x), "=f"(v.y) : "r"(addr) : "memory");
  return v;
}
// The same for one 4-byte word.
template <int kOffset>
__device__ __forceinline__ void st_shared_u32(uint32_t addr, uint32_t v) {
  asm volatile("st.shared.u32 [%0+%2], %1;\n" ::"r"(addr), "r"(v), "n"(kOffset) : "memory");
}
// A 16-byte store to shared memory at addr (a shared-space address, 16-byte aligned).
__device__ __forceinline__ void st_shared_v4(uint32_t addr, uint4 v) {
  asm volatile("st.shared.v4.b32 [%0], {%1, %2, %3, %4};\n" ::"r"(addr), "r"(v.x), "r"(v.y), "r"(v.z), "r"(v.w)
               : "memory");
}

// Host: a rank-3 tensor map over `base` (dims innermost first, byte strides of dims 1 and 2, box sizes), zero fill
// out of bounds, the shared-memory side in `swizzle` (none by default). Throws GpuError naming the failing call.
CUtensorMap make_tensor_map_3d(const void* base, CUtensorMapDataType type, const uint64_t dims[3], const uint64_t strides[2],
                               const uint32_t box[3], CUtensorMapSwizzle swizzle = CU_TENSOR_MAP_SWIZZLE_NONE);
// The same for rank 5 (dims[5], strides[4], box[5]); the strides need not grow with the dimension, so that a box's rows
// can take the planes in another order than y's.
CUtensorMap make_tensor_map_5d(const void* base, CUtensorMapDataType type, const uint64_t dims[5], const uint64_t strides[4],
                               const uint32_t box[5], CUtensorMapSwizzle swizzle = CU_TENSOR_MAP_SWIZZLE_NONE);

}  // namespace gate::gpu
