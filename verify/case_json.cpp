// case.json read and write (case_json.hpp).
#include "verify/case_json.hpp"

#include <nlohmann/json.hpp>

#include "verify/json_fields.hpp"

namespace gate::verify {

Problem read_case_json(const std::string& path) {
  const nlohmann::json doc = parse_json_file(path);
  JsonFields f(doc, path);
  Problem p;
  p.name = f.get_string("name");
  p.stride = f.get_pair("stride", Hw{1, 1});
  p.padding = f.get_pair("padding", Hw{0, 0});
  p.output_padding = f.get_pair("output_padding", Hw{0, 0});
  p.dilation = f.get_pair("dilation", Hw{1, 1});
  p.groups = f.get_int("groups", 1);
  p.add_value = f.get_float("add_value", 0.0f);
  p.multiply_value = f.get_float("multiply_value", 1.0f);
  const std::string dtype = f.get_string("dtype", "float32");
  const std::string precision = f.get_string("precision", "fp32");
  try {
    p.dtype = parse_dtype(dtype);
  } catch (const ProblemError& e) {
    f.fail("dtype", e.what());
  }
  try {
    p.precision = parse_precision(precision);
  } catch (const ProblemError& e) {
    f.fail("precision", e.what());
  }
  // Provenance that golden files carry (STYLE.md §9: the script that made them, a version): type-checked, not used.
  f.get_int("golden_version", 0);
  f.get_string("torch_version", "");
  f.get_string("generator", "");
  f.get_int("seed", 0);
  f.get_string("note", "");
  f.reject_unknown_keys();
  return p;
}

std::string case_json_text(const Problem& p) {
  // An ordered_json keeps the DESIGN.md order, which is what a person reading the file expects.
  nlohmann::ordered_json j;
  j["name"] = p.name;
  j["stride"] = {p.stride.h, p.stride.w};
  j["padding"] = {p.padding.h, p.padding.w};
  j["output_padding"] = {p.output_padding.h, p.output_padding.w};
  j["dilation"] = {p.dilation.h, p.dilation.w};
  j["groups"] = p.groups;
  // float → double is exact, and nlohmann prints the shortest text that reads back to the same double.
  j["add_value"] = static_cast<double>(p.add_value);
  j["multiply_value"] = static_cast<double>(p.multiply_value);
  j["dtype"] = to_string(p.dtype);
  j["precision"] = to_string(p.precision);
  return j.dump(2) + "\n";
}

}  // namespace gate::verify
