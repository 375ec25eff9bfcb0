// cp.async (sm_80+): global → shared copies that complete asynchronously, with zero fill; used by v2's weight
// chunks, v3's windows and weights, and v4's weight prologue.
#pragma once

#include <cstdint>

namespace gate::gpu {

// Global → shared copy of kBytes: 16 (cp.async.cg, L2 only) or 8 (cp.async.ca; v3's 4-element groups of 16-bit
// values); valid == false writes zeros (src-size 0 reads nothing).
template <int kBytes>
__device__ __forceinline__ void cp_async(uint32_t dst, const void* src, bool valid) {
  static_assert(kBytes == 16 || kBytes == 8, "the sizes this helper copies");
  if constexpr (kBytes == 16) {
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst), "l"(src), "r"(valid ? 16 : 0) : "memory");
  } else {
    asm volatile("cp.async.ca.shared.global [%0], [%1], 8, %2;\n" ::"r"(dst), "l"(src), "r"(valid ? 8 : 0) : "memory");
  }
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::: "memory"); }
template <int N>
__device__ __forceinline__ void cp_async_wait() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(N) : "memory");
}

}  // namespace gate::gpu
