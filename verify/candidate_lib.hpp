// A kernel built anywhere, loaded from a shared library through the C ABI of gpu/candidate_abi.h
// (`verify --candidate-lib PATH.so`): dlopen, the four symbols, the ABI version, then one call per case.
// Everything that can go wrong with the library is a CandidateLibError naming the path and the problem (exit 2).
#pragma once

#include <functional>
#include <stdexcept>
#include <string>

#include "core/problem.hpp"
#include "core/tensor.hpp"
#include "gpu/candidate_abi.h"

namespace gate {

struct CandidateLibError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

gate_problem_v1 to_abi_problem(const Problem& p);

class CandidateLibrary {
 public:
  explicit CandidateLibrary(const std::string& path);
  ~CandidateLibrary();
  CandidateLibrary(const CandidateLibrary&) = delete;
  CandidateLibrary& operator=(const CandidateLibrary&) = delete;

  const std::string& path() const { return path_; }
  const std::string& name() const { return name_; }
  bool wants_device_memory() const { return memory_ == GATE_MEMORY_CUDA; }

  // Calls gate_candidate_run on buffers in the case's storage type; a non-zero return is a CandidateLibError with the
  // library's message.
  void run_raw(const Problem& p, const void* x, const void* weight, const void* bias, void* y, void* stream) const;

  // For GATE_MEMORY_HOST libraries: converts to storage, fills y with a NaN pattern (an element never written fails),
  // calls the library, converts back.
  HostTensor run_host(const Problem& p, const HostTensor& x, const HostTensor& weight, const HostTensor* bias) const;

 private:
  using VersionFn = uint32_t (*)();
  using NameFn = const char* (*)();
  using MemoryFn = int32_t (*)();
  using RunFn = int32_t (*)(const gate_problem_v1*, const void*, const void*, const void*, void*, void*, char*, size_t);

  std::string path_;
  void* handle_ = nullptr;
  std::string name_;
  int32_t memory_ = GATE_MEMORY_HOST;
  RunFn run_ = nullptr;
};

}  // namespace gate
