// Tests for verify/case_json.cpp: case.json round trip, PyTorch's defaults, and errors naming the file and the field.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "verify/case_json.hpp"
#include "verify/json_fields.hpp"

using namespace gate;
using namespace gate::verify;

namespace {

// This process's scratch folder, removed when the process ends.
std::filesystem::path test_dir() {
  return std::filesystem::temp_directory_path() / ("gate_verify_case_json_test_" + std::to_string(::getpid()));
}
struct RemoveAtExit {
  ~RemoveAtExit() { std::filesystem::remove_all(test_dir()); }
} remove_at_exit;

std::string write_temp(const std::string& name, const std::string& text) {
  const auto dir = test_dir();
  std::filesystem::create_directories(dir);
  const std::string path = (dir / name).string();
  std::ofstream(path) << text;
  return path;
}

std::string error_of(const std::string& path) {
  try {
    read_case_json(path);
  } catch (const CaseFileError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("case_json: written parameters read back identically", "[verify]") {
  Problem p;
  p.name = "round_trip";
  p.stride = {2, 3};
  p.padding = {1, 0};
  p.output_padding = {1, 2};
  p.dilation = {2, 1};
  p.groups = 2;
  p.add_value = -0.1f;
  p.multiply_value = 2.5f;
  p.dtype = DType::kBFloat16;
  p.precision = Precision::kTf32;
  const Problem q = read_case_json(write_temp("round_trip.json", case_json_text(p)));
  CHECK(q.name == p.name);
  CHECK(q.stride == p.stride);
  CHECK(q.padding == p.padding);
  CHECK(q.output_padding == p.output_padding);
  CHECK(q.dilation == p.dilation);
  CHECK(q.groups == 2);
  CHECK(q.add_value == p.add_value);  // bit-exact: the float went out as its exact double
  CHECK(q.multiply_value == p.multiply_value);
  CHECK(q.dtype == DType::kBFloat16);
  CHECK(q.precision == Precision::kTf32);
}

TEST_CASE("case_json: missing keys take PyTorch's defaults", "[verify]") {
  const Problem q = read_case_json(write_temp("defaults.json", R"({"name": "d"})"));
  CHECK(q.stride == Hw{1, 1});
  CHECK(q.padding == Hw{0, 0});
  CHECK(q.dilation == Hw{1, 1});
  CHECK(q.groups == 1);
  CHECK(q.dtype == DType::kFloat32);
  CHECK(q.precision == Precision::kFp32);
}

TEST_CASE("case_json: an unknown key is refused, naming the file and the key", "[verify]") {
  const std::string path = write_temp("unknown.json", R"({"name": "u", "strides": [2, 2]})");
  const std::string e = error_of(path);
  CHECK(e.find(path) != std::string::npos);
  CHECK(e.find("'strides'") != std::string::npos);
  CHECK(e.find("unknown key") != std::string::npos);
}

TEST_CASE("case_json: a wrong type is refused, naming the field and the types", "[verify]") {
  std::string e = error_of(write_temp("type.json", R"({"name": "t", "groups": "2"})"));
  CHECK(e.find("'groups'") != std::string::npos);
  CHECK(e.find("expected an integer, got string") != std::string::npos);
  e = error_of(write_temp("pair.json", R"({"name": "t", "stride": [1, 2, 3]})"));
  CHECK(e.find("'stride'") != std::string::npos);
  e = error_of(write_temp("dtype.json", R"({"name": "t", "dtype": "float64"})"));
  CHECK(e.find("'dtype'") != std::string::npos);
  e = error_of(write_temp("syntax.json", R"({"name": "t", )"));
  CHECK(e.find("not valid JSON") != std::string::npos);
  e = error_of(write_temp("array.json", R"([1, 2])"));
  CHECK(e.find("expected a JSON object") != std::string::npos);
  CHECK(error_of("/nonexistent/case.json").find("cannot open") != std::string::npos);
}

// Issue 8 regression (tests/fuzz/corpus/case_json/bad_add_too_large_for_float.json, caught by case_json_fuzz's
// round trip): 1e300 used to read as add_value = inf, which case_json_text then wrote as null.
TEST_CASE("case_json: a value beyond the float range is refused, not read as infinity", "[verify]") {
  CHECK(error_of(write_temp("big.json", R"({"name": "x", "add_value": 1e300})"))
            .find("field 'add_value': the number is beyond the float range") != std::string::npos);
  CHECK(error_of(write_temp("big_mul.json", R"({"name": "x", "multiply_value": -1e39})"))
            .find("field 'multiply_value'") != std::string::npos);
}
