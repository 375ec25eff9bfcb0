// case.json, the parameter file of an exported case folder (DESIGN.md): name, stride, padding, output_padding,
// dilation, groups, add_value, multiply_value, dtype, precision; missing keys take PyTorch's defaults. Provenance keys
// that golden folders carry (golden_version, torch_version, generator, seed, note) are accepted and type-checked;
// any other key is an error. Shapes are not in
// it: they come from the arrays beside it (export_check.cpp). Read by `verify check`, written by `verify export`.
#pragma once

#include <string>

#include "core/problem.hpp"

namespace gate::verify {

// Reads the parameters into a Problem whose sizes are left at their defaults. CaseFileError (json_fields.hpp) names the
// file and the field on an unknown key, a wrong type or a bad value.
Problem read_case_json(const std::string& path);

// The case.json text of p (parameters only), pretty-printed, newline-terminated.
std::string case_json_text(const Problem& p);

}  // namespace gate::verify
