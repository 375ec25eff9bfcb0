// Other libraries' float erf over spans, measured beside gate::simd::erf_float by the exhaustive checker (max ulp) and
// the benchmark (elements/s): glibc erff, libmvec's AVX2 and AVX-512 erff, SLEEF's erff_u10 (scalar and AVX-512) and
// Eigen 3.4's vectorized erf. A peer whose instruction set the CPU lacks is listed as unavailable.
#pragma once

#include <cstddef>
#include <vector>

namespace gate::simd_peers {

struct ErfPeer {
  const char* name;
  void (*run)(const float* in, std::size_t count, float* out);
  bool available;
};

const std::vector<ErfPeer>& erf_peers();

// Eigen::ArrayXf::erf, compiled for AVX-512 in its own file (erf_peer_eigen.cpp).
void eigen_erf_avx512(const float* in, std::size_t count, float* out);

}  // namespace gate::simd_peers
