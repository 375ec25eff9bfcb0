// The `cuda` backend (cuda_backend.hpp): kernel_variants(p), each run by gpu::run_fused and judged.
#include "verify/cuda_backend.hpp"

#include <chrono>

#include "gpu/fused.hpp"

namespace gate::verify {

bool cuda_device_usable(std::string* why_not) { return gpu::device_available(why_not); }

std::string cuda_device_name() { return gpu::device_description(); }

std::vector<CaseResult> run_cuda_backend(const Problem& p, const CaseInputs& inputs, const ReferenceOutput& ref,
                                         const std::string& repro) {
  std::vector<CaseResult> results;
  try {
    for (const std::string& variant : gpu::kernel_variants(p)) {
      const auto start = std::chrono::steady_clock::now();
      const HostTensor y = gpu::run_fused(p, inputs.x, inputs.weight, inputs.bias_or_null(), variant);
      CaseResult r;
      r.case_name = p.name;
      r.backend = "cuda:" + variant;
      r.problem = p;
      r.contract = ref.contract;
      r.compare = judge(ref, y);
      r.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      r.repro = repro;
      results.push_back(std::move(r));
    }
  } catch (const gpu::GpuError& e) {
    throw CudaBackendError(std::string("CUDA backend failed on case ") + p.name + ": " + e.what());
  }
  return results;
}

}  // namespace gate::verify
