// Tests for verify/case_file.cpp: suite files, their errors, and the distributions' names.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "verify/case_file.hpp"
#include "verify/json_fields.hpp"

using namespace gate;
using namespace gate::verify;

namespace {

// This process's scratch folder, removed when the process ends.
std::filesystem::path test_dir() {
  return std::filesystem::temp_directory_path() / ("gate_verify_case_file_test_" + std::to_string(::getpid()));
}
struct RemoveAtExit {
  ~RemoveAtExit() { std::filesystem::remove_all(test_dir()); }
} remove_at_exit;

std::string write_suite(const std::string& name, const std::string& cases) {
  const auto dir = test_dir();
  std::filesystem::create_directories(dir);
  const std::string path = (dir / name).string();
  std::ofstream(path) << R"({"suite": "quick", "cases": [)" << cases << "]}";
  return path;
}

std::string error_of(const std::string& path) {
  try {
    read_suite_file(path, kDefaultMaxMemoryBytes);
  } catch (const CaseFileError& e) {
    return e.what();
  }
  return "";
}

constexpr const char* kGood =
    R"({"name": "a", "N": 1, "Cin": 2, "Cout": 4, "H": 3, "W": 5, "kernel": [2, 3], "stride": 2, "groups": 2,
        "bias": false, "add_value": -1, "multiply_value": 2, "dtype": "float16", "distribution": "exact", "seed": 9})";

}  // namespace

TEST_CASE("case_file: a suite file reads into problems and input specs", "[verify]") {
  const auto cases = read_suite_file(write_suite("good.json", kGood), kDefaultMaxMemoryBytes);
  REQUIRE(cases.size() == 1);
  const Problem& p = cases[0].problem;
  CHECK(p.name == "a");
  CHECK(p.kH == 2);
  CHECK(p.kW == 3);
  CHECK(p.stride == Hw{2, 2});
  CHECK(p.groups == 2);
  CHECK_FALSE(p.has_bias);
  CHECK(p.dtype == DType::kFloat16);
  CHECK(cases[0].inputs.distribution == Distribution::kExact);
  CHECK(cases[0].inputs.seed == 9);
}

TEST_CASE("case_file: errors name the file, the case and the field", "[verify]") {
  std::string e = error_of(write_suite("typo.json", R"({"name": "b", "N": 1, "Cin": 1, "Cout": 1, "H": 1, "W": 1,
      "kernel": 1, "distribution": "normal", "sede": 3})"));
  CHECK(e.find("typo.json: case 'b': field 'sede': unknown key") != std::string::npos);
  e = error_of(write_suite("type.json", R"({"name": "b", "N": 1.5, "Cin": 1, "Cout": 1, "H": 1, "W": 1, "kernel": 1,
      "distribution": "normal"})"));
  CHECK(e.find("field 'N': expected an integer, got number") != std::string::npos);
  e = error_of(write_suite("dist.json", R"({"name": "b", "N": 1, "Cin": 1, "Cout": 1, "H": 1, "W": 1, "kernel": 1,
      "distribution": "gaussian"})"));
  CHECK(e.find("field 'distribution': unknown distribution 'gaussian'") != std::string::npos);
  e = error_of(write_suite("invalid.json", R"({"name": "b", "N": 1, "Cin": 3, "Cout": 2, "H": 1, "W": 1, "kernel": 1,
      "groups": 2, "distribution": "normal"})"));
  CHECK(e.find("case 'b'") != std::string::npos);
  CHECK(e.find("groups") != std::string::npos);
  e = error_of(write_suite("dup.json", std::string(kGood) + "," + kGood));
  CHECK(e.find("duplicate name") != std::string::npos);
}

TEST_CASE("case_file: distribution names round-trip", "[verify]") {
  for (Distribution d : {Distribution::kKernelBench, Distribution::kNormal, Distribution::kExact,
                         Distribution::kClampBoundary, Distribution::kTail, Distribution::kSpecials,
                         Distribution::kProbe, Distribution::kLongSum}) {
    CHECK(parse_distribution(to_string(d)) == d);
  }
  CHECK_THROWS_AS(parse_distribution("uniform"), std::invalid_argument);
}

// Issue 8 regression (tests/fuzz/corpus/suite/bad_multiply_too_large_for_float.json): 1e40 used to load as an infinite
// multiply_value, which then made every reference output NaN or infinite.
TEST_CASE("case_file: an add or multiply value beyond the float range is refused, not read as infinity", "[verify]") {
  std::string e = error_of(write_suite("big_mul.json", R"({"name": "b", "N": 1, "Cin": 1, "Cout": 1, "H": 1, "W": 1,
      "kernel": 1, "distribution": "normal", "multiply_value": 1e40})"));
  CHECK(e.find("case 'b': field 'multiply_value': the number is beyond the float range") != std::string::npos);
  e = error_of(write_suite("big_add.json", R"({"name": "b", "N": 1, "Cin": 1, "Cout": 1, "H": 1, "W": 1,
      "kernel": 1, "distribution": "normal", "add_value": -3.5e38})"));
  CHECK(e.find("field 'add_value': the number is beyond the float range") != std::string::npos);
  CHECK(error_of(write_suite("max_float.json", R"({"name": "b", "N": 1, "Cin": 1, "Cout": 1, "H": 1, "W": 1,
      "kernel": 1, "distribution": "normal", "add_value": 3.4028234663852886e38})")) == "");
}
