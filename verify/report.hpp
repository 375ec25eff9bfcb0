// The reports, last step of case → ... → compare → report: the terminal table (report_table.cpp), JSON
// (report_json.cpp) and JUnit XML (report_junit.cpp). All render the same CaseResults; the files are written atomically
// by the caller (atomic_file.hpp).
#pragma once

#include <string>
#include <vector>

#include "verify/case_run.hpp"

namespace gate::verify {

// One row per result, then a paragraph per failure (failure_report), without the closing line.
std::string table_report(const std::vector<CaseResult>& results);

// For a failed result: the worst element's index (n, c, h, w), candidate and reference values, error in ULP and
// relative terms, the bound it broke with its terms, the contract, and the repro command.
std::string failure_report(const CaseResult& r);

// "N passed, M failed" (DESIGN.md: the closing line CI parsers read).
std::string closing_line(const std::vector<CaseResult>& results);

std::string json_report(const std::vector<CaseResult>& results);
std::string junit_report(const std::vector<CaseResult>& results);

}  // namespace gate::verify
