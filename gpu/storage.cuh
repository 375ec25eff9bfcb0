// Device-side storage of the three dtypes: float32 as float, float16 and bfloat16 as their raw 16-bit patterns (the same
// bits core/dtype.hpp's to_bits writes on the host). load() widens to float exactly; store() rounds a float to the type
// once, to nearest even, NaN kept NaN. The kernels are templated on these three structs and nothing else about storage.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cstdint>

namespace gate::gpu {

struct StorageF32 {
  using Bits = float;
  static __device__ __forceinline__ float load(Bits v) { return v; }
  static __device__ __forceinline__ Bits from_float(float v) { return v; }
};

struct StorageF16 {
  using Bits = uint16_t;
  static __device__ __forceinline__ float load(Bits v) { return __half2float(__ushort_as_half(v)); }
  static __device__ __forceinline__ Bits from_float(float v) { return __half_as_ushort(__float2half_rn(v)); }
  // from_float(lo) | from_float(hi) << 16 in one conversion instruction.
  static __device__ __forceinline__ uint32_t pack2(float lo, float hi) {
    const __half2 h = __floats2half2_rn(lo, hi);
    return *reinterpret_cast<const uint32_t*>(&h);
  }
};

struct StorageBF16 {
  using Bits = uint16_t;
  static __device__ __forceinline__ float load(Bits v) { return __bfloat162float(__ushort_as_bfloat16(v)); }
  static __device__ __forceinline__ Bits from_float(float v) { return __bfloat16_as_ushort(__float2bfloat16_rn(v)); }
  // Host-callable too (the fp32 flavours' bf16 pairs are checked on the host: tests/gpu/mma_pairs_host_test.cu).
  static __host__ __device__ __forceinline__ uint32_t pack2(float lo, float hi) {
    const __nv_bfloat162 h = __floats2bfloat162_rn(lo, hi);
    return *reinterpret_cast<const uint32_t*>(&h);
  }
};

// Streaming store (st.global.cs): the 1.1 GB output is written once and never read back by this kernel, so keeping it
// out of the caches' way leaves L2 to the input and weights that every block re-reads.
__device__ __forceinline__ void store_streaming(float* p, float v) { __stcs(p, v); }
__device__ __forceinline__ void store_streaming(uint16_t* p, uint16_t v) { __stcs(reinterpret_cast<unsigned short*>(p), v); }
// Two adjacent elements (an output row's rw = 0, 1 pair) as one streaming store; p aligned to two elements.
__device__ __forceinline__ void store_streaming_pair(float* p, float lo, float hi) {
  __stcs(reinterpret_cast<float2*>(p), make_float2(lo, hi));
}
__device__ __forceinline__ void store_streaming_pair(uint16_t* p, uint16_t lo, uint16_t hi) {
  __stcs(reinterpret_cast<unsigned int*>(p), unsigned(lo) | (unsigned(hi) << 16));
}

}  // namespace gate::gpu
