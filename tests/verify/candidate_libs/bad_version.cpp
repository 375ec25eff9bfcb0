// A candidate library built against a future ABI: verify must refuse it by version.
#include "gpu/candidate_abi.h"
extern "C" uint32_t gate_candidate_abi_version(void) { return GATE_CANDIDATE_ABI_VERSION + 1; }
extern "C" const char* gate_candidate_name(void) { return "bad version"; }
extern "C" int32_t gate_candidate_memory(void) { return GATE_MEMORY_HOST; }
extern "C" int32_t gate_candidate_run(const gate_problem_v1*, const void*, const void*, const void*, void*, void*, char*,
                                      size_t) {
  return 0;
}
