// Exported case folders: export and read-back for `verify check` (case_dir.hpp).
#include "verify/case_dir.hpp"

#include <algorithm>
#include <filesystem>

#include "core/npy.hpp"
#include "verify/atomic_file.hpp"
#include "verify/case_json.hpp"
#include "verify/json_fields.hpp"

namespace fs = std::filesystem;

namespace gate::verify {
namespace {

HostTensor read_array(const std::string& path, DType dtype, uint64_t max_bytes, size_t rank) {
  if (!fs::exists(path)) throw CaseFileError(path + ": missing");
  HostTensor t = read_npy(path, dtype, max_bytes);
  if (t.shape.size() != rank) {
    throw CaseFileError(path + ": expected " + std::to_string(rank) + " dimensions, got shape " +
                        shape_string(t.shape));
  }
  return t;
}

}  // namespace

void export_case(const std::string& dir, const Problem& p, const CaseInputs& inputs) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw ReportError(dir + ": cannot create the folder (" + ec.message() + ")");
  // case.json goes last, and an earlier export's goes first: a folder interrupted half-way (SIGINT) has no case.json,
  // so `verify check` never mistakes it for a case.
  fs::remove(dir + "/case.json", ec);
  write_npy(dir + "/x.npy", inputs.x);
  write_npy(dir + "/weight.npy", inputs.weight);
  if (inputs.bias) {
    write_npy(dir + "/bias.npy", *inputs.bias);
  } else {
    fs::remove(dir + "/bias.npy", ec);  // a stale bias from an earlier export would change the case
  }
  write_file_atomically(dir + "/case.json", case_json_text(p));
}

CaseDir read_case_inputs(const std::string& dir, uint64_t max_memory_bytes,
                         std::optional<Precision> precision_override) {
  CaseDir c;
  c.dir = dir;
  Problem& p = c.problem;
  p = read_case_json(dir + "/case.json");
  if (precision_override) p.precision = *precision_override;
  c.inputs.x = read_array(dir + "/x.npy", p.dtype, max_memory_bytes, 4);
  c.inputs.weight = read_array(dir + "/weight.npy", p.dtype, max_memory_bytes, 4);
  p.N = c.inputs.x.shape[0];
  p.Cin = c.inputs.x.shape[1];
  p.H = c.inputs.x.shape[2];
  p.W = c.inputs.x.shape[3];
  const auto& ws = c.inputs.weight.shape;
  if (ws[0] != p.Cin) {
    throw CaseFileError(dir + "/weight.npy: dimension 0 is " + std::to_string(ws[0]) + " but x.npy has Cin = " +
                        std::to_string(p.Cin) + " (weight is (Cin, Cout/groups, kH, kW))");
  }
  // groups comes from case.json unchecked (validate() runs below): the product must not overflow first.
  if (p.groups < 1 || __builtin_mul_overflow(ws[1], p.groups, &p.Cout)) {
    throw CaseFileError(dir + "/case.json: field 'groups': " + std::to_string(p.groups) +
                        " is not a usable group count for weight.npy dimension 1 = " + std::to_string(ws[1]));
  }
  p.kH = ws[2];
  p.kW = ws[3];
  p.has_bias = fs::exists(dir + "/bias.npy");
  if (p.has_bias) {
    c.inputs.bias = read_array(dir + "/bias.npy", p.dtype, max_memory_bytes, 1);
    if (c.inputs.bias->shape[0] != p.Cout) {
      throw CaseFileError(dir + "/bias.npy: has " + std::to_string(c.inputs.bias->shape[0]) +
                          " elements, expected Cout = " + std::to_string(p.Cout));
    }
  }
  // Each input array was bounded by the limit as it was read; the whole case (inputs, y, the reference's arrays) is
  // checked here, before y.npy is read and before the reference allocates anything.
  try {
    validate(p, max_memory_bytes);
  } catch (const ProblemError& e) {
    throw CaseFileError(dir + ": the case is invalid: " + e.what());
  }
  return c;
}

CaseDir read_case_dir(const std::string& dir, uint64_t max_memory_bytes, std::optional<Precision> precision_override) {
  CaseDir c = read_case_inputs(dir, max_memory_bytes, precision_override);
  const Problem& p = c.problem;
  c.y = read_array(dir + "/y.npy", p.dtype, max_memory_bytes, 4);
  if (c.y.shape != y_shape(p)) {
    throw CaseFileError(dir + "/y.npy: shape " + shape_string(c.y.shape) + ", expected " + shape_string(y_shape(p)) +
                        " (N, Cout, Hout, Wout) for these inputs");
  }
  return c;
}

std::vector<std::string> find_case_dirs(const std::string& dir) {
  if (!fs::is_directory(dir)) throw CaseFileError(dir + ": not a folder");
  if (fs::exists(dir + "/case.json")) return {dir};
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_directory() && fs::exists(entry.path() / "case.json")) out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  if (out.empty()) throw CaseFileError(dir + ": holds no case.json, nor any folder that does");
  return out;
}

}  // namespace gate::verify
