// Where a NaN is implementation-defined: a non-finite weight tap that reaches no input element of an output (it falls
// on padding, past the input's edge, or between strided inputs). PyTorch's definition has no such term, so the
// reference's value is finite; an implicit GEMM over a zero-padded (or zero-inserted) input multiplies 0 by the weight
// and gets NaN. PyTorch 2.11 itself does the latter through cuDNN on the `specials` case (verify/README.md,
// "Decisions"). The driver marks these outputs; the comparator then tolerates NaN there, and only there.
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.hpp"

namespace gate::verify {

// One byte per output element (y_shape(p)), 1 where some non-finite weight's tap falls outside the input for that
// output; empty when every weight is finite.
std::vector<uint8_t> padding_nan_mask(const Problem& p, const HostTensor& weight);

// Under the tf32 contract operands are rounded to TF32 (10 mantissa bits, 8 exponent bits), whose subnormals are
// multiples of 2^-136: a non-zero operand below kTf32ZeroThreshold in magnitude may become 0, and an infinite operand
// meeting it then gives inf·0 = NaN where the exact reference has ±inf. One byte per output element, 1 where some
// term pairs a non-finite operand with such a tiny one; empty when no operand is non-finite. (Subnormal tf32
// behaviour measured on an H100: bench/NOTES.md, "3xTF32 and the values its split cannot carry".)
inline constexpr float kTf32ZeroThreshold = 0x1p-136f;
std::vector<uint8_t> tf32_flush_nan_mask(const Problem& p, const HostTensor& x, const HostTensor& weight);

}  // namespace gate::verify
