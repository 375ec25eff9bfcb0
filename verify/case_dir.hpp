// Exported case folders (DESIGN.md): DIR/<case>/{x.npy, weight.npy, bias.npy (absent without bias), case.json}, plus
// y.npy, the candidate's output, for `verify check`. The problem's sizes come from the arrays, its parameters from
// case.json; every inconsistency is a CaseFileError naming the file and the problem.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "verify/inputs.hpp"

namespace gate::verify {

// Writes the inputs and case.json into dir (created if missing; each file atomically).
void export_case(const std::string& dir, const Problem& p, const CaseInputs& inputs);

struct CaseDir {
  std::string dir;
  Problem problem;
  CaseInputs inputs;
  HostTensor y;  // the candidate (empty from read_case_inputs)
};

// Reads case.json and the inputs (the problem's sizes from the arrays), not y.npy. precision_override replaces
// case.json's precision (check --precision P).
CaseDir read_case_inputs(const std::string& dir, uint64_t max_memory_bytes,
                         std::optional<Precision> precision_override);

// read_case_inputs, then y.npy, whose shape must be y_shape of the problem.
CaseDir read_case_dir(const std::string& dir, uint64_t max_memory_bytes, std::optional<Precision> precision_override);

// dir itself when it holds case.json, else its sub-folders that do (sorted by name); CaseFileError if none.
std::vector<std::string> find_case_dirs(const std::string& dir);

}  // namespace gate::verify
