// Tests for verify/catalogue.cpp and the catalogue in data/cases: the suites load, cover every distribution and every
// ConvTranspose2d parameter the issue lists, the full suite holds the seed workload, and sharding partitions cases.
#include <catch2/catch.hpp>

#include <set>

#include "verify/catalogue.hpp"

using namespace gate;
using namespace gate::verify;

namespace {

const std::string kCasesDir = std::string(GATE_SOURCE_DIR) + "/data/cases";

bool any(const std::vector<Case>& cases, bool (*pred)(const Problem&)) {
  for (const Case& c : cases) {
    if (pred(c.problem)) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("catalogue: the quick suite covers every distribution of the issue", "[verify]") {
  const auto cases = load_suite(kCasesDir, Suite::kQuick, kDefaultMaxMemoryBytes);
  std::set<Distribution> seen;
  for (const Case& c : cases) seen.insert(c.inputs.distribution);
  for (Distribution d : {Distribution::kKernelBench, Distribution::kNormal, Distribution::kExact,
                         Distribution::kClampBoundary, Distribution::kTail, Distribution::kSpecials,
                         Distribution::kProbe, Distribution::kLongSum}) {
    INFO(to_string(d));
    CHECK(seen.count(d) == 1);
  }
}

TEST_CASE("catalogue: the quick suite covers every ConvTranspose2d parameter, dtype and precision", "[verify]") {
  const auto c = load_suite(kCasesDir, Suite::kQuick, kDefaultMaxMemoryBytes);
  CHECK(any(c, [](const Problem& p) { return p.stride.h != p.stride.w; }));
  CHECK(any(c, [](const Problem& p) { return p.padding.h > 0 && p.padding.w > 0 && p.padding.h != p.padding.w; }));
  CHECK(any(c, [](const Problem& p) { return p.output_padding.h > 0 || p.output_padding.w > 0; }));
  CHECK(any(c, [](const Problem& p) { return p.dilation.h > 1 || p.dilation.w > 1; }));
  CHECK(any(c, [](const Problem& p) { return p.groups > 1; }));
  CHECK(any(c, [](const Problem& p) { return !p.has_bias; }));
  CHECK(any(c, [](const Problem& p) { return p.kH != p.kW; }));
  CHECK(any(c, [](const Problem& p) { return p.stride.h > p.kH; }));
  CHECK(any(c, [](const Problem& p) { return p.H == 1 && p.W == 1; }));
  CHECK(any(c, [](const Problem& p) { return p.Cin == 1; }));
  CHECK(any(c, [](const Problem& p) { return p.kH == 1 && p.kW == 1; }));
  CHECK(any(c, [](const Problem& p) { return p.H % 2 == 1 && p.W % 2 == 1 && p.H != p.W; }));
  CHECK(any(c, [](const Problem& p) { return p.dtype == DType::kFloat16; }));
  CHECK(any(c, [](const Problem& p) { return p.dtype == DType::kBFloat16; }));
  CHECK(any(c, [](const Problem& p) { return p.precision == Precision::kTf32; }));
  CHECK(any(c, [](const Problem& p) { return p.multiply_value < 0; }));
  CHECK(any(c, [](const Problem& p) { return p.Cin / p.groups >= 1024; }));  // long sums
}

TEST_CASE("catalogue: the full suite adds the seed workload exactly as KernelBench gives it", "[verify]") {
  const auto full = load_suite(kCasesDir, Suite::kFull, kDefaultMaxMemoryBytes);
  const auto seed = select_cases(full, {"seed_workload"});
  REQUIRE(seed.size() == 1);
  const Problem& p = seed[0].problem;
  CHECK(p.N == 128);
  CHECK(p.Cin == 64);
  CHECK(p.Cout == 128);
  CHECK(p.H == 64);
  CHECK(p.W == 64);
  CHECK(p.kH == 4);
  CHECK(p.stride == Hw{2, 2});
  CHECK(p.padding == Hw{0, 0});
  CHECK(p.add_value == 0.5f);
  CHECK(p.multiply_value == 2.0f);
  CHECK(seed[0].inputs.distribution == Distribution::kKernelBench);
  CHECK(y_shape(p) == std::vector<int64_t>{128, 128, 130, 130});
  const auto quick = load_suite(kCasesDir, Suite::kQuick, kDefaultMaxMemoryBytes);
  CHECK(full.size() > quick.size());
  CHECK_THROWS_AS(select_cases(quick, {"seed_workload"}), std::invalid_argument);
}

TEST_CASE("catalogue: shards partition the cases", "[verify]") {
  const auto cases = load_suite(kCasesDir, Suite::kQuick, kDefaultMaxMemoryBytes);
  std::multiset<std::string> names;
  for (int k = 1; k <= 3; ++k) {
    for (const Case& c : shard_cases(cases, k, 3)) names.insert(c.problem.name);
  }
  CHECK(names.size() == cases.size());
  for (const Case& c : cases) CHECK(names.count(c.problem.name) == 1);
  CHECK_THROWS_AS(shard_cases(cases, 4, 3), std::invalid_argument);
  CHECK_THROWS_AS(shard_cases(cases, 0, 3), std::invalid_argument);
}

TEST_CASE("catalogue: a missing suite file is an error naming it", "[verify]") {
  try {
    load_suite("/nonexistent", Suite::kQuick, kDefaultMaxMemoryBytes);
    FAIL("no error");
  } catch (const std::exception& e) {
    CHECK(std::string(e.what()).find("/nonexistent/quick.json") != std::string::npos);
  }
}
