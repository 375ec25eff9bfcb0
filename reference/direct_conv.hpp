// A plain direct-loop transposed convolution in double: the independent cross-check of the Eigen reference on small
// shapes. Scatter form, straight from PyTorch's definition: y[n, g*Cout_g+co, ih*sh-ph+kh*dh, iw*sw-pw+kw*dw] +=
// x[n, g*Cin_g+ci, ih, iw] · w[g*Cin_g+ci, co, kh, kw].
#pragma once

#include "reference/transposed_conv.hpp"

namespace gate {

ConvReference direct_transposed_conv(const Problem& p, const HostTensor& x, const HostTensor& weight,
                                     const HostTensor* bias);

}  // namespace gate
