// The SIGINT/SIGTERM handler of `verify` (interrupt.hpp). Only async-signal-safe calls: the registry walk (lock-free
// atomics and unlink), write(2) and _exit(2).
#include "verify/interrupt.hpp"

#include <signal.h>
#include <unistd.h>

#include "core/temp_files.hpp"

namespace gate::verify {
namespace {

void on_signal(int sig) {
  unlink_registered_temp_files();
  const char msg[] = "\nverify: interrupted; no partial report or exported file is left behind\n";
  const ssize_t ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
  (void)ignored;
  ::_exit(128 + sig);
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa = {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGINT);
  sigaddset(&sa.sa_mask, SIGTERM);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

}  // namespace gate::verify
