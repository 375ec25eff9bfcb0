// How many products x·w one output element of a transposed convolution can receive: the n of the error bound.
// terms_per_output() in core counts every kernel tap; along an axis with stride s only the taps k with
// k·dilation ≡ r (mod s) reach an output of residue r, so the true maximum is often several times smaller, and the
// bound γ_n tighter by as much.
#pragma once

#include <cstdint>

#include "core/problem.hpp"

namespace gate::verify {

// max over residues r of #{k in [0, kernel) : k·dilation ≡ r (mod stride)}.
int64_t max_taps_per_output(int64_t kernel, int64_t stride, int64_t dilation);

// (Cin/groups) · max_taps(kH) · max_taps(kW) ≤ terms_per_output(p).
int64_t max_terms_per_output(const Problem& p);

}  // namespace gate::verify
