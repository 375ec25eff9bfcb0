// The case catalogue (catalogue.hpp).
#include "verify/catalogue.hpp"

#include <cstdlib>
#include <set>
#include <stdexcept>

#include "verify/json_fields.hpp"

#ifndef GATE_DATA_DIR
#define GATE_DATA_DIR "data"
#endif

namespace gate::verify {

Suite parse_suite(const std::string& s) {
  if (s == "quick") return Suite::kQuick;
  if (s == "full") return Suite::kFull;
  throw std::invalid_argument("unknown suite '" + s + "' (accepted: quick, full)");
}

std::string default_cases_dir() {
  if (const char* env = std::getenv("GATE_CASES_DIR"); env && *env) return env;
  return std::string(GATE_DATA_DIR) + "/cases";
}

std::vector<Case> load_suite(const std::string& cases_dir, Suite suite, uint64_t max_memory_bytes) {
  std::vector<std::string> files = {cases_dir + "/quick.json"};
  if (suite == Suite::kFull) files.push_back(cases_dir + "/full.json");
  std::vector<Case> all;
  std::set<std::string> names;
  for (const std::string& file : files) {
    for (Case& c : read_suite_file(file, max_memory_bytes)) {
      if (!names.insert(c.problem.name).second) {
        throw CaseFileError(file + ": case '" + c.problem.name + "': field 'name': also defined in another suite file");
      }
      all.push_back(std::move(c));
    }
  }
  return all;
}

std::vector<Case> select_cases(const std::vector<Case>& all, const std::vector<std::string>& names) {
  std::vector<Case> out;
  for (const std::string& name : names) {
    bool found = false;
    for (const Case& c : all) {
      if (c.problem.name == name) {
        out.push_back(c);
        found = true;
        break;
      }
    }
    if (!found) throw std::invalid_argument("no case named '" + name + "' (verify --list --suite full lists them)");
  }
  return out;
}

std::vector<Case> shard_cases(const std::vector<Case>& cases, int64_t k, int64_t n) {
  if (n < 1 || k < 1 || k > n) throw std::invalid_argument("--shard K/N needs 1 <= K <= N");
  std::vector<Case> out;
  for (size_t i = 0; i < cases.size(); ++i) {
    if (static_cast<int64_t>(i % static_cast<size_t>(n)) == k - 1) out.push_back(cases[i]);
  }
  return out;
}

}  // namespace gate::verify
