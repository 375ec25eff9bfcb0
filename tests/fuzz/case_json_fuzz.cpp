// Fuzz target for an exported case folder's case.json (verify/case_json.cpp, read through case_dir.cpp as
// `verify check` does): the input is the case.json text, beside fixed small x/weight/bias arrays. Any text must either
// load (then case_json_text must write it back to the same parameters) or throw CaseFileError; never crash, overflow,
// over-allocate (limit 64 MiB here) or throw anything else.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "core/npy.hpp"
#include "verify/case_dir.hpp"
#include "verify/case_json.hpp"
#include "verify/json_fields.hpp"

namespace {

constexpr uint64_t kFuzzMaxMemoryBytes = uint64_t{64} << 20;

gate::HostTensor filled(std::vector<int64_t> shape) {
  gate::HostTensor t;
  t.shape = std::move(shape);
  t.dtype = gate::DType::kFloat32;
  t.values.assign(static_cast<size_t>(gate::element_count(t.shape, "fuzz")), 0.5f);
  return t;
}

// The case folder, made once per process: x (1, 2, 3, 3), weight (2, 2, 2, 2), bias (2); the fuzzer writes case.json.
const std::string& case_folder() {
  static const std::string dir = [] {
    const std::string d = (std::filesystem::temp_directory_path() / ("case_json_fuzz_" + std::to_string(::getpid())))
                              .string();
    std::filesystem::create_directories(d);
    std::atexit([] {  // the replay runs in every CI build: leave no folder behind in /tmp
      std::error_code ec;
      std::filesystem::remove_all(
          std::filesystem::temp_directory_path() / ("case_json_fuzz_" + std::to_string(::getpid())), ec);
    });
    gate::write_npy(d + "/x.npy", filled({1, 2, 3, 3}));
    gate::write_npy(d + "/weight.npy", filled({2, 2, 2, 2}));
    gate::write_npy(d + "/bias.npy", filled({2}));
    return d;
  }();
  return dir;
}

bool same_parameters(const gate::Problem& a, const gate::Problem& b) {
  return a.name == b.name && a.stride.h == b.stride.h && a.stride.w == b.stride.w && a.padding.h == b.padding.h &&
         a.padding.w == b.padding.w && a.output_padding.h == b.output_padding.h &&
         a.output_padding.w == b.output_padding.w && a.dilation.h == b.dilation.h && a.dilation.w == b.dilation.w &&
         a.groups == b.groups && a.dtype == b.dtype && a.precision == b.precision &&
         std::memcmp(&a.add_value, &b.add_value, sizeof(float)) == 0 &&
         std::memcmp(&a.multiply_value, &b.multiply_value, sizeof(float)) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& dir = case_folder();
  FILE* f = std::fopen((dir + "/case.json").c_str(), "wb");
  if (!f) return 0;
  if (size > 0) std::fwrite(data, 1, size, f);  // data may be null when size is 0
  std::fclose(f);
  gate::Problem loaded;
  try {
    loaded = gate::verify::read_case_inputs(dir, kFuzzMaxMemoryBytes, std::nullopt).problem;
  } catch (const gate::verify::CaseFileError&) {
    return 0;
  } catch (const gate::NpyError&) {
    return 0;  // a dtype other than float32 does not match the fixed arrays
  }
  // A loaded case writes back to the same parameters (what `verify export` then `verify check` relies on).
  const std::string again = dir + "/again.json";
  f = std::fopen(again.c_str(), "wb");
  if (!f) return 0;
  const std::string text = gate::verify::case_json_text(loaded);
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
  if (!same_parameters(loaded, gate::verify::read_case_json(again))) __builtin_trap();
  return 0;
}
