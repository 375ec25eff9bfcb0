// The case catalogue: which suite files make a suite (quick: data/cases/quick.json; full: quick plus
// data/cases/full.json), picking cases by name and splitting them across CI jobs (--shard K/N).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "verify/case_file.hpp"

namespace gate::verify {

enum class Suite { kQuick, kFull };
Suite parse_suite(const std::string& s);  // "quick" | "full"; std::invalid_argument otherwise

// The folder of the suite files: $GATE_CASES_DIR if set, else the source tree's data/cases (fixed at build time).
std::string default_cases_dir();

// Every case of the suite, in file order. CaseFileError on a bad file, a missing file, or a name in two files.
std::vector<Case> load_suite(const std::string& cases_dir, Suite suite, uint64_t max_memory_bytes);

// The cases named in `names`, in the order named; std::invalid_argument naming the first unknown one.
std::vector<Case> select_cases(const std::vector<Case>& all, const std::vector<std::string>& names);

// Shard k of n (1 ≤ k ≤ n): the cases whose position i in the list has i mod n == k − 1.
std::vector<Case> shard_cases(const std::vector<Case>& cases, int64_t k, int64_t n);

}  // namespace gate::verify
