// A candidate library without gate_candidate_run: verify must name the missing symbol.
#include "gpu/candidate_abi.h"
extern "C" uint32_t gate_candidate_abi_version(void) { return GATE_CANDIDATE_ABI_VERSION; }
extern "C" const char* gate_candidate_name(void) { return "missing symbol"; }
extern "C" int32_t gate_candidate_memory(void) { return GATE_MEMORY_HOST; }
