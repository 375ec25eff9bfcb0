// prefault.hpp: MADV_POPULATE_WRITE over whole pages inside [data, data + bytes), 16 MiB per call, on the OpenMP threads.
#include "reference/prefault.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>

namespace gate::detail {

void prefault(void* data, size_t bytes) {
#if defined(MADV_POPULATE_WRITE)
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + page - 1) & ~(page - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(page - 1);
  if (end <= begin) return;
  constexpr int64_t kChunk = int64_t{16} << 20;
  const int64_t len = static_cast<int64_t>(end - begin);
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t o = 0; o < len; o += kChunk) {
    // A failure (EINVAL before Linux 5.14, ENOMEM) leaves the pages to fault in on first write.
    (void)madvise(reinterpret_cast<void*>(begin + static_cast<uintptr_t>(o)),
                  static_cast<size_t>(std::min(kChunk, len - o)), MADV_POPULATE_WRITE);
  }
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace gate::detail
