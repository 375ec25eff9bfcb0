// The problem description: one plain struct of numbers for a ConvTranspose2d → +add → min(·,0) → GELU → ×multiply case,
// plus free functions for what derives from it (output size, terms per output, tensor shapes) and its validation.
// Every folder (reference/, simd/, gpu/, verify/) reads it; it holds no buffers, handles or threads.
//
// Shape letters as PyTorch spells them:
//   N     images in the batch            Cin, Cout  input and output channels      H, W    input height and width
//   kH,kW kernel height and width        Hout, Wout output height and width      groups  channel groups (Cin, Cout divisible)
// Layouts: x (N, Cin, H, W); weight (Cin, Cout/groups, kH, kW); bias (Cout); y (N, Cout, Hout, Wout), all C order.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace gate {

enum class DType { kFloat32, kFloat16, kBFloat16 };
// The precision contract a candidate promises (DESIGN.md): fp32 = IEEE float32 products and sums in any order;
// tf32 = operands rounded to 10 mantissa bits, then float32 accumulation. float16/bfloat16 storage always accumulates in fp32.
enum class Precision { kFp32, kTf32 };

struct Hw {
  int64_t h = 0;
  int64_t w = 0;
  friend bool operator==(const Hw&, const Hw&) = default;
};

struct Problem {
  std::string name;
  int64_t N = 1, Cin = 1, Cout = 1, H = 1, W = 1, kH = 1, kW = 1;
  Hw stride{1, 1};
  Hw padding{0, 0};
  Hw output_padding{0, 0};
  Hw dilation{1, 1};
  int64_t groups = 1;
  bool has_bias = true;
  // PyTorch hands Python scalars to float32/float16/bfloat16 kernels as float32 (the opmath type), so the scalars of the
  // operation are float32 values; every backend and the reference use exactly these.
  float add_value = 0.0f;
  float multiply_value = 1.0f;
  DType dtype = DType::kFloat32;
  Precision precision = Precision::kFp32;
  friend bool operator==(const Problem&, const Problem&) = default;
};

// Hout = (H-1)*sh - 2*ph + dh*(kH-1) + oph + 1 (PyTorch's formula; may be <= 0 for a bad problem: validate() says so).
int64_t out_h(const Problem& p);
int64_t out_w(const Problem& p);
// Upper bound on the number of x·w products summed into one output element: (Cin/groups)·kH·kW.
int64_t terms_per_output(const Problem& p);

std::vector<int64_t> x_shape(const Problem& p);       // (N, Cin, H, W)
std::vector<int64_t> weight_shape(const Problem& p);  // (Cin, Cout/groups, kH, kW)
std::vector<int64_t> bias_shape(const Problem& p);    // (Cout)
std::vector<int64_t> y_shape(const Problem& p);       // (N, Cout, Hout, Wout)

// Product of a shape's dimensions; throws ProblemError("<what>: element count overflows 64 bits") on overflow.
int64_t element_count(const std::vector<int64_t>& shape, const std::string& what);

// Bytes one element of dtype takes in storage (4, 2, 2).
int64_t dtype_bytes(DType d);

const char* to_string(DType d);       // "float32", "float16", "bfloat16"
const char* to_string(Precision p);   // "fp32", "tf32"
DType parse_dtype(const std::string& s);          // throws ProblemError naming the value
Precision parse_precision(const std::string& s);  // throws ProblemError naming the value

// One-line summary for --list and reports: "name N=.. Cin=.. ... dtype precision".
std::string describe(const Problem& p);

// An invalid problem: the message names the field and what is wrong with it.
struct ProblemError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The default limit on the bytes of all host tensors of one case (x, weight, bias, y in storage, plus the reference's
// two doubles per output element): 16 GiB, under the 24 GiB of the development machines.
inline constexpr uint64_t kDefaultMaxMemoryBytes = 16ull << 30;

// Bytes the host needs for one case: inputs and output in storage plus 16 bytes per output element for the reference.
uint64_t host_bytes_needed(const Problem& p);

// Throws ProblemError naming the first field at fault: non-positive sizes, channels not divisible by groups,
// output_padding >= max(stride, dilation) (PyTorch's rule), an empty output, counts or bytes overflowing 64 bits,
// or host_bytes_needed(p) over max_memory_bytes.
void validate(const Problem& p, uint64_t max_memory_bytes = kDefaultMaxMemoryBytes);

}  // namespace gate
