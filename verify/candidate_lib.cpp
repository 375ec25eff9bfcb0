// Loading and calling a candidate library (candidate_lib.hpp).
#include "verify/candidate_lib.hpp"

#include <dlfcn.h>

#include <cstring>
#include <limits>
#include <vector>

#include "core/dtype.hpp"

namespace gate {
namespace {

int32_t abi_dtype(DType d) {
  switch (d) {
    case DType::kFloat32: return GATE_DTYPE_FLOAT32;
    case DType::kFloat16: return GATE_DTYPE_FLOAT16;
    case DType::kBFloat16: return GATE_DTYPE_BFLOAT16;
  }
  return -1;
}

// Storage bytes of a host tensor in its dtype (float32 as is, 16-bit types as bit patterns).
std::vector<unsigned char> to_storage(const HostTensor& t) {
  std::vector<unsigned char> bytes(t.values.size() * static_cast<size_t>(dtype_bytes(t.dtype)));
  if (t.dtype == DType::kFloat32) {
    std::memcpy(bytes.data(), t.values.data(), bytes.size());
  } else {
    to_bits(t.values, t.dtype, std::span<uint16_t>(reinterpret_cast<uint16_t*>(bytes.data()), t.values.size()));
  }
  return bytes;
}

}  // namespace

gate_problem_v1 to_abi_problem(const Problem& p) {
  gate_problem_v1 a{};
  a.N = p.N, a.Cin = p.Cin, a.Cout = p.Cout, a.H = p.H, a.W = p.W, a.kH = p.kH, a.kW = p.kW;
  a.stride[0] = p.stride.h, a.stride[1] = p.stride.w;
  a.padding[0] = p.padding.h, a.padding[1] = p.padding.w;
  a.output_padding[0] = p.output_padding.h, a.output_padding[1] = p.output_padding.w;
  a.dilation[0] = p.dilation.h, a.dilation[1] = p.dilation.w;
  a.groups = p.groups;
  a.has_bias = p.has_bias ? 1 : 0;
  a.dtype = abi_dtype(p.dtype);
  a.precision = p.precision == Precision::kFp32 ? GATE_PRECISION_FP32 : GATE_PRECISION_TF32;
  a.add_value = p.add_value;
  a.multiply_value = p.multiply_value;
  return a;
}

CandidateLibrary::CandidateLibrary(const std::string& path) : path_(path) {
  // RTLD_LOCAL: the candidate's own symbols (a second copy of a CUDA runtime, say) stay out of ours.
  handle_ = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle_) throw CandidateLibError(path + ": cannot load the library (" + ::dlerror() + ")");
  auto symbol = [&](const char* name) {
    void* s = ::dlsym(handle_, name);
    if (!s) {
      ::dlclose(handle_);
      handle_ = nullptr;
      throw CandidateLibError(path + ": missing symbol " + name + " (see gpu/candidate_abi.h)");
    }
    return s;
  };
  auto version = reinterpret_cast<VersionFn>(symbol("gate_candidate_abi_version"));
  auto name = reinterpret_cast<NameFn>(symbol("gate_candidate_name"));
  auto memory = reinterpret_cast<MemoryFn>(symbol("gate_candidate_memory"));
  run_ = reinterpret_cast<RunFn>(symbol("gate_candidate_run"));
  const uint32_t v = version();
  if (v != GATE_CANDIDATE_ABI_VERSION) {
    ::dlclose(handle_);
    handle_ = nullptr;
    throw CandidateLibError(path + ": ABI version " + std::to_string(v) + ", but this verify speaks version " +
                            std::to_string(GATE_CANDIDATE_ABI_VERSION) + " (rebuild it against gpu/candidate_abi.h)");
  }
  const char* n = name();
  name_ = n ? n : "(unnamed)";
  memory_ = memory();
  if (memory_ != GATE_MEMORY_HOST && memory_ != GATE_MEMORY_CUDA) {
    ::dlclose(handle_);
    handle_ = nullptr;
    throw CandidateLibError(path + ": gate_candidate_memory() returned " + std::to_string(memory_) +
                            ", expected GATE_MEMORY_HOST (0) or GATE_MEMORY_CUDA (1)");
  }
}

CandidateLibrary::~CandidateLibrary() {
  if (handle_) ::dlclose(handle_);
}

void CandidateLibrary::run_raw(const Problem& p, const void* x, const void* weight, const void* bias, void* y,
                               void* stream) const {
  const gate_problem_v1 abi = to_abi_problem(p);
  char message[1024] = {};
  const int32_t rc = run_(&abi, x, weight, bias, y, stream, message, sizeof message);
  message[sizeof message - 1] = '\0';
  if (rc != 0) {
    throw CandidateLibError(path_ + ": gate_candidate_run returned " + std::to_string(rc) + " on case " + p.name + ": " +
                            (message[0] ? message : "(no message)"));
  }
}

HostTensor CandidateLibrary::run_host(const Problem& p, const HostTensor& x, const HostTensor& weight,
                                      const HostTensor* bias) const {
  const auto x_bytes = to_storage(x);
  const auto w_bytes = to_storage(weight);
  const std::vector<unsigned char> b_bytes = bias ? to_storage(*bias) : std::vector<unsigned char>{};
  HostTensor y = make_tensor(y_shape(p), p.dtype, "y");
  // NaN pattern: an element the library never writes stays NaN and fails the comparison.
  for (float& v : y.values) v = std::numeric_limits<float>::quiet_NaN();
  auto y_bytes = to_storage(y);
  run_raw(p, x_bytes.data(), w_bytes.data(), bias ? b_bytes.data() : nullptr, y_bytes.data(), nullptr);
  if (p.dtype == DType::kFloat32) {
    std::memcpy(y.values.data(), y_bytes.data(), y_bytes.size());
  } else {
    from_bits(std::span<const uint16_t>(reinterpret_cast<const uint16_t*>(y_bytes.data()), y.values.size()), p.dtype,
              y.values);
  }
  return y;
}

}  // namespace gate
