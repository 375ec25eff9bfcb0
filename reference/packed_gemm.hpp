// A GEMM C = A·B (A: weights, M × K column-major; B: an im2col block, K × cols row-major; C: M × cols row-major) from
// Eigen's own building blocks (Eigen 3.4, Eigen/src/Core/products/GeneralBlockPanelKernel.h), so that the weights are
// packed once per problem instead of on every call: Eigen's product packed all 512 × 256 stacked weights for every
// block of 325 columns, 6% of the reference's time (bench/RESULTS.md). As Eigen's product does for a row-major result,
// it computes the transpose C^T = B^T·A^T, with the same kernel and the same packed panels, over the whole depth K at
// once (Eigen's product splits K only above its cache-derived block size, a few hundred). The summation order of each
// element is fixed by the shapes, never by the thread. Internal to reference/ (which alone compiles Eigen).
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <cstring>
#include <vector>

namespace gate::detail {

template <class T>
class PackedGemm {
  using Index = Eigen::Index;
  using Traits = Eigen::internal::gebp_traits<T, T>;
  using LhsMapper = Eigen::internal::const_blas_data_mapper<T, Index, Eigen::ColMajor>;
  using RhsMapper = Eigen::internal::const_blas_data_mapper<T, Index, Eigen::RowMajor>;
  using ResMapper = Eigen::internal::blas_data_mapper<T, Index, Eigen::ColMajor, Eigen::Unaligned, 1>;

 public:
  using Buffer = std::vector<T, Eigen::aligned_allocator<T>>;

  // Packs a (M × K, column-major, leading dimension M) as the right operand B' = A^T of the transposed product.
  PackedGemm(const T* a, int64_t M, int64_t K) : M_(M), K_(K), packed_a_(static_cast<size_t>(M * K)) {
    if (M == 0 || K == 0) return;  // (phases no tap reaches: the caller never multiplies then)
    Eigen::internal::gemm_pack_rhs<T, Index, RhsMapper, Traits::nr, Eigen::RowMajor> pack;
    pack(packed_a_.data(), RhsMapper(a, M), K, M);
  }

  // c (M × cols, row-major) = A·b, b: K × cols row-major. scratch: the packed b, resized as needed.
  void multiply(const T* b, int64_t cols, T* c, Buffer& scratch) const {
    scratch.resize(static_cast<size_t>(K_ * cols));
    Eigen::internal::gemm_pack_lhs<T, Index, LhsMapper, Traits::mr, Traits::LhsProgress,
                                   typename Traits::LhsPacket4Packing, Eigen::ColMajor>
        pack;
    pack(scratch.data(), LhsMapper(b, cols), K_, cols);
    std::memset(c, 0, static_cast<size_t>(M_ * cols) * sizeof(T));  // the kernel accumulates into c
    Eigen::internal::gebp_kernel<T, T, Index, ResMapper, Traits::mr, Traits::nr, false, false> gebp;
    gebp(ResMapper(c, cols), scratch.data(), packed_a_.data(), cols, K_, M_, T(1));
  }

 private:
  int64_t M_, K_;
  Buffer packed_a_;
};

}  // namespace gate::detail
