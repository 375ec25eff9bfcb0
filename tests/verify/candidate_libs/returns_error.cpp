// A candidate library whose run fails: verify must pass its message on.
#include <cstdio>

#include "gpu/candidate_abi.h"
extern "C" uint32_t gate_candidate_abi_version(void) { return GATE_CANDIDATE_ABI_VERSION; }
extern "C" const char* gate_candidate_name(void) { return "returns error"; }
extern "C" int32_t gate_candidate_memory(void) { return GATE_MEMORY_HOST; }
extern "C" int32_t gate_candidate_run(const gate_problem_v1* p, const void*, const void*, const void*, void*, void*,
                                      char* message, size_t capacity) {
  std::snprintf(message, capacity, "unsupported: groups=%lld", static_cast<long long>(p->groups));
  return 7;
}
