// See tests/simd/erf_peers.hpp. The vector peers are called through their x86 vector ABIs from functions compiled for
// that instruction set only (target attributes), so the file itself runs on any x86-64.
#include "tests/simd/erf_peers.hpp"

#include <immintrin.h>

#include <cmath>
#include <cstring>

// libmvec (glibc ≥ 2.35) and SLEEF 3.5: no header needed beyond these declarations.
extern "C" {
__m256 _ZGVdN8v_erff(__m256 x);   // libmvec AVX2
__m512 _ZGVeN16v_erff(__m512 x);  // libmvec AVX-512
float Sleef_erff_u10(float x);
__m512 Sleef_erff16_u10avx512f(__m512 x);
}

namespace gate::simd_peers {
namespace {

void glibc_erff(const float* in, std::size_t n, float* out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = erff(in[i]);
}

void sleef_erff_u10(const float* in, std::size_t n, float* out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = Sleef_erff_u10(in[i]);
}

__attribute__((target("avx2,fma"))) void libmvec_erff_avx2(const float* in, std::size_t n, float* out) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, _ZGVdN8v_erff(_mm256_loadu_ps(in + i)));
  if (i < n) {
    alignas(32) float buf[8] = {};
    std::memcpy(buf, in + i, (n - i) * sizeof(float));
    _mm256_store_ps(buf, _ZGVdN8v_erff(_mm256_load_ps(buf)));
    std::memcpy(out + i, buf, (n - i) * sizeof(float));
  }
}

__attribute__((target("avx512f"))) void libmvec_erff_avx512(const float* in, std::size_t n, float* out) {
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(out + i, _ZGVeN16v_erff(_mm512_loadu_ps(in + i)));
  if (i < n) {
    alignas(64) float buf[16] = {};
    std::memcpy(buf, in + i, (n - i) * sizeof(float));
    _mm512_store_ps(buf, _ZGVeN16v_erff(_mm512_load_ps(buf)));
    std::memcpy(out + i, buf, (n - i) * sizeof(float));
  }
}

__attribute__((target("avx512f"))) void sleef_erff_u10_avx512(const float* in, std::size_t n, float* out) {
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(out + i, Sleef_erff16_u10avx512f(_mm512_loadu_ps(in + i)));
  if (i < n) {
    alignas(64) float buf[16] = {};
    std::memcpy(buf, in + i, (n - i) * sizeof(float));
    _mm512_store_ps(buf, Sleef_erff16_u10avx512f(_mm512_load_ps(buf)));
    std::memcpy(out + i, buf, (n - i) * sizeof(float));
  }
}

}  // namespace

const std::vector<ErfPeer>& erf_peers() {
  static const std::vector<ErfPeer> peers = [] {
    __builtin_cpu_init();
    const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
    return std::vector<ErfPeer>{
        {"glibc erff", glibc_erff, true},
        {"libmvec erff AVX2 (_ZGVdN8v_erff)", libmvec_erff_avx2, avx2},
        {"libmvec erff AVX-512 (_ZGVeN16v_erff)", libmvec_erff_avx512, avx512},
        {"SLEEF Sleef_erff_u10", sleef_erff_u10, true},
        {"SLEEF Sleef_erff16_u10avx512f", sleef_erff_u10_avx512, avx512},
        {"Eigen 3.4 ArrayXf::erf (AVX-512)", eigen_erf_avx512, avx512},
    };
  }();
  return peers;
}

}  // namespace gate::simd_peers
