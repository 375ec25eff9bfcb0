// The spacing of floats at |v| as a double (2^-149 for zero and subnormals): the unit in which the GPU epilogue tests
// state a float result's error. Host and device (tests/gpu/epilogue_test.cu uses it in a kernel too).
#pragma once

#include <cuda_runtime.h>

#include <cmath>

namespace gate::gpu_test {

__host__ __device__ inline double ulp_of(float v) {
  const float a = fabsf(v);
  return double(nextafterf(a, INFINITY)) - double(a);
}

}  // namespace gate::gpu_test
