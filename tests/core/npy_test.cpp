// tests/core/npy_test.cpp — .npy round trips for every dtype and every malformed-file case as an NpyError naming the file.
#include "core/npy.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/dtype.hpp"

using namespace gate;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir() {
  fs::path d = fs::temp_directory_path() / ("npy_test_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

std::string write_raw(const std::string& name, const std::string& bytes) {
  const fs::path p = temp_dir() / name;
  std::ofstream(p, std::ios::binary) << bytes;
  return p.string();
}

// A version-1.0 file with the given header dict and payload.
std::string npy_bytes(const std::string& dict, const std::string& payload) {
  std::string header = dict;
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::string s = "\x93NUMPY";
  s += '\x01';
  s += '\x00';
  s += static_cast<char>(header.size() & 0xff);
  s += static_cast<char>(header.size() >> 8);
  return s + header + payload;
}

std::string read_error(const std::string& path, DType d = DType::kFloat32, uint64_t limit = kDefaultMaxMemoryBytes) {
  try {
    read_npy(path, d, limit);
  } catch (const NpyError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("npy: float32, float16 and bfloat16 tensors round-trip bit for bit", "[core]") {
  for (DType d : {DType::kFloat32, DType::kFloat16, DType::kBFloat16}) {
    HostTensor t = make_tensor({2, 3, 5}, d, "t");
    for (int64_t i = 0; i < t.size(); ++i) t.values[i] = round_to_dtype(static_cast<float>(i) * 0.37f - 3.0f, d);
    t.values[0] = -0.0f;
    t.values[1] = INFINITY;
    t.values[2] = NAN;
    const std::string path = (temp_dir() / (std::string("rt_") + to_string(d) + ".npy")).string();
    write_npy(path, t);
    const HostTensor back = read_npy(path, d);
    REQUIRE(back.shape == t.shape);
    REQUIRE(std::signbit(back.values[0]));
    REQUIRE(back.values[1] == INFINITY);
    REQUIRE(std::isnan(back.values[2]));
    for (int64_t i = 3; i < t.size(); ++i) REQUIRE(back.values[i] == t.values[i]);
    // The header is padded to a multiple of 64 bytes, as NumPy writes it.
    REQUIRE((fs::file_size(path) - t.size() * dtype_bytes(d)) % 64 == 0);
  }
}

TEST_CASE("npy: a file written by NumPy's layout with a 0-d or 1-d shape reads", "[core]") {
  const std::string one = std::string("\x00\x00\x80\x3f", 4);  // 1.0f little-endian
  REQUIRE(read_npy(write_raw("scalar.npy", npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", one)),
                   DType::kFloat32)
              .values == std::vector<float>{1.0f});
  REQUIRE(read_npy(write_raw("vec.npy", npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", one)),
                   DType::kFloat32)
              .shape == std::vector<int64_t>{1});
}

TEST_CASE("npy: every malformed file is an error naming the file and the problem", "[core]") {
  const std::string four = std::string(4, '\0');
  const std::string ok_dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }";
  struct Bad {
    const char* name;
    std::string bytes;
    const char* message;
  };
  const Bad bads[] = {
      {"empty.npy", "", "truncated"},
      {"magic.npy", std::string("\x93NUMPX\x01\x00xx", 10), "bad magic"},
      {"version.npy", std::string("\x93NUMPY\x09\x00", 8) + "xx", "unsupported .npy format version 9"},
      {"hdrlen.npy", std::string("\x93NUMPY\x01\x00\xff\x7f", 10), "runs past the end"},
      {"descr.npy", npy_bytes("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", four), "'descr' is '>f4'"},
      {"f8.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", four + four), "needs '<f4'"},
      {"fortran.npy", npy_bytes("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", four), "fortran_order"},
      {"noshape.npy", npy_bytes("{'descr': '<f4', 'fortran_order': False, }", four), "no 'shape'"},
      {"badshape.npy", npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", four), "non-negative"},
      {"extrakey.npy", npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", four), "'x'"},
      {"short.npy", npy_bytes(ok_dict, "ab"), "data is 2 bytes"},
      {"long.npy", npy_bytes(ok_dict, four + four), "data is 8 bytes"},
      {"huge.npy", npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", four),
       "overflows 64 bits"},
      {"unterminated.npy", npy_bytes("{'descr': '<f4", ""), "unterminated"},
      {"notdict.npy", npy_bytes("[1, 2]", ""), "expected '{'"},
  };
  for (const auto& bad : bads) {
    const std::string path = write_raw(bad.name, bad.bytes);
    const std::string msg = read_error(path);
    INFO(bad.name << ": " << msg);
    REQUIRE_THAT(msg, Catch::Contains(path));
    REQUIRE_THAT(msg, Catch::Contains(bad.message));
  }
  REQUIRE_THAT(read_error((temp_dir() / "missing.npy").string()), Catch::Contains("cannot open"));
}

TEST_CASE("npy: a header claiming more than the memory limit is refused before allocating", "[core]") {
  const std::string path =
      write_raw("big.npy", npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 1000), }", ""));
  const std::string msg = read_error(path, DType::kFloat32, 1 << 20);
  REQUIRE_THAT(msg, Catch::Contains("memory limit of 1048576 bytes"));
}

TEST_CASE("npy: bfloat16 is read only from '<u2' and float16 only from '<f2'", "[core]") {
  const std::string path = write_raw("u2.npy", npy_bytes("{'descr': '<u2', 'fortran_order': False, 'shape': (2,), }",
                                                         std::string("\x80\x3f\x00\xc0", 4)));
  const HostTensor t = read_npy(path, DType::kBFloat16);
  REQUIRE(t.values == std::vector<float>{1.0f, -2.0f});
  REQUIRE_THAT(read_error(path, DType::kFloat16), Catch::Contains("needs '<f2'"));
}

TEST_CASE("npy: writing to an unwritable place is an error and leaves no file", "[core]") {
  HostTensor t = make_tensor({1}, DType::kFloat32, "t");
  REQUIRE_THROWS_WITH(write_npy("/nonexistent-dir/y.npy", t), Catch::Contains("/nonexistent-dir/y.npy: cannot write"));
}
