// The temporary files of atomic writes ("<path>.tmp.<pid>", then rename: core/npy.cpp, verify/atomic_file.cpp) are
// registered while they exist, so that a SIGINT/SIGTERM handler (verify/interrupt.cpp) can unlink them before the
// process exits: an interrupted run leaves neither a partial file nor a stray temporary.
#pragma once

#include <string>

namespace gate {

// Registers path for the lifetime of the object; construct it before creating the file. A path longer than
// kMaxTempPathBytes, or a ninth file at once, is not registered (the write still works; an interrupt could then leave
// that temporary behind).
class TempFileRegistration {
 public:
  explicit TempFileRegistration(const std::string& path) noexcept;
  ~TempFileRegistration();
  TempFileRegistration(const TempFileRegistration&) = delete;
  TempFileRegistration& operator=(const TempFileRegistration&) = delete;

 private:
  int slot_ = -1;
};

inline constexpr size_t kMaxTempPathBytes = 4096;

// Unlinks every registered temporary file. Async-signal-safe (lock-free atomics and unlink(2) only): for signal
// handlers.
void unlink_registered_temp_files() noexcept;

// How many temporaries are registered now (tests).
int registered_temp_file_count() noexcept;

}  // namespace gate
