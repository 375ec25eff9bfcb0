// Tests for core/temp_files.cpp: a registration lives as long as its object, and the signal handler's unlink removes
// exactly the registered files that still exist.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "core/temp_files.hpp"

namespace fs = std::filesystem;

TEST_CASE("temp_files: a registered temporary is unlinked by the signal-time sweep, an unregistered one is not",
          "[core]") {
  const fs::path dir = fs::temp_directory_path() / ("gate_temp_files_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string live = (dir / "report.json.tmp.1").string();
  const std::string done = (dir / "finished.json").string();
  std::ofstream(done) << "kept";
  const int before = gate::registered_temp_file_count();
  {
    const gate::TempFileRegistration registration(live);
    CHECK(gate::registered_temp_file_count() == before + 1);
    std::ofstream(live) << "half a report";
    gate::unlink_registered_temp_files();
    CHECK_FALSE(fs::exists(live));
    CHECK(fs::exists(done));
    gate::unlink_registered_temp_files();  // already gone: harmless
  }
  CHECK(gate::registered_temp_file_count() == before);
  std::ofstream(live) << "written after the registration ended";
  gate::unlink_registered_temp_files();
  CHECK(fs::exists(live));
  fs::remove_all(dir);
}

TEST_CASE("temp_files: more files than slots, or a path too long, still construct and release cleanly", "[core]") {
  const int before = gate::registered_temp_file_count();
  {
    std::vector<std::unique_ptr<gate::TempFileRegistration>> many;
    for (int i = 0; i < 12; ++i) {
      many.push_back(std::make_unique<gate::TempFileRegistration>("/tmp/x.tmp." + std::to_string(i)));
    }
    CHECK(gate::registered_temp_file_count() == 8);
    const gate::TempFileRegistration too_long(std::string(gate::kMaxTempPathBytes + 10, 'a'));
  }
  CHECK(gate::registered_temp_file_count() == before);
}
