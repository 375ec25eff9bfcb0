// The registry of live temporary files (temp_files.hpp): a fixed table of slots, each a path buffer and a lock-free
// state, so that a signal handler can walk it without locks or allocation.
#include "core/temp_files.hpp"

#include <unistd.h>

#include <atomic>
#include <cstring>

namespace gate {
namespace {

// A process writes one or two files at a time (a report, an .npy array); 8 slots leave room for threads.
constexpr int kSlots = 8;
enum SlotState : int { kFree = 0, kBusy = 1, kLive = 2 };  // kBusy: being filled or emptied, the handler skips it

char g_paths[kSlots][kMaxTempPathBytes];
std::atomic<int> g_state[kSlots];
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs lock-free atomics");

}  // namespace

TempFileRegistration::TempFileRegistration(const std::string& path) noexcept {
  if (path.size() >= kMaxTempPathBytes) return;
  for (int i = 0; i < kSlots; ++i) {
    int expected = kFree;
    if (g_state[i].compare_exchange_strong(expected, kBusy)) {
      std::memcpy(g_paths[i], path.c_str(), path.size() + 1);
      g_state[i].store(kLive);
      slot_ = i;
      return;
    }
  }
}

TempFileRegistration::~TempFileRegistration() {
  if (slot_ < 0) return;
  g_state[slot_].store(kBusy);
  g_state[slot_].store(kFree);
}

void unlink_registered_temp_files() noexcept {
  for (int i = 0; i < kSlots; ++i) {
    // A file already renamed into place is gone under this name: unlink then fails with ENOENT, harmlessly.
    if (g_state[i].load() == kLive) ::unlink(g_paths[i]);
  }
}

int registered_temp_file_count() noexcept {
  int n = 0;
  for (int i = 0; i < kSlots; ++i) n += g_state[i].load() == kLive;
  return n;
}

}  // namespace gate
