// Tests for verify/cli.cpp and cli_options.cpp, in process: exit statuses 0/1/2, the closing line, reports written
// only when complete, bad input naming the file and the field, and the export → check round trip.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/npy.hpp"
#include "verify/case_dir.hpp"
#include "verify/cli.hpp"
#include "verify/cli_options.hpp"
#include "verify/cpu_backend.hpp"

namespace fs = std::filesystem;
using namespace gate;
using namespace gate::verify;

namespace {

struct Run {
  int status;
  std::string out, err;
};

Run run(std::vector<std::string> args) {
  args.push_back("--cases-dir");
  args.push_back(std::string(GATE_SOURCE_DIR) + "/data/cases");
  std::ostringstream out, err;
  const int status = run_cli(args, out, err, false);
  return {status, out.str(), err.str()};
}

// A fresh scratch folder per test and process, removed at the end of the test.
struct Scratch {
  std::string path;
  explicit Scratch(const std::string& name)
      : path((fs::temp_directory_path() / ("gate_verify_cli_test_" + std::to_string(::getpid()) + "_" + name))
                 .string()) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Scratch() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("cli: no arguments prints the usage and exits 2, --help exits 0", "[verify]") {
  std::ostringstream out, err;
  CHECK(run_cli({}, out, err, false) == 2);
  CHECK(err.str().find("usage:") != std::string::npos);
  CHECK(run({"--help"}).status == 0);
}

TEST_CASE("cli: a bad argument exits 2 naming it", "[verify]") {
  Run r = run({"--bogus"});
  CHECK(r.status == 2);
  CHECK(r.err.find("unknown argument '--bogus'") != std::string::npos);
  r = run({"--all", "--shard", "3/2"});
  CHECK(r.status == 2);
  CHECK(r.err.find("--shard") != std::string::npos);
  r = run({"--all", "--threads", "zero"});
  CHECK(r.status == 2);
  r = run({"--case", "no_such_case"});
  CHECK(r.status == 2);
  CHECK(r.err.find("no case named 'no_such_case'") != std::string::npos);
  r = run({"--all", "--suite", "medium"});
  CHECK(r.status == 2);
  CHECK(parse_bytes("2G", "--max-memory") == (2ull << 30));
  CHECK_THROWS_AS(parse_bytes("2X", "--max-memory"), UsageError);
}

TEST_CASE("cli: --list prints one case a line and --shard splits them", "[verify]") {
  const Run all = run({"--list"});
  CHECK(all.status == 0);
  CHECK(all.out.find("normal_basic") != std::string::npos);
  const auto lines = [](const std::string& s) { return std::count(s.begin(), s.end(), '\n'); };
  const Run half = run({"--list", "--shard", "1/2"});
  const Run other = run({"--list", "--shard", "2/2"});
  CHECK(lines(half.out) + lines(other.out) == lines(all.out));
  CHECK(run({"--list", "--suite", "full"}).out.find("seed_workload") != std::string::npos);
}

TEST_CASE("cli: --cpu-only on named cases passes, closes with 'N passed, M failed' and writes both reports",
          "[verify]") {
  const Scratch scratch("reports");
  const std::string& dir = scratch.path;
  const Run r = run({"--cpu-only", "--case", "normal_basic,exact_float16", "--json", dir + "/r.json", "--junit",
                     dir + "/r.xml", "--threads", "2"});
  CHECK(r.status == 0);
  CHECK(r.out.find("2 passed, 0 failed\n") != std::string::npos);
  CHECK(r.out.substr(r.out.size() - std::string("2 passed, 0 failed\n").size()) == "2 passed, 0 failed\n");
  CHECK(fs::exists(dir + "/r.json"));
  CHECK(fs::exists(dir + "/r.xml"));
  for (const auto& e : fs::directory_iterator(dir)) CHECK(e.path().string().find(".tmp.") == std::string::npos);
}

TEST_CASE("cli: without --cpu-only it says which backends run", "[verify]") {
  const Run r = run({"--case", "normal_basic"});
  CHECK(r.status == 0);
#if GATE_HAVE_CUDA
  CHECK((r.out.find("backends: cpu, cuda") != std::string::npos ||
         r.out.find("the CUDA backend is built but cannot run") != std::string::npos));
#else
  CHECK(r.out.find("no CUDA backend was built") != std::string::npos);
#endif
}

TEST_CASE("cli: an unwritable report path exits 2 before any work, naming the file", "[verify]") {
  const Run r = run({"--cpu-only", "--json", "/nonexistent_dir/report.json"});
  CHECK(r.status == 2);
  CHECK(r.err.find("/nonexistent_dir/report.json") != std::string::npos);
  CHECK(r.out.find("passed") == std::string::npos);
}

TEST_CASE("cli: export then check of the cpu backend's outputs passes, a corrupted output fails with a repro",
          "[verify]") {
  const Scratch scratch("round_trip");
  const std::string& dir = scratch.path;
  REQUIRE(run({"export", "--out", dir, "--case", "normal_basic,exact_float16,specials"}).status == 0);
  CHECK(fs::exists(dir + "/normal_basic/case.json"));
  CHECK(fs::exists(dir + "/normal_basic/bias.npy"));
  // Produce y.npy with the cpu backend from the exported files, as an external tool would.
  for (const std::string& d : find_case_dirs(dir)) {
    const CaseDir c = read_case_inputs(d, kDefaultMaxMemoryBytes, std::nullopt);
    write_npy(d + "/y.npy", run_cpu_backend(c.problem, c.inputs.x, c.inputs.weight, c.inputs.bias_or_null()));
  }
  Run r = run({"check", dir});
  CHECK(r.status == 0);
  CHECK(r.out.find("3 passed, 0 failed") != std::string::npos);
  CHECK(run({"check", dir + "/normal_basic"}).status == 0);
  CHECK(run({"check", dir + "/normal_basic", "--precision", "tf32"}).status == 0);

  // Corrupt one element of one candidate: status 1, the failure names the element and the repro.
  HostTensor y = read_npy(dir + "/normal_basic/y.npy", DType::kFloat32);
  y.values[5] = -0.5f;
  write_npy(dir + "/normal_basic/y.npy", y);
  r = run({"check", dir});
  CHECK(r.status == 1);
  CHECK(r.out.find("2 passed, 1 failed") != std::string::npos);
  CHECK(r.out.find("flat 5") != std::string::npos);
  CHECK(r.out.find("repro: verify check " + dir + "/normal_basic") != std::string::npos);
}

TEST_CASE("cli: bad case folders exit 2 with a message naming the file and the problem", "[verify]") {
  const Scratch scratch("bad_input");
  const std::string& dir = scratch.path;
  REQUIRE(run({"export", "--out", dir, "--case", "normal_basic"}).status == 0);
  const std::string d = dir + "/normal_basic";
  {
    const CaseDir c = read_case_inputs(d, kDefaultMaxMemoryBytes, std::nullopt);
    write_npy(d + "/y.npy", run_cpu_backend(c.problem, c.inputs.x, c.inputs.weight, c.inputs.bias_or_null()));
  }
  REQUIRE(run({"check", d}).status == 0);
  const std::string good_json = [&] {
    std::ifstream in(d + "/case.json");
    std::stringstream t;
    t << in.rdbuf();
    return t.str();
  }();
  auto expect_2 = [&](const std::string& what, const std::string& needle1, const std::string& needle2) {
    INFO(what);
    const Run r = run({"check", d, "--json", dir + "/report.json"});
    CHECK(r.status == 2);
    CHECK(r.err.find(needle1) != std::string::npos);
    CHECK(r.err.find(needle2) != std::string::npos);
    CHECK_FALSE(fs::exists(dir + "/report.json"));  // no partial report
  };

  std::ofstream(d + "/case.json") << R"({"name": "normal_basic", "padding": [1, 1], "add_value": -1, "mul": 2})";
  expect_2("unknown key", d + "/case.json", "field 'mul': unknown key");
  std::ofstream(d + "/case.json") << R"({"name": "normal_basic", "padding": "one"})";
  expect_2("wrong type", d + "/case.json", "field 'padding'");
  std::ofstream(d + "/case.json") << good_json;

  const HostTensor y = read_npy(d + "/y.npy", DType::kFloat32);
  HostTensor wrong = y;
  wrong.shape[3] -= 1;
  wrong.values.resize(static_cast<size_t>(wrong.shape[0] * wrong.shape[1] * wrong.shape[2] * wrong.shape[3]));
  write_npy(d + "/y.npy", wrong);
  expect_2("wrong shape", d + "/y.npy", "expected (2, 6, 7, 7)");
  HostTensor half = y;
  half.dtype = DType::kFloat16;
  for (float& v : half.values) v = 0.0f;
  write_npy(d + "/y.npy", half);
  expect_2("wrong dtype", d + "/y.npy", "y.npy");
  write_npy(d + "/y.npy", y);

  const std::string x_path = d + "/x.npy";
  const auto x_size = fs::file_size(x_path);
  fs::copy_file(x_path, dir + "/x_backup.npy");
  fs::resize_file(x_path, x_size / 2);
  expect_2("truncated x", x_path, "x.npy");
  std::ofstream(x_path, std::ios::binary) << "not an npy file at all";
  expect_2("garbage x", x_path, "x.npy");
  fs::remove(x_path);
  expect_2("missing x", x_path, "missing");
  fs::copy_file(dir + "/x_backup.npy", x_path);
  CHECK(run({"check", d}).status == 0);

  const Scratch empty_dir("empty");
  const Run empty = run({"check", empty_dir.path});
  CHECK(empty.status == 2);
  CHECK(empty.err.find("holds no case.json") != std::string::npos);
}

// Issue 8: resource limits hold through both paths, refused before allocating, with the figure and the limit.
TEST_CASE("cli: check refuses an .npy header claiming a huge shape before allocating, naming the bytes and the limit",
          "[verify]") {
  const Scratch scratch("huge_shape");
  const std::string d = scratch.path + "/kernelbench_small";
  REQUIRE(run({"export", "--out", scratch.path, "--case", "kernelbench_small"}).status == 0);
  // Header only: (1000000, 1000000, 1000, 1000) float32 claims 4e18 bytes, and the file holds none of them.
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000, 1000, 1000), }";
  header.append(64 - (10 + header.size() + 1) % 64, ' ');
  header += '\n';
  std::ofstream x(d + "/x.npy", std::ios::binary | std::ios::trunc);
  x << "\x93NUMPY" << '\x01' << '\x00' << static_cast<char>(header.size() & 0xff) << static_cast<char>(header.size() >> 8)
    << header;
  x.close();
  const Run r = run({"check", d});
  CHECK(r.status == 2);
  CHECK(r.err.find(d + "/x.npy") != std::string::npos);
  CHECK(r.err.find("claims 4000000000000000000 bytes") != std::string::npos);
  CHECK(r.err.find("over the memory limit of " + std::to_string(kDefaultMaxMemoryBytes) + " bytes") !=
        std::string::npos);
}

TEST_CASE("cli: a case over --max-memory is refused with its byte count and the limit, in a run and in check",
          "[verify]") {
  const Scratch scratch("max_memory");
  Run r = run({"--cpu-only", "--case", "kernelbench_small", "--max-memory", "64K"});
  CHECK(r.status == 2);
  CHECK(r.err.find("case 'kernelbench_small': memory: the case needs ") != std::string::npos);
  CHECK(r.err.find("over the limit of 65536 (raise it with --max-memory)") != std::string::npos);

  REQUIRE(run({"export", "--out", scratch.path, "--case", "kernelbench_small"}).status == 0);
  const std::string d = scratch.path + "/kernelbench_small";
  const CaseDir c = read_case_inputs(d, kDefaultMaxMemoryBytes, std::nullopt);
  write_npy(d + "/y.npy", run_cpu_backend(c.problem, c.inputs.x, c.inputs.weight, c.inputs.bias_or_null()));
  const uint64_t needed = host_bytes_needed(c.problem);
  r = run({"check", d, "--max-memory", std::to_string(needed - 1)});
  CHECK(r.status == 2);
  CHECK(r.err.find("the case needs " + std::to_string(needed) + " bytes on the host, over the limit of " +
                   std::to_string(needed - 1)) != std::string::npos);
  CHECK(run({"check", d, "--max-memory", std::to_string(needed)}).status == 0);
}

TEST_CASE("cli: --max-memory applies to the chosen cases only, not to large cases elsewhere in the catalogue",
          "[verify]") {
  // The full suite holds seed_workload (gigabytes); a small named case must still run under a small limit.
  const Run r = run({"--cpu-only", "--case", "kernelbench_small", "--max-memory", "64M"});
  CHECK(r.status == 0);
  CHECK(r.err.empty());
}

// Issue 8 regression (tests/fuzz/corpus/case_json/bad_huge_groups.json): Cout = weight dimension 1 × groups was
// computed before validation and overflowed int64 (UBSan: signed integer overflow in case_dir.cpp).
TEST_CASE("cli: check refuses a huge groups count in case.json instead of overflowing", "[verify]") {
  const Scratch scratch("huge_groups");
  REQUIRE(run({"export", "--out", scratch.path, "--case", "kernelbench_small"}).status == 0);
  const std::string d = scratch.path + "/kernelbench_small";
  std::ofstream(d + "/case.json") << R"({"name": "kernelbench_small", "groups": 4611686018427387904})";
  const Run r = run({"check", d});
  CHECK(r.status == 2);
  CHECK(r.err.find(d + "/case.json: field 'groups': 4611686018427387904 is not a usable group count") !=
        std::string::npos);
}
