// Tests for verify/report_table.cpp, report_json.cpp and report_junit.cpp: the closing line, the failure paragraph
// (index, values, ULP, relative error, the bound, the repro), JSON that parses, JUnit with a failure element.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "verify/report.hpp"

using namespace gate;
using namespace gate::verify;

namespace {

std::vector<CaseResult> sample_results() {
  CaseResult ok;
  ok.case_name = "good_case";
  ok.backend = "cpu";
  ok.repro = "verify --case good_case --cpu-only";
  ok.compare.elements = 10;
  CaseResult bad = ok;
  bad.case_name = "bad<case>";
  bad.repro = "verify --case bad<case> --cpu-only";
  bad.compare.violations = 2;
  bad.compare.max_utilisation = 12.5;
  bad.compare.has_worst = true;
  bad.compare.worst.flat_index = 17;
  bad.compare.worst.index = {1, 1, 0, 1};
  bad.compare.worst.candidate = -0.125;
  bad.compare.worst.reference = -0.12;
  bad.compare.worst.abs_err = 0.005;
  bad.compare.worst.ulp_err = 671088.64;
  bad.compare.worst.rel_err = 0.0417;
  bad.compare.worst.utilisation = 12.5;
  bad.compare.worst.allowance.ulp_part = 0.0001;
  bad.compare.worst.allowance.conv = 0.0003;
  bad.compare.worst.verdict = "exceeds bound";
  return {ok, bad};
}

}  // namespace

TEST_CASE("report: the closing line is 'N passed, M failed'", "[verify]") {
  CHECK(closing_line(sample_results()) == "1 passed, 1 failed");
  CHECK(closing_line({}) == "0 passed, 0 failed");
}

TEST_CASE("report: a failure names the worst element, its values and errors, the bound and the repro", "[verify]") {
  const std::string s = failure_report(sample_results()[1]);
  CHECK(s.find("(n=1, c=1, h=0, w=1)") != std::string::npos);
  CHECK(s.find("candidate -0.125") != std::string::npos);
  CHECK(s.find("reference -0.12") != std::string::npos);
  CHECK(s.find("ulp") != std::string::npos);
  CHECK(s.find("relative 0.0417") != std::string::npos);
  CHECK(s.find("bound broken") != std::string::npos);
  CHECK(s.find("conv accumulation") != std::string::npos);
  CHECK(s.find("repro: verify --case bad<case> --cpu-only") != std::string::npos);
  CHECK(table_report(sample_results()).find("FAIL bad<case>") != std::string::npos);
}

TEST_CASE("report: JSON parses and carries the figures", "[verify]") {
  const auto j = nlohmann::json::parse(json_report(sample_results()));
  CHECK(j["passed"] == 1);
  CHECK(j["failed"] == 1);
  CHECK(j["results"][1]["worst"]["index"] == std::vector<int64_t>{1, 1, 0, 1});
  CHECK(j["results"][1]["max_bound_utilisation"] == 12.5);
  CHECK(j["results"][0]["passed"] == true);
}

TEST_CASE("report: JUnit XML has one testcase per result, a failure, and escaped names", "[verify]") {
  const std::string x = junit_report(sample_results());
  CHECK(x.find("<testsuites name=\"verify\" tests=\"2\" failures=\"1\">") != std::string::npos);
  CHECK(x.find("name=\"bad&lt;case&gt;\"") != std::string::npos);
  CHECK(x.find("<failure message=") != std::string::npos);
  CHECK(x.find("bad<case>") == std::string::npos);
}
