// An example candidate library for `verify --candidate-lib` (the C ABI of gpu/candidate_abi.h): a plain CPU transposed
// convolution with float32 accumulation and a float epilogue (erfcf in the tail), for float32, float16 and bfloat16
// storage. It stands for any kernel built outside this project: it includes only the ABI header and the C++ library.
// Build: CMake target `example_candidate_direct_float`; gate: verify --candidate-lib libexample_candidate_direct_float.so
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "gpu/candidate_abi.h"

namespace {

float load(const void* base, int64_t i, int32_t dtype) {
  if (dtype == GATE_DTYPE_FLOAT32) return static_cast<const float*>(base)[i];
  const uint16_t bits = static_cast<const uint16_t*>(base)[i];
  if (dtype == GATE_DTYPE_BFLOAT16) {
    const uint32_t u = static_cast<uint32_t>(bits) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
  }
  _Float16 h;
  std::memcpy(&h, &bits, 2);
  return static_cast<float>(h);
}

void store(void* base, int64_t i, float v, int32_t dtype) {
  if (dtype == GATE_DTYPE_FLOAT32) {
    static_cast<float*>(base)[i] = v;
    return;
  }
  uint16_t bits;
  if (dtype == GATE_DTYPE_FLOAT16) {
    const _Float16 h = static_cast<_Float16>(v);
    std::memcpy(&bits, &h, 2);
  } else {
    uint32_t u;
    std::memcpy(&u, &v, 4);
    bits = std::isnan(v) ? static_cast<uint16_t>((u >> 16) | 0x40) : static_cast<uint16_t>((u + 0x7fff + ((u >> 16) & 1)) >> 16);
  }
  static_cast<uint16_t*>(base)[i] = bits;
}

// min(v, 0) keeping NaN and -0.0; GELU in the erfc form; both as the operation's contract asks (DESIGN.md).
float epilogue(float conv, float add, float mul) {
  float v = conv + add;
  if (!(v <= 0.0f)) v = std::isnan(v) ? v : 0.0f;
  // The erfc argument in double: rounding v/√2 to float would be amplified ~v² times in the far tail.
  const float g = static_cast<float>(0.5 * v * std::erfc(-static_cast<double>(v) * 0.70710678118654752440));
  return g * mul;
}

}  // namespace

extern "C" uint32_t gate_candidate_abi_version(void) { return GATE_CANDIDATE_ABI_VERSION; }
extern "C" const char* gate_candidate_name(void) { return "example direct float (CPU)"; }
extern "C" int32_t gate_candidate_memory(void) { return GATE_MEMORY_HOST; }

extern "C" int32_t gate_candidate_run(const gate_problem_v1* p, const void* x, const void* weight, const void* bias,
                                      void* y, void*, char* message, size_t capacity) {
  if (p->dtype < GATE_DTYPE_FLOAT32 || p->dtype > GATE_DTYPE_BFLOAT16) {
    std::snprintf(message, capacity, "unsupported dtype %d", p->dtype);
    return 1;
  }
  const int64_t Hout = (p->H - 1) * p->stride[0] - 2 * p->padding[0] + p->dilation[0] * (p->kH - 1) + p->output_padding[0] + 1;
  const int64_t Wout = (p->W - 1) * p->stride[1] - 2 * p->padding[1] + p->dilation[1] * (p->kW - 1) + p->output_padding[1] + 1;
  const int64_t cin_g = p->Cin / p->groups, cout_g = p->Cout / p->groups;
  std::vector<float> acc(static_cast<size_t>(p->N * p->Cout * Hout * Wout));
  for (int64_t n = 0; n < p->N; ++n)
    for (int64_t co = 0; co < p->Cout; ++co) {
      const float b = p->has_bias ? load(bias, co, p->dtype) : 0.0f;
      for (int64_t i = 0; i < Hout * Wout; ++i) acc[(n * p->Cout + co) * Hout * Wout + i] = b;
    }
  for (int64_t n = 0; n < p->N; ++n)
    for (int64_t ci = 0; ci < p->Cin; ++ci) {
      const int64_t g = ci / cin_g;
      for (int64_t ih = 0; ih < p->H; ++ih)
        for (int64_t iw = 0; iw < p->W; ++iw) {
          const float xv = load(x, ((n * p->Cin + ci) * p->H + ih) * p->W + iw, p->dtype);
          for (int64_t co = 0; co < cout_g; ++co)
            for (int64_t kh = 0; kh < p->kH; ++kh) {
              const int64_t oh = ih * p->stride[0] - p->padding[0] + kh * p->dilation[0];
              if (oh < 0 || oh >= Hout) continue;
              for (int64_t kw = 0; kw < p->kW; ++kw) {
                const int64_t ow = iw * p->stride[1] - p->padding[1] + kw * p->dilation[1];
                if (ow < 0 || ow >= Wout) continue;
                const float wv = load(weight, ((ci * cout_g + co) * p->kH + kh) * p->kW + kw, p->dtype);
                acc[((n * p->Cout + g * cout_g + co) * Hout + oh) * Wout + ow] += xv * wv;
              }
            }
        }
    }
  for (size_t i = 0; i < acc.size(); ++i) store(y, static_cast<int64_t>(i), epilogue(acc[i], p->add_value, p->multiply_value), p->dtype);
  return 0;
}
