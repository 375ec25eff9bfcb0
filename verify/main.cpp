// The `verify` executable: argv to run_cli (verify/cli.hpp), whose return value is the exit status.
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "verify/cli.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return gate::verify::run_cli(args, std::cout, std::cerr, ::isatty(STDERR_FILENO) != 0);
}
