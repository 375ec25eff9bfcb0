// The phase decomposition of a transposed convolution along one axis: output rows (or columns) whose index + padding has
// the same residue r modulo the stride receive contributions from the same kernel taps, each at a fixed input offset.
// Every phase is therefore a dense correlation, and the phases partition the output: the Eigen reference computes one
// GEMM per (image, group, phase-pair, block of output rows) and writes its result to positions no other GEMM touches.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gate {

// One phase r of one axis. Output index o = first_out + j·stride for j in [0, count) receives, from tap taps[t], the
// input index i = first_q + j - offsets[t] (skipped when outside [0, in_size)).
struct AxisPhase {
  int64_t first_out = 0;          // smallest output index of the phase (>= 0)
  int64_t count = 0;              // output indices in the phase (may be 0)
  int64_t first_q = 0;            // (first_out + padding) / stride
  std::vector<int64_t> taps;      // kernel indices k with k·dilation ≡ r (mod stride), ascending
  std::vector<int64_t> offsets;   // (taps[t]·dilation - r) / stride, the input shift of each tap
};

// The phases of an axis, one per residue r in [0, stride): in_size = H, out_size = Hout, and so on.
std::vector<AxisPhase> axis_phases(int64_t in_size, int64_t out_size, int64_t kernel, int64_t stride, int64_t padding,
                                   int64_t dilation);

// Phases of one axis that read the same input positions: equal first_q, offsets and count (their taps differ; on the
// seed workload both phases of each axis qualify). Their im2col blocks are identical, so the reference builds one
// block for all of them and stacks their weights into one GEMM (phase_gemm.hpp).
struct PhaseGroup {
  std::vector<const AxisPhase*> members;  // ascending residue; members[0] stands for the group's input positions
  int64_t count() const { return members[0]->count; }
};

// The non-empty phases in groups, in order of their first member (pointers into `phases`).
std::vector<PhaseGroup> group_phases(const std::vector<AxisPhase>& phases);

}  // namespace gate
