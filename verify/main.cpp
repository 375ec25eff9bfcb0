// The `verify` executable: argv to run_cli (verify/cli.hpp), whose return value is the exit status. SIGINT/SIGTERM
// end it at once with 130/143, leaving no partial file (verify/interrupt.hpp).
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "verify/cli.hpp"
#include "verify/interrupt.hpp"

int main(int argc, char** argv) {
  gate::verify::install_interrupt_handlers();
  std::vector<std::string> args(argv + 1, argv + argc);
  return gate::verify::run_cli(args, std::cout, std::cerr, ::isatty(STDERR_FILENO) != 0);
}
