// The command line of `verify` (DESIGN.md, verify/README.md): parsed into one plain struct; a bad argument is a
// UsageError (exit status 2) naming the argument.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/problem.hpp"
#include "verify/allowance.hpp"

namespace gate::verify {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class Command { kRun, kList, kExport, kCheck, kSelfTest, kHelp };

struct Options {
  Command command = Command::kHelp;
  bool cpu_only = false;
  std::vector<std::string> case_names;  // --case a,b
  std::optional<std::string> suite;     // --suite quick|full (default quick; --case searches full)
  std::string json_path, junit_path;
  std::string out_dir;                  // export --out
  std::string check_dir;                // check DIR
  std::optional<Precision> precision;   // check --precision
  int64_t shard_k = 1, shard_n = 1;
  int threads = 0;                      // 0: OpenMP's default
  uint64_t seed = 0;                    // 0: each case's own seed
  uint64_t max_memory_bytes = kDefaultMaxMemoryBytes;
  double ulp_budget = kDefaultUlpBudget;
  std::string cases_dir;                // --cases-dir (default: default_cases_dir())
  std::string candidate_lib;            // --candidate-lib PATH.so: that library is the backend (gpu/candidate_abi.h)
};

Options parse_options(const std::vector<std::string>& args);

// "1G", "512M", "1048576" → bytes. UsageError otherwise.
uint64_t parse_bytes(const std::string& text, const std::string& option);

extern const char* const kUsage;

}  // namespace gate::verify
