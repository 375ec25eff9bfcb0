// Typed access to the fields of one JSON object read from a file, for case.json and the catalogue: every error names
// the file, the field and the problem ("data/cases/quick.json: case 'x': field 'stride': expected an integer or a pair
// of integers, got string"), and keys nobody asked for are refused (a typo must not silently take a default).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "core/problem.hpp"

namespace gate::verify {

// A malformed case file: the message names the file and the field.
struct CaseFileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parses a whole file as JSON; CaseFileError on a missing file or a syntax error (with the parser's position).
nlohmann::json parse_json_file(const std::string& path);

class JsonFields {
 public:
  // where: "file" or "file: case 'name'", prefixed to every message. Throws unless obj is an object.
  JsonFields(const nlohmann::json& obj, std::string where);

  bool has(const std::string& key) const;
  std::string get_string(const std::string& key, std::optional<std::string> fallback = std::nullopt);
  int64_t get_int(const std::string& key, std::optional<int64_t> fallback = std::nullopt);
  double get_number(const std::string& key, std::optional<double> fallback = std::nullopt);
  // A number that rounds to a finite float (add_value, multiply_value): 1e39 would silently become inf.
  float get_float(const std::string& key, std::optional<float> fallback = std::nullopt);
  bool get_bool(const std::string& key, std::optional<bool> fallback = std::nullopt);
  // An integer (both axes) or a pair [h, w].
  Hw get_pair(const std::string& key, std::optional<Hw> fallback = std::nullopt);
  const nlohmann::json& get_raw(const std::string& key);  // marks the key used; throws if absent

  // Throws for the first key that no get_* asked for.
  void reject_unknown_keys() const;
  [[noreturn]] void fail(const std::string& key, const std::string& problem) const;

 private:
  const nlohmann::json* find(const std::string& key);
  const nlohmann::json& obj_;
  std::string where_;
  std::set<std::string> used_;
};

}  // namespace gate::verify
