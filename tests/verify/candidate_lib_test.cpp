// tests/verify/candidate_lib_test.cpp — loading candidate libraries through the C ABI: the example library runs and
// matches a direct double loop; every bad library is a CandidateLibError naming the path and the problem.
#include "verify/candidate_lib.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "verify/allowance.hpp"
#include "verify/case_run.hpp"

using namespace gate;

namespace {

std::string lib(const char* name) { return std::string(GATE_TEST_LIB_DIR) + "/lib" + name + ".so"; }
const std::string kExampleLib = GATE_EXAMPLE_LIB;

std::string load_error(const std::string& path) {
  try {
    CandidateLibrary l(path);
  } catch (const CandidateLibError& e) {
    return e.what();
  }
  return "";
}

Problem small_problem() {
  Problem p;
  p.name = "lib_small";
  p.N = 2, p.Cin = 4, p.Cout = 6, p.H = 5, p.W = 3, p.kH = 3, p.kW = 2;
  p.stride = {2, 1};
  p.padding = {1, 0};
  p.groups = 2;
  p.add_value = 0.25f;
  p.multiply_value = 1.5f;
  return p;
}

HostTensor filled(const std::vector<int64_t>& shape, DType d, int salt) {
  HostTensor t = make_tensor(shape, d, "t");
  // Small integers over 8: exact in every dtype, so the example's float sums are exact too.
  for (int64_t i = 0; i < t.size(); ++i) t.values[i] = static_cast<float>(((i * 7 + salt * 13) % 17) - 8) / 8.0f;
  return t;
}

}  // namespace

TEST_CASE("candidate_lib: the example library computes the operation on every dtype", "[verify]") {
  CandidateLibrary l(kExampleLib);
  REQUIRE(l.name() == "example direct float (CPU)");
  REQUIRE_FALSE(l.wants_device_memory());
  for (DType d : {DType::kFloat32, DType::kFloat16, DType::kBFloat16}) {
    Problem p = small_problem();
    p.dtype = d;
    const HostTensor x = filled(x_shape(p), d, 1), w = filled(weight_shape(p), d, 2), b = filled(bias_shape(p), d, 3);
    const HostTensor y = l.run_host(p, x, w, &b);
    REQUIRE(y.shape == y_shape(p));
    // Judged by the comparator under the fp32 contract, as `verify --candidate-lib` judges it.
    const verify::ReferenceOutput ref = verify::compute_reference(p, x, w, &b, false, verify::kDefaultUlpBudget);
    const verify::CompareResult result = verify::judge(ref, y);
    INFO(to_string(d) << ": " << result.violations << " violations");
    REQUIRE(result.passed());
  }
}

TEST_CASE("candidate_lib: a bad library is refused with its path and the reason", "[verify]") {
  REQUIRE_THAT(load_error("/nonexistent/libnothing.so"), Catch::Contains("cannot load the library"));
  const std::string missing = load_error(lib("test_candidate_missing_symbol"));
  REQUIRE_THAT(missing, Catch::Contains("missing symbol gate_candidate_run"));
  REQUIRE_THAT(missing, Catch::Contains("libtest_candidate_missing_symbol.so"));
  REQUIRE_THAT(load_error(lib("test_candidate_bad_version")), Catch::Contains("ABI version 2, but this verify speaks version 1"));
}

TEST_CASE("candidate_lib: an error returned by the library carries its message and the case", "[verify]") {
  CandidateLibrary l(lib("test_candidate_returns_error"));
  const Problem p = small_problem();
  const HostTensor x = filled(x_shape(p), p.dtype, 1), w = filled(weight_shape(p), p.dtype, 2);
  REQUIRE_THROWS_WITH(l.run_host(p, x, w, nullptr),
                      Catch::Contains("returned 7 on case lib_small: unsupported: groups=2"));
}

TEST_CASE("candidate_lib: an output the library never writes keeps the NaN pattern", "[verify]") {
  CandidateLibrary l(lib("test_candidate_writes_nothing"));
  const Problem p = small_problem();
  const HostTensor x = filled(x_shape(p), p.dtype, 1), w = filled(weight_shape(p), p.dtype, 2);
  const HostTensor y = l.run_host(p, x, w, nullptr);
  for (float v : y.values) REQUIRE(std::isnan(v));
}
