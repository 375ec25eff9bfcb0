// Streaming (non-temporal) stores for the reference's outputs: they are far larger than the caches (GBs on the seed
// workload), and streaming stores skip the read-for-ownership that ordinary stores to cold lines pay. Whole 64-byte
// lines are streamed (one AVX-512 store each, or four SSE2 ones); the partial lines at either end of a row (shared with the next row,
// which another work item writes) take ordinary stores, so that no write-combining buffer is flushed half full.
// (Measured against 16-byte streaming stores of the partial lines too: the same speed on this VM, bench/RESULTS.md.)
// Elsewhere than x86-64: plain copies. Streaming stores are weakly ordered: a thread calls stream_fence() before others may
// read what it stored.
#pragma once

#include <cstdint>
#include <cstring>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace gate::detail {

// dst[0, n) = src[0, n) for T = float or double.
template <class T>
inline void stream_copy(T* dst, const T* src, int64_t n) {
#if defined(__x86_64__)
  constexpr int64_t kPerLine = 64 / static_cast<int64_t>(sizeof(T));
  const int64_t misalign = static_cast<int64_t>((reinterpret_cast<uintptr_t>(dst) & 63) / sizeof(T));
  int64_t head = misalign == 0 ? 0 : kPerLine - misalign;
  if (reinterpret_cast<uintptr_t>(dst) % sizeof(T) != 0 || head > n) head = n;  // (never for aligned arrays)
  std::memcpy(dst, src, static_cast<size_t>(head) * sizeof(T));
  int64_t i = head;
  for (; i + kPerLine <= n; i += kPerLine) {
#if defined(__AVX512F__)
    _mm512_stream_si512(reinterpret_cast<__m512i*>(dst + i),
                        _mm512_loadu_si512(reinterpret_cast<const void*>(src + i)));
#else
    for (int64_t k = 0; k < 64; k += 16) {
      _mm_stream_si128(reinterpret_cast<__m128i*>(reinterpret_cast<char*>(dst + i) + k),
                       _mm_loadu_si128(reinterpret_cast<const __m128i*>(reinterpret_cast<const char*>(src + i) + k)));
    }
#endif
  }
  std::memcpy(dst + i, src + i, static_cast<size_t>(n - i) * sizeof(T));
#else
  std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(T));
#endif
}

inline void stream_fence() {
#if defined(__x86_64__)
  _mm_sfence();
#endif
}

}  // namespace gate::detail
