// Tests for verify/atomic_file.cpp: a write replaces the file whole, leaves no temporary behind, and a write to an
// unwritable place is a ReportError naming the path.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "verify/atomic_file.hpp"

namespace fs = std::filesystem;
using namespace gate::verify;

TEST_CASE("atomic_file: a write replaces the file whole and leaves no temporary", "[verify]") {
  const fs::path dir = fs::temp_directory_path() / ("gate_verify_atomic_file_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / "report.txt").string();
  write_file_atomically(path, "first version, longer than the second\n");
  write_file_atomically(path, "second\n");
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == "second\n");
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir)) files += e.is_regular_file();
  CHECK(files == 1);
  check_writable(path);
  fs::remove_all(dir);
}

TEST_CASE("atomic_file: an unwritable path is a ReportError naming it", "[verify]") {
  try {
    write_file_atomically("/nonexistent_folder/report.json", "x");
    FAIL("no error");
  } catch (const ReportError& e) {
    CHECK(std::string(e.what()).find("/nonexistent_folder/report.json") != std::string::npos);
  }
  CHECK_THROWS_AS(check_writable("/nonexistent_folder/report.json"), ReportError);
}
