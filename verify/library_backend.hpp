// The `lib:<name>` backend: a candidate library (verify/candidate_lib.hpp) run on a case and judged against the
// reference. Host-memory libraries run here; device-memory ones through gpu/ (only when CUDA was built).
#pragma once

#include <string>

#include "verify/candidate_lib.hpp"
#include "verify/case_run.hpp"
#include "verify/inputs.hpp"

namespace gate::verify {

// CandidateLibError for anything the library does wrong or a device-memory library without a CUDA backend.
CaseResult run_library_backend(const CandidateLibrary& lib, const Problem& p, const CaseInputs& inputs,
                               const ReferenceOutput& ref, const std::string& repro);

}  // namespace gate::verify
