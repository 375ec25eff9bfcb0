// The bitwise-determinism check shared by the reference's entry points (transposed_conv, fused_output,
// epilogue_scale tests): on shapes where the OpenMP split matters, 2 and 7 threads must give the bytes 1 thread gives.
#pragma once

#include <omp.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <span>
#include <vector>

#include "core/problem.hpp"
#include "tests/reference/fill.hpp"

namespace gate::test {

// Several images, groups and row phases, no bias, a wide reduction (K = 128·2·2 = 512, so each row phase is split into
// several row blocks), float32 and bfloat16, both precisions, add and multiply values that leave some outputs clamped.
inline std::vector<Problem> split_sensitive_problems() {
  std::vector<Problem> v(4);
  v[0].N = 3, v[0].Cin = 8, v[0].Cout = 12, v[0].groups = 2, v[0].H = 40, v[0].W = 37, v[0].kH = 3, v[0].kW = 4;
  v[0].stride = {2, 3}, v[0].padding = {1, 2}, v[0].dilation = {1, 2}, v[0].output_padding = {1, 0};
  v[0].add_value = -0.25f;
  v[1].N = 5, v[1].Cin = 16, v[1].Cout = 8, v[1].H = 33, v[1].W = 33, v[1].kH = 4, v[1].kW = 4, v[1].stride = {2, 2};
  v[1].add_value = 0.1f;
  v[2].N = 2, v[2].Cin = 6, v[2].Cout = 6, v[2].groups = 3, v[2].H = 30, v[2].W = 31, v[2].kH = 2, v[2].kW = 5;
  v[2].stride = {1, 1}, v[2].has_bias = false;
  v[3].N = 2, v[3].Cin = 128, v[3].Cout = 4, v[3].H = 20, v[3].W = 20, v[3].kH = 4, v[3].kW = 4, v[3].stride = {2, 2};
  v[3].dtype = DType::kBFloat16, v[3].precision = Precision::kTf32, v[3].multiply_value = -1.5f;
  return v;
}

// run(p, inputs) returns the entry point's result; arrays(result) lists its output arrays as byte spans.
template <class Run, class Arrays>
void require_same_bytes_for_1_2_7_threads(Run run, Arrays arrays) {
  const int saved_threads = omp_get_max_threads();
  for (const Problem& p : split_sensitive_problems()) {
    Inputs in = make_inputs(p);
    fill_spread(in.x, 21);
    fill_spread(in.weight, 22);
    fill_spread(in.bias, 23);
    omp_set_num_threads(1);
    const auto one = run(p, in);
    for (int threads : {2, 7}) {
      omp_set_num_threads(threads);
      const auto many = run(p, in);
      INFO(describe(p) << " with " << threads << " threads");
      const std::vector<std::span<const std::byte>> a = arrays(one), b = arrays(many);
      REQUIRE(a.size() == b.size());
      for (size_t k = 0; k < a.size(); ++k) {
        REQUIRE(a[k].size() == b[k].size());
        REQUIRE(std::memcmp(a[k].data(), b[k].data(), a[k].size()) == 0);
      }
    }
  }
  omp_set_num_threads(saved_threads);
}

// The bytes of a contiguous container, for arrays().
template <class C>
std::span<const std::byte> bytes_of(const C& c) {
  return std::as_bytes(std::span(c.data(), c.size()));
}

}  // namespace gate::test
