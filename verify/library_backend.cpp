// The `lib:<name>` backend (library_backend.hpp).
#include "verify/library_backend.hpp"

#include <chrono>

#if GATE_HAVE_CUDA
#include "gpu/fused.hpp"
#endif

namespace gate::verify {
namespace {

HostTensor run_library(const CandidateLibrary& lib, const Problem& p, const CaseInputs& in) {
  if (!lib.wants_device_memory()) return lib.run_host(p, in.x, in.weight, in.bias_or_null());
#if GATE_HAVE_CUDA
  try {
    return gpu::run_on_device(p, in.x, in.weight, in.bias_or_null(),
                              [&](const void* x, const void* w, const void* b, void* y, CUstream_st* stream) {
                                lib.run_raw(p, x, w, b, y, stream);
                              });
  } catch (const gpu::GpuError& e) {
    throw CandidateLibError(lib.path() + ": CUDA error on case " + p.name + ": " + e.what());
  }
#else
  throw CandidateLibError(lib.path() + ": the library wants CUDA device memory, but no CUDA backend was built");
#endif
}

}  // namespace

CaseResult run_library_backend(const CandidateLibrary& lib, const Problem& p, const CaseInputs& inputs,
                               const ReferenceOutput& ref, const std::string& repro) {
  const auto start = std::chrono::steady_clock::now();
  const HostTensor y = run_library(lib, p, inputs);
  CaseResult r;
  r.case_name = p.name;
  r.backend = "lib:" + lib.name();
  r.problem = p;
  r.contract = ref.contract;
  r.compare = judge(ref, y);
  r.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  r.repro = repro;
  return r;
}

}  // namespace gate::verify
