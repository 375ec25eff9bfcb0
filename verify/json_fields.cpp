// Typed JSON field access with file- and field-naming errors (json_fields.hpp).
#include "verify/json_fields.hpp"

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

namespace gate::verify {

nlohmann::json parse_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CaseFileError(path + ": cannot open the file");
  std::stringstream text;
  text << in.rdbuf();
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception& e) {
    throw CaseFileError(path + ": not valid JSON (" + e.what() + ")");
  }
}

JsonFields::JsonFields(const nlohmann::json& obj, std::string where) : obj_(obj), where_(std::move(where)) {
  if (!obj_.is_object()) throw CaseFileError(where_ + ": expected a JSON object, got " + obj_.type_name());
}

void JsonFields::fail(const std::string& key, const std::string& problem) const {
  throw CaseFileError(where_ + ": field '" + key + "': " + problem);
}

bool JsonFields::has(const std::string& key) const { return obj_.contains(key); }

const nlohmann::json* JsonFields::find(const std::string& key) {
  auto it = obj_.find(key);
  if (it == obj_.end()) return nullptr;
  used_.insert(key);
  return &*it;
}

const nlohmann::json& JsonFields::get_raw(const std::string& key) {
  const nlohmann::json* v = find(key);
  if (!v) fail(key, "missing");
  return *v;
}

std::string JsonFields::get_string(const std::string& key, std::optional<std::string> fallback) {
  const nlohmann::json* v = find(key);
  if (!v) {
    if (fallback) return *fallback;
    fail(key, "missing");
  }
  if (!v->is_string()) fail(key, std::string("expected a string, got ") + v->type_name());
  return v->get<std::string>();
}

int64_t JsonFields::get_int(const std::string& key, std::optional<int64_t> fallback) {
  const nlohmann::json* v = find(key);
  if (!v) {
    if (fallback) return *fallback;
    fail(key, "missing");
  }
  if (!v->is_number_integer()) fail(key, std::string("expected an integer, got ") + v->type_name());
  return v->get<int64_t>();
}

double JsonFields::get_number(const std::string& key, std::optional<double> fallback) {
  const nlohmann::json* v = find(key);
  if (!v) {
    if (fallback) return *fallback;
    fail(key, "missing");
  }
  if (!v->is_number()) fail(key, std::string("expected a number, got ") + v->type_name());
  const double d = v->get<double>();
  if (!std::isfinite(d)) fail(key, "expected a finite number");
  return d;
}

float JsonFields::get_float(const std::string& key, std::optional<float> fallback) {
  if (!has(key) && fallback) return *fallback;
  const double d = get_number(key);
  // Checked before the conversion: converting a double outside the float range is undefined behaviour in C++.
  if (std::fabs(d) > static_cast<double>(std::numeric_limits<float>::max())) {
    fail(key, "the number is beyond the float range (|v| > 3.4028235e38)");
  }
  return static_cast<float>(d);
}

bool JsonFields::get_bool(const std::string& key, std::optional<bool> fallback) {
  const nlohmann::json* v = find(key);
  if (!v) {
    if (fallback) return *fallback;
    fail(key, "missing");
  }
  if (!v->is_boolean()) fail(key, std::string("expected true or false, got ") + v->type_name());
  return v->get<bool>();
}

Hw JsonFields::get_pair(const std::string& key, std::optional<Hw> fallback) {
  const nlohmann::json* v = find(key);
  if (!v) {
    if (fallback) return *fallback;
    fail(key, "missing");
  }
  if (v->is_number_integer()) return Hw{v->get<int64_t>(), v->get<int64_t>()};
  if (v->is_array() && v->size() == 2 && (*v)[0].is_number_integer() && (*v)[1].is_number_integer()) {
    return Hw{(*v)[0].get<int64_t>(), (*v)[1].get<int64_t>()};
  }
  fail(key, std::string("expected an integer or a pair [h, w] of integers, got ") +
                (v->is_array() ? "an array of " + std::to_string(v->size()) + " elements or non-integers"
                               : std::string(v->type_name())));
}

void JsonFields::reject_unknown_keys() const {
  for (auto it = obj_.begin(); it != obj_.end(); ++it) {
    if (!used_.count(it.key())) fail(it.key(), "unknown key (a typo? see verify/README.md for the fields)");
  }
}

}  // namespace gate::verify
