// Atomic whole-file writes (atomic_file.hpp).
#include "verify/atomic_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/temp_files.hpp"

namespace gate::verify {
namespace {

std::string temp_path(const std::string& path) { return path + ".tmp." + std::to_string(::getpid()); }

}  // namespace

void write_file_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = temp_path(path);
  const TempFileRegistration registration(tmp);  // a SIGINT now unlinks tmp (verify/interrupt.cpp)
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw ReportError(path + ": cannot write (" + std::strerror(errno) + ")");
  const bool written = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  const int saved = errno;
  if (std::fclose(f) != 0 || !written) {
    std::remove(tmp.c_str());
    throw ReportError(path + ": write failed (" + std::strerror(written ? errno : saved) + ")");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    std::remove(tmp.c_str());
    throw ReportError(path + ": cannot rename the temporary file into place (" + std::strerror(e) + ")");
  }
}

void check_writable(const std::string& path) {
  const std::string tmp = temp_path(path);
  const TempFileRegistration registration(tmp);
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw ReportError(path + ": cannot write (" + std::strerror(errno) + ")");
  std::fclose(f);
  std::remove(tmp.c_str());
}

}  // namespace gate::verify
