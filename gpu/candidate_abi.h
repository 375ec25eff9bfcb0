/* The stable C ABI through which `verify --candidate-lib PATH.so` gates a kernel built anywhere (CUDA C++, a PyTorch
 * extension's .so, a CPU library). A candidate library exports the four functions below with C linkage; verify loads it
 * with dlopen, checks the ABI version, hands it a problem and the inputs, and judges the output like any backend's.
 *
 * Tensors are in the case's storage type (float32: float; float16 and bfloat16: uint16_t bit patterns), C order, with
 * PyTorch's layouts: x (N, Cin, H, W), weight (Cin, Cout/groups, kH, kW), bias (Cout) or NULL when has_bias is 0,
 * y (N, Cout, Hout, Wout), Hout = (H-1)*stride[0] - 2*padding[0] + dilation[0]*(kH-1) + output_padding[0] + 1.
 * The operation: y = multiply_value * gelu_erf(min(conv_transpose2d(x, weight, bias) + add_value, 0)) (DESIGN.md).
 *
 * Version 1. A change to any struct or signature here bumps GATE_CANDIDATE_ABI_VERSION; verify refuses a library
 * whose gate_candidate_abi_version() differs. */
#ifndef GATE_CANDIDATE_ABI_H
#define GATE_CANDIDATE_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GATE_CANDIDATE_ABI_VERSION 1u

enum gate_dtype { GATE_DTYPE_FLOAT32 = 0, GATE_DTYPE_FLOAT16 = 1, GATE_DTYPE_BFLOAT16 = 2 };
enum gate_precision { GATE_PRECISION_FP32 = 0, GATE_PRECISION_TF32 = 1 };
/* Where the library wants its tensors: host memory (stream is NULL) or CUDA device memory (stream is a cudaStream_t). */
enum gate_memory { GATE_MEMORY_HOST = 0, GATE_MEMORY_CUDA = 1 };

typedef struct gate_problem_v1 {
  int64_t N, Cin, Cout, H, W, kH, kW;
  int64_t stride[2], padding[2], output_padding[2], dilation[2]; /* [0] height, [1] width */
  int64_t groups;
  int32_t has_bias;       /* 0 or 1 */
  int32_t dtype;          /* enum gate_dtype */
  int32_t precision;      /* enum gate_precision: the contract the candidate is judged under */
  float add_value;
  float multiply_value;
} gate_problem_v1;

/* Must return GATE_CANDIDATE_ABI_VERSION of the header the library was built with. */
uint32_t gate_candidate_abi_version(void);
/* A short name for reports ("my_triton_port v3"). */
const char* gate_candidate_name(void);
/* enum gate_memory. */
int32_t gate_candidate_memory(void);
/* Computes y. Returns 0 on success; otherwise a non-zero code and a NUL-terminated message in message[0..capacity),
 * for instance "unsupported: groups > 1" or "cudaErrorIllegalAddress". With GATE_MEMORY_CUDA the call may return before
 * the work finishes on stream; verify synchronizes the stream and checks for errors afterwards. */
int32_t gate_candidate_run(const gate_problem_v1* problem, const void* x, const void* weight, const void* bias, void* y,
                           void* stream, char* message, size_t message_capacity);

#ifdef __cplusplus
}
#endif

#endif /* GATE_CANDIDATE_ABI_H */
