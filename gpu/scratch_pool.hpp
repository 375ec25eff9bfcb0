// Stream-ordered scratch memory for the launchers that need a workspace (v3's and v4's packed weights).
// cudaMallocAsync's default pool hands memory back to the driver at every synchronisation (release threshold 0), so a
// caller that synchronises between launches — a benchmark timing each one, a test, verify, the PyTorch op — paid for
// mapping the workspace again inside every launch, with the GPU idle: 0.05 ms of v4's seed-workload launch (0.5 MB;
// H200, TF32 0.94 → 0.89 ms), 0.22 ms of the removed v5 experiment's (150 MB) (bench/NOTES.md §9). This pool keeps what
// it has mapped (release threshold: unlimited) for the life of the process, per device; allocations stay
// stream-ordered, so launches on different streams never share a buffer.
#pragma once

#include <cstddef>

struct CUstream_st;

namespace gate::gpu {

// cudaMallocFromPoolAsync from the current device's scratch pool (created on first use); GpuError on failure.
void* scratch_alloc_async(size_t bytes, CUstream_st* stream);
// cudaFreeAsync: the memory returns to the pool once the stream reaches this point, and stays mapped.
void scratch_free_async(void* p, CUstream_st* stream);

}  // namespace gate::gpu
