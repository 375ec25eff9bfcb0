// Eigen 3.4's vectorized float erf (its rational approximation in packet math), compiled for AVX-512 in this file
// alone (see tests/simd/CMakeLists.txt): called only where the CPU has AVX-512 (tests/simd/erf_peers.cpp).
#include <Eigen/Core>
#include <unsupported/Eigen/SpecialFunctions>

#include "tests/simd/erf_peers.hpp"

namespace gate::simd_peers {

void eigen_erf_avx512(const float* in, std::size_t count, float* out) {
  const auto n = static_cast<Eigen::Index>(count);
  Eigen::Map<Eigen::ArrayXf>(out, n) = Eigen::Map<const Eigen::ArrayXf>(in, n).erf();
}

}  // namespace gate::simd_peers
