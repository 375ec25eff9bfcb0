// A configurable float implementation of the whole operation, one output element at a time (gather form): the
// candidate the self-test and the soundness tests judge. Each knob is either a legitimate freedom of the precision
// contract (summation order, TF32 operand rounding, staged 16-bit storage, PyTorch's float GELU) or a planted fault
// (tanh GELU, fmin, a missing bias...); verify/mutants.cpp names the combinations. Small shapes only (no blocking).
#pragma once

#include "core/tensor.hpp"

namespace gate::verify {

enum class SumOrder { kForward, kReverse, kPairwise, kBlocked8, kFmaForward };
enum class OperandRounding { kNone, kTf32Nearest, kTf32Truncate };
enum class GeluForm {
  kErff,             // 0.5f·z·(1 + erff(z·√½)) with glibc's erff: PyTorch's scalar float formula
  kTorchCpuVector,   // the same with PyTorch's vectorised CPU erf (Abramowitz–Stegun 7.1.26 with fma)
  kTanh,             // mutant: the tanh approximation
  kErfOffBy1e4,      // mutant: an erf with absolute error 1e-4
};
enum class ClampForm { kTorchMin, kFmin /* mutant: fmin(NaN, 0) = 0 drops the NaN */ };

struct ModelConfig {
  SumOrder order = SumOrder::kForward;
  OperandRounding operands = OperandRounding::kNone;
  DType accumulator = DType::kFloat32;  // mutant when 16-bit: every partial sum rounded to it
  GeluForm gelu = GeluForm::kErff;
  ClampForm clamp = ClampForm::kTorchMin;
  bool staged_dtype = false;        // round to the case dtype after conv, add, GELU (PyTorch's 16-bit path)
  bool bias_after_rounding = false; // staged: round the conv, then add the bias and round again
  bool drop_bias = false;           // mutant
  bool flip_kernel = false;         // mutant: w[kH−1−kh][kW−1−kw]
  bool drop_last_input_row = false; // mutant: contributions of input row H−1 lost (the last output rows go wrong)
  bool bump_largest = false;        // mutant: the output element of largest magnitude off by 0.1%
  bool zero_fill_taps = false;      // implicit GEMM: taps that miss the input multiply 0 by their weight (0·inf = NaN)
};

// y with y_shape(p) and p.dtype (values rounded to the dtype).
HostTensor run_model(const Problem& p, const HostTensor& x, const HostTensor& weight, const HostTensor* bias,
                     const ModelConfig& config);

// PyTorch's vectorised CPU erf (aten/src/ATen/cpu/vec/vec256/vec256_float.h, Vectorized<float>::erf), scalar.
float torch_cpu_erf(float x);

}  // namespace gate::verify
