// The JUnit XML report (report.hpp): one <testsuite> per backend, one <testcase> per case, a <failure> carrying
// failure_report()'s paragraph. CI systems render it as a test list.
#include <map>

#include "verify/report.hpp"

namespace gate::verify {
namespace {

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += ch;
    }
  }
  return out;
}

}  // namespace

std::string junit_report(const std::vector<CaseResult>& results) {
  std::map<std::string, std::vector<const CaseResult*>> by_backend;
  for (const CaseResult& r : results) by_backend[r.backend].push_back(&r);
  long long failures = 0;
  for (const CaseResult& r : results) failures += r.passed() ? 0 : 1;
  std::string s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  s += "<testsuites name=\"verify\" tests=\"" + std::to_string(results.size()) + "\" failures=\"" +
       std::to_string(failures) + "\">\n";
  for (const auto& [backend, list] : by_backend) {
    long long f = 0;
    double seconds = 0;
    for (const CaseResult* r : list) {
      f += r->passed() ? 0 : 1;
      seconds += r->elapsed_ms / 1000;
    }
    s += "  <testsuite name=\"verify." + xml_escape(backend) + "\" tests=\"" + std::to_string(list.size()) +
         "\" failures=\"" + std::to_string(f) + "\" time=\"" + std::to_string(seconds) + "\">\n";
    for (const CaseResult* r : list) {
      s += "    <testcase classname=\"verify." + xml_escape(backend) + "\" name=\"" + xml_escape(r->case_name) +
           "\" time=\"" + std::to_string(r->elapsed_ms / 1000) + "\"";
      if (r->passed()) {
        s += "/>\n";
      } else {
        const std::string text = failure_report(*r);
        s += ">\n      <failure message=\"" + xml_escape(text.substr(0, text.find('\n'))) + "\">" + xml_escape(text) +
             "</failure>\n    </testcase>\n";
      }
    }
    s += "  </testsuite>\n";
  }
  s += "</testsuites>\n";
  return s;
}

}  // namespace gate::verify
