// .npy reader and writer (npy.hpp). The header is a Python dict literal; we parse exactly the three keys NumPy writes
// ('descr', 'fortran_order', 'shape') and refuse anything else, so a file either reads completely or is an error.
#include "core/npy.hpp"

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/dtype.hpp"
#include "core/temp_files.hpp"

namespace gate {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
// Headers longer than this are refused: NumPy writes a few hundred bytes; a huge claimed length is a corrupt file.
constexpr uint32_t kMaxHeaderLen = 1 << 16;

const char* descr_for(DType d) {
  switch (d) {
    case DType::kFloat32: return "<f4";
    case DType::kFloat16: return "<f2";
    case DType::kBFloat16: return "<u2";
  }
  return "?";
}

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw NpyError(path + ": " + what); }

// A tiny cursor over the header dict literal.
struct HeaderParser {
  const std::string& text;
  const std::string& path;
  size_t pos = 0;

  void skip_space() {
    while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
  }
  bool peek(char c) {
    skip_space();
    return pos < text.size() && text[pos] == c;
  }
  void expect(char c, const char* where) {
    if (!peek(c)) fail(path, std::string("malformed header: expected '") + c + "' " + where);
    ++pos;
  }
  std::string quoted(const char* where) {
    skip_space();
    if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"')) {
      fail(path, std::string("malformed header: expected a quoted string ") + where);
    }
    const char q = text[pos++];
    const size_t end = text.find(q, pos);
    if (end == std::string::npos) fail(path, std::string("malformed header: unterminated string ") + where);
    std::string s = text.substr(pos, end - pos);
    pos = end + 1;
    return s;
  }
  bool boolean() {
    skip_space();
    if (text.compare(pos, 4, "True") == 0) { pos += 4; return true; }
    if (text.compare(pos, 5, "False") == 0) { pos += 5; return false; }
    fail(path, "malformed header: 'fortran_order' must be True or False");
  }
  std::vector<int64_t> shape() {
    expect('(', "to open 'shape'");
    std::vector<int64_t> dims;
    while (!peek(')')) {
      skip_space();
      if (pos >= text.size() || !std::isdigit(static_cast<unsigned char>(text[pos]))) {
        fail(path, "malformed header: 'shape' must hold non-negative integers");
      }
      int64_t v = 0;
      while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, text[pos] - '0', &v)) {
          fail(path, "'shape' dimension overflows 64 bits");
        }
        ++pos;
      }
      if (text[pos] == 'L') ++pos;  // Python 2 longs
      dims.push_back(v);
      if (dims.size() > 32) fail(path, "'shape' has more than 32 dimensions");
      if (peek(',')) ++pos;
      else if (!peek(')')) fail(path, "malformed header: expected ',' or ')' in 'shape'");
    }
    ++pos;
    return dims;
  }
};

struct Header {
  std::string descr;
  bool fortran_order = false;
  std::vector<int64_t> shape;
};

Header parse_header(const std::string& text, const std::string& path) {
  HeaderParser p{text, path};
  Header h;
  bool seen_descr = false, seen_order = false, seen_shape = false;
  p.expect('{', "at the start of the header");
  while (!p.peek('}')) {
    const std::string key = p.quoted("for a header key");
    p.expect(':', "after a header key");
    if (key == "descr" && !seen_descr) {
      h.descr = p.quoted("for 'descr'");
      seen_descr = true;
    } else if (key == "fortran_order" && !seen_order) {
      h.fortran_order = p.boolean();
      seen_order = true;
    } else if (key == "shape" && !seen_shape) {
      h.shape = p.shape();
      seen_shape = true;
    } else {
      fail(path, "malformed header: unexpected or repeated key '" + key + "'");
    }
    if (p.peek(',')) ++p.pos;
    else if (!p.peek('}')) fail(path, "malformed header: expected ',' or '}'");
  }
  if (!seen_descr) fail(path, "header has no 'descr'");
  if (!seen_order) fail(path, "header has no 'fortran_order'");
  if (!seen_shape) fail(path, "header has no 'shape'");
  return h;
}

}  // namespace

HostTensor read_npy(const std::string& path, DType expected_dtype, uint64_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, std::string("cannot open: ") + std::strerror(errno));
  std::error_code ec;
  const uint64_t file_size = std::filesystem::file_size(path, ec);
  if (ec) fail(path, "cannot stat: " + ec.message());

  char magic[kMagicLen + 2] = {};
  if (!in.read(magic, sizeof magic)) fail(path, "truncated: shorter than the .npy magic and version");
  if (std::memcmp(magic, kMagic, kMagicLen) != 0) fail(path, "not a .npy file (bad magic)");
  const int major = static_cast<unsigned char>(magic[6]);
  uint32_t header_len = 0;
  size_t prefix = 0;
  if (major == 1) {
    unsigned char b[2];
    if (!in.read(reinterpret_cast<char*>(b), 2)) fail(path, "truncated header length");
    header_len = b[0] | (b[1] << 8);
    prefix = 10;
  } else if (major == 2 || major == 3) {
    unsigned char b[4];
    if (!in.read(reinterpret_cast<char*>(b), 4)) fail(path, "truncated header length");
    header_len = b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<uint32_t>(b[3]) << 24);
    prefix = 12;
  } else {
    fail(path, "unsupported .npy format version " + std::to_string(major));
  }
  if (header_len > kMaxHeaderLen) fail(path, "header length " + std::to_string(header_len) + " is implausibly large");
  if (prefix + header_len > file_size) fail(path, "truncated: the header runs past the end of the file");
  std::string text(header_len, '\0');
  if (!in.read(text.data(), header_len)) fail(path, "truncated header");
  const Header h = parse_header(text, path);

  if (h.fortran_order) fail(path, "'fortran_order' is True: only C order is supported");
  const std::string want = descr_for(expected_dtype);
  if (h.descr != want) {
    fail(path, "'descr' is '" + h.descr + "' but the case's dtype " + to_string(expected_dtype) + " needs '" + want + "'");
  }
  int64_t count = 0;
  try {
    count = element_count(h.shape, "'shape'");
  } catch (const ProblemError& e) {
    fail(path, e.what());
  }
  const uint64_t elem = static_cast<uint64_t>(dtype_bytes(expected_dtype));
  if (static_cast<uint64_t>(count) > max_bytes / elem) {
    uint64_t claimed = 0;
    const std::string claimed_text = __builtin_mul_overflow(static_cast<uint64_t>(count), elem, &claimed)
                                         ? std::string("more than 2^64")
                                         : std::to_string(claimed);
    fail(path, "'shape' " + shape_string(h.shape) + " claims " + claimed_text + " bytes, over the memory limit of " +
                   std::to_string(max_bytes) + " bytes (raise it with --max-memory)");
  }
  const uint64_t data_bytes = static_cast<uint64_t>(count) * elem;
  if (file_size - prefix - header_len != data_bytes) {
    fail(path, "data is " + std::to_string(file_size - prefix - header_len) + " bytes but 'shape' " +
                   shape_string(h.shape) + " of '" + h.descr + "' needs " + std::to_string(data_bytes));
  }

  HostTensor t;
  t.shape = h.shape;
  t.dtype = expected_dtype;
  t.values.resize(static_cast<size_t>(count));
  if (expected_dtype == DType::kFloat32) {
    if (!in.read(reinterpret_cast<char*>(t.values.data()), static_cast<std::streamsize>(data_bytes))) {
      fail(path, "truncated data");
    }
  } else {
    std::vector<uint16_t> bits(static_cast<size_t>(count));
    if (!in.read(reinterpret_cast<char*>(bits.data()), static_cast<std::streamsize>(data_bytes))) {
      fail(path, "truncated data");
    }
    from_bits(bits, expected_dtype, t.values);
  }
  return t;
}

void write_npy(const std::string& path, const HostTensor& tensor) {
  std::string header = std::string("{'descr': '") + descr_for(tensor.dtype) +
                       "', 'fortran_order': False, 'shape': " + shape_string(tensor.shape) + ", }";
  // Pad with spaces and a final newline so that magic + version + length + header is a multiple of 64 bytes.
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  if (header.size() > 65535) throw NpyError(path + ": header too long for format 1.0");

  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const TempFileRegistration registration(tmp);  // a SIGINT now unlinks tmp (verify/interrupt.cpp)
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw NpyError(path + ": cannot write (" + std::strerror(errno) + ")");
    out.write(kMagic, kMagicLen);
    const char version[2] = {1, 0};
    out.write(version, 2);
    const unsigned char len[2] = {static_cast<unsigned char>(header.size() & 0xff),
                                  static_cast<unsigned char>(header.size() >> 8)};
    out.write(reinterpret_cast<const char*>(len), 2);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    if (tensor.dtype == DType::kFloat32) {
      out.write(reinterpret_cast<const char*>(tensor.values.data()),
                static_cast<std::streamsize>(tensor.values.size() * sizeof(float)));
    } else {
      std::vector<uint16_t> bits(tensor.values.size());
      to_bits(tensor.values, tensor.dtype, bits);
      out.write(reinterpret_cast<const char*>(bits.data()), static_cast<std::streamsize>(bits.size() * 2));
    }
    out.flush();
    if (!out) {
      out.close();
      std::remove(tmp.c_str());
      throw NpyError(path + ": write failed (" + std::strerror(errno) + ")");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    throw NpyError(path + ": cannot rename the temporary file into place (" + why + ")");
  }
}

}  // namespace gate
