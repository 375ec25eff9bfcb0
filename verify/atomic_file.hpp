// Whole-file writes that a reader never sees half done: write "<path>.tmp.<pid>", then rename over the path. Reports
// and exported case.json files go through here. Every failure is a ReportError naming the file and the cause.
#pragma once

#include <stdexcept>
#include <string>

namespace gate::verify {

struct ReportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void write_file_atomically(const std::string& path, const std::string& content);

// Fails early (before any work) when path's folder does not exist or is not writable, by creating and removing the
// temporary file the final write will use.
void check_writable(const std::string& path);

}  // namespace gate::verify
