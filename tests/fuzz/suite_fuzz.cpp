// Fuzz target for the case catalogue's suite files (data/cases/*.json, verify/case_file.cpp and catalogue.cpp): any
// text must either load as cases that each pass core's validate() under the memory limit (64 MiB here), or throw
// CaseFileError; never crash, overflow, over-allocate or throw anything else. Loaded cases are then sharded and
// selected by name as `verify --case` and `--shard` do.
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <string>

#include "verify/case_file.hpp"
#include "verify/catalogue.hpp"
#include "verify/json_fields.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr uint64_t kFuzzMaxMemoryBytes = uint64_t{64} << 20;
  static const std::string path =
      (std::filesystem::temp_directory_path() / ("suite_fuzz_" + std::to_string(::getpid()) + ".json")).string();
  // Registered after path is built, so it runs before path is destroyed. The replay runs in every CI build: leave
  // nothing in /tmp.
  static const bool cleanup_registered = std::atexit([] { std::remove(path.c_str()); }) == 0;
  (void)cleanup_registered;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  if (size > 0) std::fwrite(data, 1, size, f);  // data may be null when size is 0
  std::fclose(f);
  std::vector<gate::verify::Case> cases;
  try {
    cases = gate::verify::read_suite_file(path, kFuzzMaxMemoryBytes);
  } catch (const gate::verify::CaseFileError&) {
    return 0;
  }
  std::vector<std::string> names;
  for (const gate::verify::Case& c : cases) {
    gate::validate(c.problem, kFuzzMaxMemoryBytes);  // must not throw: read_suite_file promised a valid case
    // 1e39 in the file must be an error, not an infinite multiply_value (found by this target's seed, fixed).
    if (!std::isfinite(c.problem.add_value) || !std::isfinite(c.problem.multiply_value)) __builtin_trap();
    if (gate::host_bytes_needed(c.problem) > kFuzzMaxMemoryBytes) __builtin_trap();
    names.push_back(c.problem.name);
  }
  if (gate::verify::select_cases(cases, names).size() != cases.size()) __builtin_trap();
  size_t sharded = 0;
  for (int64_t k = 1; k <= 3; ++k) sharded += gate::verify::shard_cases(cases, k, 3).size();
  if (sharded != cases.size()) __builtin_trap();
  return 0;
}
