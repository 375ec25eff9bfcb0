// Legitimate variants and mutants (mutants.hpp).
#include "verify/mutants.hpp"

namespace gate::verify {
namespace {

bool always(const Problem&) { return true; }
bool is_16bit(const Problem& p) { return p.dtype != DType::kFloat32; }
bool is_tf32(const Problem& p) { return p.precision == Precision::kTf32; }
bool is_fp32_contract(const Problem& p) { return p.precision == Precision::kFp32 && p.dtype == DType::kFloat32; }

ModelConfig with(std::function<void(ModelConfig&)> f) {
  ModelConfig c;
  f(c);
  return c;
}

}  // namespace

std::vector<Variant> legitimate_variants() {
  return {
      {"forward_erff", "products summed in index order, glibc erff GELU", ModelConfig{}, always},
      {"reverse_torch_cpu_gelu", "reverse order, PyTorch's vectorised CPU GELU (A&S erf)",
       with([](ModelConfig& c) {
         c.order = SumOrder::kReverse;
         c.gelu = GeluForm::kTorchCpuVector;
       }),
       always},
      {"pairwise_erff", "pairwise (tree) summation", with([](ModelConfig& c) { c.order = SumOrder::kPairwise; }),
       always},
      {"blocked8_torch_cpu_gelu", "blocks of 8 summed, then the block sums",
       with([](ModelConfig& c) {
         c.order = SumOrder::kBlocked8;
         c.gelu = GeluForm::kTorchCpuVector;
       }),
       always},
      {"fma_forward", "fused multiply-add accumulation", with([](ModelConfig& c) { c.order = SumOrder::kFmaForward; }),
       always},
      {"dtype_staged", "PyTorch's 16-bit path: rounded to the dtype after conv, add, GELU and multiply",
       with([](ModelConfig& c) {
         c.staged_dtype = true;
         c.gelu = GeluForm::kTorchCpuVector;
       }),
       is_16bit},
      {"dtype_staged_bias_separate", "16-bit staged, the bias added to the rounded conv and rounded again",
       with([](ModelConfig& c) {
         c.staged_dtype = true;
         c.bias_after_rounding = true;
         c.order = SumOrder::kReverse;
       }),
       is_16bit},
      {"implicit_gemm_zero_fill", "taps that miss the input multiply a zero by their weight (cuDNN-like)",
       with([](ModelConfig& c) {
         c.zero_fill_taps = true;
         c.order = SumOrder::kBlocked8;
       }),
       always},
      {"tf32_nearest", "operands rounded to TF32 (nearest even), as cuDNN does",
       with([](ModelConfig& c) { c.operands = OperandRounding::kTf32Nearest; }), is_tf32},
      {"tf32_truncate_pairwise", "operands truncated to TF32 (raw bits into an mma), pairwise",
       with([](ModelConfig& c) {
         c.operands = OperandRounding::kTf32Truncate;
         c.order = SumOrder::kPairwise;
       }),
       is_tf32},
  };
}

std::vector<Variant> mutants() {
  return {
      {"tanh_gelu", "GELU's tanh approximation instead of the erf form",
       with([](ModelConfig& c) { c.gelu = GeluForm::kTanh; }), always},
      {"fmin_drops_nan", "min(·, 0) as fmin, which returns 0 for NaN",
       with([](ModelConfig& c) { c.clamp = ClampForm::kFmin; }), always},
      {"missing_bias", "the bias never added", with([](ModelConfig& c) { c.drop_bias = true; }),
       [](const Problem& p) { return p.has_bias; }},
      {"flipped_kernel", "the kernel spatially flipped", with([](ModelConfig& c) { c.flip_kernel = true; }), always},
      {"last_rows_wrong", "contributions of the last input row lost (the last output rows wrong)",
       with([](ModelConfig& c) { c.drop_last_input_row = true; }), always},
      {"one_element_off", "the largest output element off by 0.1%",
       with([](ModelConfig& c) { c.bump_largest = true; }), always},
      {"tf32_under_fp32", "operands rounded to TF32 although the contract is fp32",
       with([](ModelConfig& c) { c.operands = OperandRounding::kTf32Nearest; }), is_fp32_contract},
      {"erf_off_1e-4", "an erf with absolute error 1e-4", with([](ModelConfig& c) { c.gelu = GeluForm::kErfOffBy1e4; }),
       always},
      {"float16_accumulator", "partial sums rounded to float16",
       with([](ModelConfig& c) { c.accumulator = DType::kFloat16; }), always},
      {"bfloat16_accumulator", "partial sums rounded to bfloat16",
       with([](ModelConfig& c) { c.accumulator = DType::kBFloat16; }), always},
  };
}

}  // namespace gate::verify
