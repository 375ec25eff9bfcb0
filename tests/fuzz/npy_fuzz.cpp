// Fuzz target for the .npy reader (core/npy.cpp): any byte string must either read completely or throw NpyError;
// never crash, hang, over-allocate (the limit is 64 MiB here) or throw anything else.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/npy_fuzz_" + std::to_string(::getpid()) + ".npy";
  // Registered after path is built, so it runs before path is destroyed: the replay leaves nothing in /tmp.
  static const bool cleanup_registered = std::atexit([] { std::remove(path.c_str()); }) == 0;
  (void)cleanup_registered;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  for (gate::DType d : {gate::DType::kFloat32, gate::DType::kFloat16, gate::DType::kBFloat16}) {
    try {
      const gate::HostTensor t = gate::read_npy(path, d, uint64_t{64} << 20);
      if (static_cast<int64_t>(t.values.size()) * gate::dtype_bytes(d) > int64_t{64} << 20) __builtin_trap();
    } catch (const gate::NpyError&) {
    }
  }
  return 0;
}
