// SIGINT and SIGTERM in the `verify` executable: the handler unlinks the temporary files of writes in progress
// (core/temp_files.hpp) and exits at once with 128 + the signal (130 for Ctrl-C). Every report and exported file is
// written to a temporary and renamed into place, so an interrupted run leaves each file either whole or absent. An
// interrupted `verify export` keeps the case folders it finished; the one in progress may hold some arrays but never
// its case.json (written last), so `verify check` does not see it as a case.
#pragma once

namespace gate::verify {

// Installs the handlers (main.cpp; not run_cli, which tests call in-process).
void install_interrupt_handlers();

}  // namespace gate::verify
