// The `verify` commands (cli.hpp): case selection, the backends, reports, export and check. Bad input of any kind
// (usage, case files, .npy files, report paths) ends with a message naming the file and the problem, and status 2,
// before any report is written.
#include "verify/cli.hpp"

#include <omp.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>

#include "core/npy.hpp"
#include "verify/atomic_file.hpp"
#include "verify/case_dir.hpp"
#include "verify/catalogue.hpp"
#include "verify/cli_options.hpp"
#include "verify/cpu_backend.hpp"
#include "verify/cuda_backend.hpp"
#include "verify/json_fields.hpp"
#include "verify/library_backend.hpp"
#include "verify/report.hpp"
#include "verify/self_test.hpp"

namespace gate::verify {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The live progress line: only on a terminal, overwritten in place, erased at the end.
struct Progress {
  std::ostream& err;
  bool enabled;
  void show(size_t i, size_t n, const std::string& what) {
    if (!enabled) return;
    err << "\r\033[K[" << (i + 1) << "/" << n << "] " << what << std::flush;
  }
  void clear() {
    if (enabled) err << "\r\033[K" << std::flush;
  }
};

std::string repro_for(const std::string& name, const Options& o, const char* extra = "") {
  std::string s = "verify --case " + name + extra;
  if (o.seed != 0) s += " --seed " + std::to_string(o.seed);
  if (o.ulp_budget != kDefaultUlpBudget) s += " --ulp-budget " + std::to_string(o.ulp_budget);
  return s;
}

std::vector<Case> chosen_cases(const Options& o) {
  const std::string dir = o.cases_dir.empty() ? default_cases_dir() : o.cases_dir;
  // The catalogue is checked whole, but --max-memory applies only to the cases this run will make: a large case
  // elsewhere in the suite must not stop `verify --case small --max-memory 64M`.
  constexpr uint64_t kNoMemoryLimit = UINT64_MAX;
  std::vector<Case> cases;
  if (!o.case_names.empty()) {
    // A named case is found in any suite: the full suite holds the quick one.
    cases = select_cases(load_suite(dir, o.suite ? parse_suite(*o.suite) : Suite::kFull, kNoMemoryLimit),
                         o.case_names);
  } else {
    cases = load_suite(dir, o.suite ? parse_suite(*o.suite) : Suite::kQuick, kNoMemoryLimit);
  }
  cases = shard_cases(cases, o.shard_k, o.shard_n);
  for (const Case& c : cases) {
    try {
      validate(c.problem, o.max_memory_bytes);
    } catch (const ProblemError& e) {
      throw CaseFileError(c.file + ": case '" + c.problem.name + "': " + e.what());
    }
  }
  return cases;
}

void check_report_paths(const Options& o) {
  if (!o.json_path.empty()) check_writable(o.json_path);
  if (!o.junit_path.empty()) check_writable(o.junit_path);
}

void write_reports(const Options& o, const std::vector<CaseResult>& results) {
  if (!o.json_path.empty()) write_file_atomically(o.json_path, json_report(results));
  if (!o.junit_path.empty()) write_file_atomically(o.junit_path, junit_report(results));
}

int finish(const Options& o, const std::vector<CaseResult>& results, std::ostream& out, bool fatal) {
  out << table_report(results);
  write_reports(o, results);
  out << closing_line(results) << "\n";
  if (fatal) return 2;
  for (const CaseResult& r : results) {
    if (!r.passed()) return 1;
  }
  return 0;
}

int command_list(const Options& o, std::ostream& out) {
  for (const Case& c : chosen_cases(o)) {
    out << describe(c.problem) << " bias=" << (c.problem.has_bias ? "yes" : "no")
        << " inputs=" << to_string(c.inputs.distribution) << " seed=" << c.inputs.seed;
    if (!c.purpose.empty()) out << "  # " << c.purpose;
    out << "\n";
  }
  return 0;
}

int command_run(const Options& o, std::ostream& out, std::ostream& err, Progress& progress) {
  (void)err;  // only the CUDA backend reports through it
  const std::vector<Case> cases = chosen_cases(o);
  check_report_paths(o);
  bool use_cuda = false;
  if (o.cpu_only) {
    out << "backends: cpu (--cpu-only)\n";
  } else {
#if GATE_HAVE_CUDA
    std::string why;
    use_cuda = cuda_device_usable(&why);
    if (use_cuda) {
      out << "backends: cpu, cuda (" << cuda_device_name() << ")\n";
    } else {
      out << "the CUDA backend is built but cannot run (" << why << "): running the cpu backend only\n";
    }
#else
    out << "no CUDA backend was built (CMake found no CUDA compiler): running the cpu backend only\n";
#endif
  }
  std::vector<CaseResult> results;
  bool cuda_failed = false;
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const Problem& p = c.problem;
    progress.show(i, cases.size(), p.name + ": inputs and reference");
    const CaseInputs in = make_inputs(c, o.seed);
    const ReferenceOutput ref = compute_reference(p, in.x, in.weight, in.bias_or_null(),
                                                  c.inputs.distribution == Distribution::kExact, o.ulp_budget);
    progress.show(i, cases.size(), p.name + ": cpu");
    CaseResult r;
    r.case_name = p.name;
    r.backend = "cpu";
    r.problem = p;
    r.contract = ref.contract;
    const auto start = Clock::now();
    r.compare = judge(ref, run_cpu_backend(p, in.x, in.weight, in.bias_or_null()));
    r.elapsed_ms = ms_since(start);
    r.repro = repro_for(p.name, o, " --cpu-only");
    results.push_back(std::move(r));
#if GATE_HAVE_CUDA
    if (use_cuda && !cuda_failed) {
      progress.show(i, cases.size(), p.name + ": cuda");
      try {
        for (CaseResult& g : run_cuda_backend(p, in, ref, repro_for(p.name, o))) results.push_back(std::move(g));
      } catch (const CudaBackendError& e) {
        progress.clear();
        err << "verify: " << e.what() << "\n  the CUDA backend is skipped for the remaining cases; CPU results follow\n";
        cuda_failed = true;
      }
    }
#endif
  }
  progress.clear();
  (void)use_cuda;
  return finish(o, results, out, cuda_failed);
}

// --candidate-lib: the library is the only backend; anything it does wrong ends the run with status 2 after the
// results so far.
int command_run_library(const Options& o, std::ostream& out, std::ostream& err, Progress& progress) {
  const std::vector<Case> cases = chosen_cases(o);
  check_report_paths(o);
  const CandidateLibrary lib(o.candidate_lib);
  out << "backend: lib:" << lib.name() << " (" << o.candidate_lib << ", "
      << (lib.wants_device_memory() ? "CUDA device memory" : "host memory") << ")\n";
  std::vector<CaseResult> results;
  bool failed = false;
  for (size_t i = 0; i < cases.size() && !failed; ++i) {
    const Case& c = cases[i];
    progress.show(i, cases.size(), c.problem.name + ": inputs and reference");
    const CaseInputs in = make_inputs(c, o.seed);
    const ReferenceOutput ref = compute_reference(c.problem, in.x, in.weight, in.bias_or_null(),
                                                  c.inputs.distribution == Distribution::kExact, o.ulp_budget);
    progress.show(i, cases.size(), c.problem.name + ": lib");
    try {
      results.push_back(run_library_backend(lib, c.problem, in, ref,
                                            repro_for(c.problem.name, o, (" --candidate-lib " + o.candidate_lib).c_str())));
    } catch (const CandidateLibError& e) {
      progress.clear();
      err << "verify: " << e.what() << "\n";
      failed = true;
    }
  }
  progress.clear();
  return finish(o, results, out, failed);
}

int command_self_test(const Options& o, std::ostream& out, Progress& progress) {
  const std::vector<Case> cases = chosen_cases(o);
  const SelfTestOutcome outcome =
      run_self_test(cases, o.seed, o.ulp_budget, [&](size_t i, size_t n, const std::string& name) {
        progress.show(i, n, name + ": variants and mutants");
      });
  progress.clear();
  out << self_test_report(outcome);
  const int passed = outcome.mutants_caught() + static_cast<int>(outcome.variants.size()) - outcome.variants_rejected();
  const int total = static_cast<int>(outcome.mutants.size() + outcome.variants.size());
  out << passed << " passed, " << (total - passed) << " failed\n";
  return outcome.passed() ? 0 : 1;
}

int command_export(const Options& o, std::ostream& out, Progress& progress) {
  const std::vector<Case> cases = chosen_cases(o);
  for (size_t i = 0; i < cases.size(); ++i) {
    progress.show(i, cases.size(), cases[i].problem.name + ": export");
    export_case(o.out_dir + "/" + cases[i].problem.name, cases[i].problem, make_inputs(cases[i], o.seed));
  }
  progress.clear();
  out << "exported " << cases.size() << " cases to " << o.out_dir << "\n";
  return 0;
}

int command_check(const Options& o, std::ostream& out, Progress& progress) {
  const std::vector<std::string> dirs = find_case_dirs(o.check_dir);
  check_report_paths(o);
  // Read every folder first: a bad one is exit 2 before any result is printed.
  std::vector<CaseDir> loaded;
  for (const std::string& d : dirs) loaded.push_back(read_case_dir(d, o.max_memory_bytes, o.precision));
  std::vector<CaseResult> results;
  for (size_t i = 0; i < loaded.size(); ++i) {
    const CaseDir& c = loaded[i];
    progress.show(i, loaded.size(), c.problem.name + ": check");
    const auto start = Clock::now();
    const ReferenceOutput ref =
        compute_reference(c.problem, c.inputs.x, c.inputs.weight, c.inputs.bias_or_null(), false, o.ulp_budget);
    CaseResult r;
    r.case_name = c.problem.name;
    r.backend = "check";
    r.problem = c.problem;
    r.contract = ref.contract;
    r.compare = judge(ref, c.y);
    r.elapsed_ms = ms_since(start);
    r.repro = "verify check " + c.dir + (o.precision ? std::string(" --precision ") + to_string(*o.precision) : "");
    results.push_back(std::move(r));
  }
  progress.clear();
  return finish(o, results, out, false);
}

}  // namespace

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, bool progress_tty) {
  Progress progress{err, progress_tty};
  try {
    const Options o = parse_options(args);
    if (o.threads > 0) omp_set_num_threads(o.threads);
    switch (o.command) {
      case Command::kHelp:
        (args.empty() ? err : out) << kUsage;
        return args.empty() ? 2 : 0;
      case Command::kList: return command_list(o, out);
      case Command::kRun:
        return o.candidate_lib.empty() ? command_run(o, out, err, progress) : command_run_library(o, out, err, progress);
      case Command::kSelfTest: return command_self_test(o, out, progress);
      case Command::kExport: return command_export(o, out, progress);
      case Command::kCheck: return command_check(o, out, progress);
    }
  } catch (const UsageError& e) {
    progress.clear();
    err << "verify: " << e.what() << "\n" << kUsage;
    return 2;
  } catch (const std::bad_alloc&) {
    progress.clear();
    err << "verify: out of memory (lower the problem size or raise --max-memory only if the machine has it)\n";
    return 2;
  } catch (const std::exception& e) {
    // Bad input (CaseFileError, NpyError, ReportError, ProblemError, CandidateLibError, std::invalid_argument, a
    // filesystem error) names its file and field in what(); anything else still ends as a message and status 2.
    progress.clear();
    err << "verify: " << e.what() << "\n";
    return 2;
  }
  return 2;
}

}  // namespace gate::verify
