// What the TF32 tensor-core instruction that Flavor3xTf32 (gpu/mma_flavors.cuh) uses does with subnormal and
// non-finite values: one warp, one mma.sync.m16n8k8 per line, A row 0 × B column 0 over k = 0 (every other operand
// element 0), the C input given, then the accumulator's element (0, 0) printed next to what IEEE float32 gives.
// Also cvt.rna.tf32.f32 on subnormals. Standalone, so it needs no build folder:
//   nvcc -std=c++17 -arch=sm_90 -o /tmp/mma_subnormal_probe bench/gpu/mma_subnormal_probe.cu && /tmp/mma_subnormal_probe
// bench/NOTES.md ("3xTF32 and the values its split cannot carry") quotes its output on the H100.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include <cuda_runtime.h>

struct Line {
  const char* what;
  float a, b, c;  // d = a·b + c
};

__global__ void probe(const Line* lines, int n, float* d_out, uint32_t* cvt_out, const float* cvt_in, int n_cvt) {
  const int lane = threadIdx.x, g = lane / 4, c = lane % 4;
  for (int i = 0; i < n; ++i) {
    // A fragment: a0 = (row g, col c); B fragment: b0 = (row c, col g); C/D: c0 = (row g, col 2c).
    uint32_t a[4] = {0, 0, 0, 0}, b[2] = {0, 0};
    float d[4] = {0, 0, 0, 0};
    if (g == 0 && c == 0) {
      a[0] = __float_as_uint(lines[i].a);
      b[0] = __float_as_uint(lines[i].b);
      d[0] = lines[i].c;
    }
    asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                 : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
    if (lane == 0) d_out[i] = d[0];
  }
  if (lane < n_cvt) {
    uint32_t r;
    asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(cvt_in[lane]));
    cvt_out[lane] = r;
  }
}

int main() {
  const float sub = std::ldexp(1.0f, -127);  // a TF32-exact subnormal (0x00400000)
  const Line lines[] = {
      {"normal control: 2^-63 * 2^-63 + 0 (= 2^-126, normal)", std::ldexp(1.0f, -63), std::ldexp(1.0f, -63), 0.0f},
      {"subnormal operand: 2^-127 * 1 + 0", sub, 1.0f, 0.0f},
      {"subnormal operand: 2^-127 * 2^20 + 0 (normal product)", sub, std::ldexp(1.0f, 20), 0.0f},
      {"subnormal product of normals: 2^-70 * 2^-70 + 0", std::ldexp(1.0f, -70), std::ldexp(1.0f, -70), 0.0f},
      {"subnormal C passed through: 0 * 0 + 2^-130", 0.0f, 0.0f, std::ldexp(1.0f, -130)},
      {"subnormal C plus normal product: 2^-63 * 2^-63 + 2^-130", std::ldexp(1.0f, -63), std::ldexp(1.0f, -63),
       std::ldexp(1.0f, -130)},
      {"cancellation to a subnormal: 2^-60 * 2^-60 + (2^-130 - 2^-120)", std::ldexp(1.0f, -60), std::ldexp(1.0f, -60),
       std::ldexp(1.0f, -130) - std::ldexp(1.0f, -120)},
      {"inf * subnormal operand 2^-127 + 0", INFINITY, sub, 0.0f},
      {"inf * 0 + 0", INFINITY, 0.0f, 0.0f},
      {"inf * 1 + 0", INFINITY, 1.0f, 0.0f},
  };
  const int n = sizeof lines / sizeof lines[0];
  const float cvt_in[] = {std::ldexp(1.0f, -127), std::ldexp(1.0f, -127) + std::ldexp(1.0f, -149),
                          std::ldexp(1.0f, -149), 1000 * std::ldexp(1.0f, -149), std::ldexp(1.0f, -126)};
  const int n_cvt = sizeof cvt_in / sizeof cvt_in[0];
  Line* d_lines;
  float *d_out, *d_cvt_in;
  uint32_t* d_cvt_out;
  cudaMalloc(&d_lines, sizeof lines);
  cudaMalloc(&d_out, n * sizeof(float));
  cudaMalloc(&d_cvt_in, sizeof cvt_in);
  cudaMalloc(&d_cvt_out, n_cvt * sizeof(uint32_t));
  cudaMemcpy(d_lines, lines, sizeof lines, cudaMemcpyHostToDevice);
  cudaMemcpy(d_cvt_in, cvt_in, sizeof cvt_in, cudaMemcpyHostToDevice);
  probe<<<1, 32>>>(d_lines, n, d_out, d_cvt_out, d_cvt_in, n_cvt);
  const cudaError_t e = cudaDeviceSynchronize();
  if (e != cudaSuccess) {
    std::printf("CUDA error: %s\n", cudaGetErrorString(e));
    return 2;
  }
  float out[n];
  uint32_t cvt_out[n_cvt];
  cudaMemcpy(out, d_out, sizeof out, cudaMemcpyDeviceToHost);
  cudaMemcpy(cvt_out, d_cvt_out, sizeof cvt_out, cudaMemcpyDeviceToHost);
  cudaDeviceProp prop{};
  cudaGetDeviceProperties(&prop, 0);
  std::printf("mma.sync.m16n8k8 tf32 on %s (sm_%d%d)\n", prop.name, prop.major, prop.minor);
  for (int i = 0; i < n; ++i) {
    const volatile float a = lines[i].a, b = lines[i].b;  // IEEE float32 on the host: product, then sum
    const float ieee = a * b + lines[i].c;
    std::printf("  %-62s mma %-14.6g IEEE %-14.6g %s\n", lines[i].what, out[i], ieee,
                (std::memcmp(&out[i], &ieee, 4) == 0) ? "same" : "DIFFERENT");
  }
  for (int i = 0; i < n_cvt; ++i) {
    uint32_t in_bits;
    std::memcpy(&in_bits, &cvt_in[i], 4);
    std::printf("  cvt.rna.tf32.f32 0x%08x (%g) -> 0x%08x\n", in_bits, cvt_in[i], cvt_out[i]);
  }
  return 0;
}
