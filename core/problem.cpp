// Derived values and validation of the problem description (problem.hpp).
#include "core/problem.hpp"

#include <limits>
#include <sstream>

namespace gate {
namespace {


// a*b, or ProblemError naming `what` when it overflows int64.
int64_t checked_mul(int64_t a, int64_t b, const std::string& what) {
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) throw ProblemError(what + ": element count overflows 64 bits");
  return r;
}

int64_t out_size(int64_t in, int64_t stride, int64_t pad, int64_t dil, int64_t k, int64_t opad) {
  return (in - 1) * stride - 2 * pad + dil * (k - 1) + opad + 1;
}

void require_positive(int64_t v, const char* field) {
  if (v <= 0) throw ProblemError(std::string(field) + " must be positive, got " + std::to_string(v));
}

void require_nonnegative(int64_t v, const char* field) {
  if (v < 0) throw ProblemError(std::string(field) + " must not be negative, got " + std::to_string(v));
}

// Sizes above 2^31 in one dimension are refused: they only arise from corrupt files, and keeping every intermediate
// product (e.g. (H-1)*stride) far from int64 overflow makes the arithmetic below safe.
constexpr int64_t kMaxDimension = int64_t{1} << 31;

void require_sane(int64_t v, const char* field) {
  if (v > kMaxDimension) {
    throw ProblemError(std::string(field) + " is " + std::to_string(v) + ", above the limit of 2^31");
  }
}

}  // namespace

int64_t out_h(const Problem& p) {
  return out_size(p.H, p.stride.h, p.padding.h, p.dilation.h, p.kH, p.output_padding.h);
}
int64_t out_w(const Problem& p) {
  return out_size(p.W, p.stride.w, p.padding.w, p.dilation.w, p.kW, p.output_padding.w);
}
int64_t terms_per_output(const Problem& p) { return (p.Cin / p.groups) * p.kH * p.kW; }

std::vector<int64_t> x_shape(const Problem& p) { return {p.N, p.Cin, p.H, p.W}; }
std::vector<int64_t> weight_shape(const Problem& p) { return {p.Cin, p.Cout / p.groups, p.kH, p.kW}; }
std::vector<int64_t> bias_shape(const Problem& p) { return {p.Cout}; }
std::vector<int64_t> y_shape(const Problem& p) { return {p.N, p.Cout, out_h(p), out_w(p)}; }

int64_t element_count(const std::vector<int64_t>& shape, const std::string& what) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) throw ProblemError(what + ": negative dimension " + std::to_string(d));
    n = checked_mul(n, d, what);
  }
  return n;
}

int64_t dtype_bytes(DType d) { return d == DType::kFloat32 ? 4 : 2; }

const char* to_string(DType d) {
  switch (d) {
    case DType::kFloat32: return "float32";
    case DType::kFloat16: return "float16";
    case DType::kBFloat16: return "bfloat16";
  }
  return "?";
}

const char* to_string(Precision p) { return p == Precision::kFp32 ? "fp32" : "tf32"; }

DType parse_dtype(const std::string& s) {
  if (s == "float32") return DType::kFloat32;
  if (s == "float16") return DType::kFloat16;
  if (s == "bfloat16") return DType::kBFloat16;
  throw ProblemError("dtype: unknown value \"" + s + "\" (expected float32, float16 or bfloat16)");
}

Precision parse_precision(const std::string& s) {
  if (s == "fp32") return Precision::kFp32;
  if (s == "tf32") return Precision::kTf32;
  throw ProblemError("precision: unknown value \"" + s + "\" (expected fp32 or tf32)");
}

std::string describe(const Problem& p) {
  std::ostringstream os;
  os << p.name << " N=" << p.N << " Cin=" << p.Cin << " Cout=" << p.Cout << " H=" << p.H << " W=" << p.W << " k="
     << p.kH << "x" << p.kW << " stride=" << p.stride.h << "x" << p.stride.w << " pad=" << p.padding.h << "x"
     << p.padding.w << " opad=" << p.output_padding.h << "x" << p.output_padding.w << " dil=" << p.dilation.h << "x"
     << p.dilation.w << " groups=" << p.groups << (p.has_bias ? "" : " no-bias") << " add=" << p.add_value
     << " mul=" << p.multiply_value << " " << to_string(p.dtype) << " " << to_string(p.precision);
  return os.str();
}

uint64_t host_bytes_needed(const Problem& p) {
  const int64_t storage = dtype_bytes(p.dtype);
  const int64_t y = element_count(y_shape(p), "y");
  int64_t total = 0;
  auto add = [&](int64_t elements, int64_t bytes_each, const char* what) {
    const int64_t b = checked_mul(elements, bytes_each, what);
    if (__builtin_add_overflow(total, b, &total)) throw ProblemError(std::string(what) + ": byte size overflows 64 bits");
  };
  add(element_count(x_shape(p), "x"), storage, "x");
  add(element_count(weight_shape(p), "weight"), storage, "weight");
  add(p.Cout, storage, "bias");
  add(y, storage, "y");
  add(y, 16, "reference (conv and magnitude in double)");
  return static_cast<uint64_t>(total);
}

void validate(const Problem& p, uint64_t max_memory_bytes) {
  require_positive(p.N, "N");
  require_positive(p.Cin, "Cin");
  require_positive(p.Cout, "Cout");
  require_positive(p.H, "H");
  require_positive(p.W, "W");
  require_positive(p.kH, "kH");
  require_positive(p.kW, "kW");
  require_positive(p.stride.h, "stride[0]");
  require_positive(p.stride.w, "stride[1]");
  require_nonnegative(p.padding.h, "padding[0]");
  require_nonnegative(p.padding.w, "padding[1]");
  require_nonnegative(p.output_padding.h, "output_padding[0]");
  require_nonnegative(p.output_padding.w, "output_padding[1]");
  require_positive(p.dilation.h, "dilation[0]");
  require_positive(p.dilation.w, "dilation[1]");
  require_positive(p.groups, "groups");
  const std::pair<int64_t, const char*> dims[] = {
      {p.N, "N"},           {p.Cin, "Cin"},           {p.Cout, "Cout"},           {p.H, "H"},
      {p.W, "W"},           {p.kH, "kH"},             {p.kW, "kW"},               {p.stride.h, "stride[0]"},
      {p.stride.w, "stride[1]"}, {p.padding.h, "padding[0]"}, {p.padding.w, "padding[1]"},
      {p.dilation.h, "dilation[0]"}, {p.dilation.w, "dilation[1]"}, {p.groups, "groups"},
      {p.output_padding.h, "output_padding[0]"}, {p.output_padding.w, "output_padding[1]"}};
  for (const auto& [v, field] : dims) require_sane(v, field);
  if (p.Cin % p.groups != 0) {
    throw ProblemError("groups: Cin=" + std::to_string(p.Cin) + " is not divisible by groups=" + std::to_string(p.groups));
  }
  if (p.Cout % p.groups != 0) {
    throw ProblemError("groups: Cout=" + std::to_string(p.Cout) + " is not divisible by groups=" + std::to_string(p.groups));
  }
  // PyTorch: "output padding must be smaller than either stride or dilation".
  if (p.output_padding.h >= p.stride.h && p.output_padding.h >= p.dilation.h) {
    throw ProblemError("output_padding[0]=" + std::to_string(p.output_padding.h) +
                       " must be smaller than either stride[0] or dilation[0]");
  }
  if (p.output_padding.w >= p.stride.w && p.output_padding.w >= p.dilation.w) {
    throw ProblemError("output_padding[1]=" + std::to_string(p.output_padding.w) +
                       " must be smaller than either stride[1] or dilation[1]");
  }
  if (out_h(p) <= 0 || out_w(p) <= 0) {
    throw ProblemError("padding: the output would be empty (Hout=" + std::to_string(out_h(p)) +
                       ", Wout=" + std::to_string(out_w(p)) + ")");
  }
  const uint64_t bytes = host_bytes_needed(p);
  if (bytes > max_memory_bytes) {
    throw ProblemError("memory: the case needs " + std::to_string(bytes) + " bytes on the host, over the limit of " +
                       std::to_string(max_memory_bytes) + " (raise it with --max-memory)");
  }
}

}  // namespace gate
