// A buggy candidate: returns success but never writes y.
// The gate must catch it through the NaN pattern verify writes before the call.
#include "gpu/candidate_abi.h"
extern "C" uint32_t gate_candidate_abi_version(void) { return GATE_CANDIDATE_ABI_VERSION; }
extern "C" const char* gate_candidate_name(void) { return "skips last row"; }
extern "C" int32_t gate_candidate_memory(void) { return GATE_MEMORY_HOST; }
extern "C" int32_t gate_candidate_run(const gate_problem_v1*, const void*, const void*, const void*, void*, void*, char*,
                                      size_t) {
  return 0;  // writes nothing at all: every element keeps the NaN pattern
}
