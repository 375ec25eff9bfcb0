// Replays a fuzz corpus without libFuzzer (any compiler): runs LLVMFuzzerTestOneInput on every file of the folders
// given. CI uses it to keep every crash ever found (each one's input lives in the corpus) from coming back.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  size_t files = 0;
  for (int i = 1; i < argc; ++i) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(argv[i])) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      // libFuzzer never passes a null pointer, even for an empty input: neither does the replay (an empty vector's
      // data() may be null, and a target may hand it to fwrite or memcpy).
      static const uint8_t kEmpty[1] = {0};
      LLVMFuzzerTestOneInput(bytes.empty() ? kEmpty : reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      ++files;
    }
  }
  std::printf("replayed %zu corpus files\n", files);
  return files > 0 ? 0 : 1;  // an empty corpus is a broken test, not a pass
}
