// The `cpu` backend: a production-style float implementation, what CPU-only mode actually verifies beside the
// self-test. Transposed convolution as a float GEMM through Eigen (fp32 accumulation, Eigen's blocking and FMA order)
// plus col2im, the bias in float, TF32 operands (nearest even) under the tf32 contract, the conv output rounded to the
// dtype for float16/bfloat16 storage, then simd/'s float GELU epilogue with its final rounding to the dtype.
#pragma once

#include "core/tensor.hpp"

namespace gate::verify {

// y with y_shape(p) and p.dtype. Parallel over (image, group) with OpenMP.
HostTensor run_cpu_backend(const Problem& p, const HostTensor& x, const HostTensor& weight, const HostTensor* bias);

}  // namespace gate::verify
