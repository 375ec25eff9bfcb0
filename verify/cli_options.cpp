// Argument parsing for `verify` (cli_options.hpp).
#include "verify/cli_options.hpp"

#include <cerrno>
#include <cstdlib>

namespace gate::verify {

const char* const kUsage =
    "usage:\n"
    "  verify --all                    every case of the suite on every backend present (cpu; cuda when a GPU is found)\n"
    "  verify --cpu-only               the same without touching CUDA\n"
    "  verify --case NAME[,NAME...]    some cases (any suite)\n"
    "  verify --list                   the cases, one a line\n"
    "  verify --self-test              legitimate variants and mutants on the suite; prints the mutation score\n"
    "  verify export --out DIR [--suite S | --case NAME...]\n"
    "                                  DIR/<case>/{x.npy, weight.npy, bias.npy, case.json}\n"
    "  verify check DIR [--precision fp32|tf32]\n"
    "                                  judge DIR/<case>/y.npy (DIR: one case folder or a folder of them)\n"
    "options: --suite quick|full  --json FILE  --junit FILE  --shard K/N  --threads T  --seed S  --max-memory BYTES[K|M|G]\n"
    "         --ulp-budget U  --cases-dir DIR\n"
    "         --candidate-lib PATH.so   run the suite on a kernel library (C ABI: gpu/candidate_abi.h) as the backend\n"
    "exit status: 0 every case passed, 1 a case failed, 2 bad input or usage, 130 interrupted (no partial file left)\n";

namespace {

int64_t parse_int(const std::string& text, const std::string& option, int64_t min_value) {
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || v < min_value) {
    throw UsageError(option + ": expected an integer >= " + std::to_string(min_value) + ", got '" + text + "'");
  }
  return v;
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t comma = s.find(',', start);
    const std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

void set_command(Options& o, Command c, const std::string& arg) {
  if (o.command != Command::kHelp && o.command != c) {
    throw UsageError(arg + ": only one of --all, --cpu-only, --case, --list, --self-test, export, check at a time");
  }
  o.command = c;
}

}  // namespace

uint64_t parse_bytes(const std::string& text, const std::string& option) {
  if (text.empty()) throw UsageError(option + ": expected a byte count");
  uint64_t scale = 1;
  std::string digits = text;
  switch (text.back()) {
    case 'K': case 'k': scale = 1ull << 10; break;
    case 'M': case 'm': scale = 1ull << 20; break;
    case 'G': case 'g': scale = 1ull << 30; break;
    case 'T': case 't': scale = 1ull << 40; break;
    default: break;
  }
  if (scale != 1) digits.pop_back();
  const uint64_t v = static_cast<uint64_t>(parse_int(digits, option, 1));
  if (v > UINT64_MAX / scale) throw UsageError(option + ": '" + text + "' is too large");
  return v * scale;
}

Options parse_options(const std::vector<std::string>& args) {
  Options o;
  bool run_flag = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw UsageError(a + ": needs a value");
      return args[++i];
    };
    if (a == "--help" || a == "-h") {
      o.command = Command::kHelp;
      return o;
    } else if (a == "--all") {
      set_command(o, Command::kRun, a);
      run_flag = true;
    } else if (a == "--cpu-only") {
      o.cpu_only = true;
      run_flag = true;
    } else if (a == "--case") {
      for (const std::string& n : split_commas(value())) o.case_names.push_back(n);
      if (o.case_names.empty()) throw UsageError("--case: no case name given");
    } else if (a == "--list") {
      set_command(o, Command::kList, a);
    } else if (a == "--self-test") {
      set_command(o, Command::kSelfTest, a);
    } else if (a == "export" && i == 0) {
      set_command(o, Command::kExport, a);
    } else if (a == "check" && i == 0) {
      set_command(o, Command::kCheck, a);
      if (i + 1 >= args.size() || args[i + 1].rfind("--", 0) == 0) throw UsageError("check: needs a folder");
      o.check_dir = args[++i];
    } else if (a == "--suite") {
      const std::string s = value();
      if (s != "quick" && s != "full") throw UsageError("--suite: expected quick or full, got '" + s + "'");
      o.suite = s;
    } else if (a == "--json") {
      o.json_path = value();
    } else if (a == "--junit") {
      o.junit_path = value();
    } else if (a == "--out") {
      o.out_dir = value();
    } else if (a == "--precision") {
      const std::string s = value();
      try {
        o.precision = parse_precision(s);
      } catch (const ProblemError& e) {
        throw UsageError(std::string("--precision: ") + e.what());
      }
    } else if (a == "--shard") {
      const std::string s = value();
      const size_t slash = s.find('/');
      if (slash == std::string::npos) throw UsageError("--shard: expected K/N, got '" + s + "'");
      o.shard_k = parse_int(s.substr(0, slash), "--shard K", 1);
      o.shard_n = parse_int(s.substr(slash + 1), "--shard N", 1);
      if (o.shard_k > o.shard_n) throw UsageError("--shard: K must be between 1 and N, got '" + s + "'");
    } else if (a == "--threads") {
      o.threads = static_cast<int>(parse_int(value(), a, 1));
    } else if (a == "--seed") {
      o.seed = static_cast<uint64_t>(parse_int(value(), a, 0));
    } else if (a == "--max-memory") {
      o.max_memory_bytes = parse_bytes(value(), a);
    } else if (a == "--ulp-budget") {
      const std::string s = value();
      char* end = nullptr;
      o.ulp_budget = std::strtod(s.c_str(), &end);
      if (s.empty() || *end != '\0' || !(o.ulp_budget >= 0.5)) {
        throw UsageError("--ulp-budget: expected a number >= 0.5 (the final rounding alone), got '" + s + "'");
      }
    } else if (a == "--cases-dir") {
      o.cases_dir = value();
    } else if (a == "--candidate-lib") {
      o.candidate_lib = value();
      run_flag = true;
    } else {
      throw UsageError("unknown argument '" + a + "'");
    }
  }
  if (o.command == Command::kHelp && (run_flag || !o.case_names.empty())) o.command = Command::kRun;
  if (o.command == Command::kExport && o.out_dir.empty()) throw UsageError("export: needs --out DIR");
  if (o.command != Command::kExport && !o.out_dir.empty()) throw UsageError("--out: only with export");
  if (o.command != Command::kCheck && o.precision) throw UsageError("--precision: only with check");
  if (!o.candidate_lib.empty() && o.command != Command::kRun) throw UsageError("--candidate-lib: only with a run of cases");
  if (o.command == Command::kCheck && (!o.case_names.empty() || o.suite || run_flag)) {
    throw UsageError("check: takes a folder, not --case, --suite, --all or --cpu-only");
  }
  return o;
}

}  // namespace gate::verify
