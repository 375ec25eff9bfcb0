// A catalogue case: the problem plus how to make its inputs (distribution, spread, seed), read from the human-edited
// suite files data/cases/<suite>.json. First step of case → inputs → reference | candidate → compare → report.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/problem.hpp"

namespace gate::verify {

// The input distributions (verify/inputs.cpp documents each; verify/README.md says what each one tests).
enum class Distribution { kKernelBench, kNormal, kExact, kClampBoundary, kTail, kSpecials, kProbe, kLongSum };

const char* to_string(Distribution d);
// Throws std::invalid_argument naming the accepted values.
Distribution parse_distribution(const std::string& s);

struct InputSpec {
  Distribution distribution = Distribution::kNormal;
  double spread = 3.0;  // normal, tail, specials: the standard deviation of the convolution value
  uint64_t seed = 1;
};

struct Case {
  Problem problem;
  InputSpec inputs;
  std::string purpose;  // one line: what the case is for
  std::string file;     // the suite file it came from
};

// Reads a suite file {"suite": "quick", "cases": [ {...}, ... ]}. Every case is validated (core's validate()); an
// unknown key, a wrong type, a duplicate name or an invalid problem is a CaseFileError naming the file, the case and
// the field.
std::vector<Case> read_suite_file(const std::string& path, uint64_t max_memory_bytes);

}  // namespace gate::verify
