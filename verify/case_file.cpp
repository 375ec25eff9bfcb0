// Suite files of the case catalogue (case_file.hpp).
#include "verify/case_file.hpp"

#include <set>
#include <stdexcept>

#include "verify/json_fields.hpp"

namespace gate::verify {
namespace {

struct DistributionName {
  Distribution d;
  const char* name;
};
constexpr DistributionName kDistributionNames[] = {
    {Distribution::kKernelBench, "kernelbench"}, {Distribution::kNormal, "normal"},
    {Distribution::kExact, "exact"},             {Distribution::kClampBoundary, "clamp_boundary"},
    {Distribution::kTail, "tail"},               {Distribution::kSpecials, "specials"},
    {Distribution::kProbe, "probe"},             {Distribution::kLongSum, "long_sum"},
};

Case read_case(const nlohmann::json& obj, const std::string& file, size_t position, uint64_t max_memory_bytes) {
  std::string where = file + ": case #" + std::to_string(position + 1);
  if (obj.is_object() && obj.contains("name") && obj["name"].is_string()) {
    where = file + ": case '" + obj["name"].get<std::string>() + "'";
  }
  JsonFields f(obj, where);
  Case c;
  Problem& p = c.problem;
  p.name = f.get_string("name");
  p.N = f.get_int("N");
  p.Cin = f.get_int("Cin");
  p.Cout = f.get_int("Cout");
  p.H = f.get_int("H");
  p.W = f.get_int("W");
  const Hw kernel = f.get_pair("kernel");
  p.kH = kernel.h;
  p.kW = kernel.w;
  p.stride = f.get_pair("stride", Hw{1, 1});
  p.padding = f.get_pair("padding", Hw{0, 0});
  p.output_padding = f.get_pair("output_padding", Hw{0, 0});
  p.dilation = f.get_pair("dilation", Hw{1, 1});
  p.groups = f.get_int("groups", 1);
  p.has_bias = f.get_bool("bias", true);
  p.add_value = f.get_float("add_value", 0.0f);
  p.multiply_value = f.get_float("multiply_value", 1.0f);
  try {
    p.dtype = parse_dtype(f.get_string("dtype", "float32"));
  } catch (const ProblemError& e) {
    f.fail("dtype", e.what());
  }
  try {
    p.precision = parse_precision(f.get_string("precision", "fp32"));
  } catch (const ProblemError& e) {
    f.fail("precision", e.what());
  }
  try {
    c.inputs.distribution = parse_distribution(f.get_string("distribution"));
  } catch (const std::invalid_argument& e) {
    f.fail("distribution", e.what());
  }
  c.inputs.spread = f.get_number("spread", 3.0);
  if (!(c.inputs.spread > 0)) f.fail("spread", "must be positive");
  const int64_t seed = f.get_int("seed", 1);
  if (seed < 0) f.fail("seed", "must not be negative");
  c.inputs.seed = static_cast<uint64_t>(seed);
  c.purpose = f.get_string("purpose", "");
  f.reject_unknown_keys();
  try {
    validate(p, max_memory_bytes);
  } catch (const ProblemError& e) {
    throw CaseFileError(where + ": " + e.what());
  }
  c.file = file;
  return c;
}

}  // namespace

const char* to_string(Distribution d) {
  for (const auto& n : kDistributionNames) {
    if (n.d == d) return n.name;
  }
  return "?";
}

Distribution parse_distribution(const std::string& s) {
  std::string accepted;
  for (const auto& n : kDistributionNames) {
    if (s == n.name) return n.d;
    accepted += accepted.empty() ? n.name : std::string(", ") + n.name;
  }
  throw std::invalid_argument("unknown distribution '" + s + "' (accepted: " + accepted + ")");
}

std::vector<Case> read_suite_file(const std::string& path, uint64_t max_memory_bytes) {
  const nlohmann::json doc = parse_json_file(path);
  JsonFields top(doc, path);
  top.get_string("suite");
  top.get_string("comment", "");
  const nlohmann::json& list = top.get_raw("cases");
  if (!list.is_array()) top.fail("cases", std::string("expected an array of cases, got ") + list.type_name());
  top.reject_unknown_keys();
  std::vector<Case> cases;
  std::set<std::string> names;
  for (size_t i = 0; i < list.size(); ++i) {
    Case c = read_case(list[i], path, i, max_memory_bytes);
    if (!names.insert(c.problem.name).second) {
      throw CaseFileError(path + ": case '" + c.problem.name + "': field 'name': duplicate name");
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace gate::verify
