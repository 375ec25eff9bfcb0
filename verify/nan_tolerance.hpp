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

}  // namespace gate::verify
