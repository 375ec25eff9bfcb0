// The `verify` tool's commands: run cases on the backends (--all, --cpu-only, --case), --list, --self-test, export
// and check. main.cpp only gathers argv; tests call run_cli directly.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace gate::verify {

// Returns the exit status: 0 every case passed, 1 a case failed, 2 bad input or usage (DESIGN.md). progress: draw a
// live progress line on err (main passes isatty(stderr)).
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, bool progress);

}  // namespace gate::verify
