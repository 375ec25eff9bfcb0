// Speed of simd/ beside the peers, one core, data in L2: elements/s of float erf (ours and glibc, libmvec AVX2 and
// AVX-512, SLEEF u10 scalar and AVX-512, Eigen), float erfc and double erf/erfc (ours), and the whole GELU epilogue
// (ours to float32 and to bfloat16, against the PyTorch-style float formula 0.5·v·(1 + erff(v/√2)) with glibc erff).
// Inputs: erf: uniform in [-6, 6) (both of erf's regions mixed in every vector: no branch is skipped); GELU: the conv
// output uniform in [-8, 2) before +0.5 ("mixed": the min(·, 0) region included, every vector mixes zeros and the
// float-lane core's pieces), a seed-like input (see below), and the conv output uniform in [-16, 2) ("deep tail":
// nearly every vector holds a lane below -7.875, which the float epilogue recomputes in double lanes: its worst case).
// Results: bench/RESULTS.md, "simd (CPU)".
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <random>
#include <vector>

#include "simd/erf.hpp"
#include "simd/gelu_epilogue.hpp"
#include "simd/targets.hpp"
#include "tests/simd/erf_peers.hpp"

namespace {

constexpr std::size_t kCount = 16 * 1024;

template <typename T>
std::vector<T> uniform(T lo, T hi) {
  std::mt19937 rng(93);
  std::uniform_real_distribution<T> dist(lo, hi);
  std::vector<T> v(kCount);
  for (auto& x : v) x = dist(rng);
  return v;
}

template <typename T, typename F>
void run(benchmark::State& state, const std::vector<T>& in, F f) {
  std::vector<T> out(in.size());
  for (auto _ : state) {
    f(in.data(), in.size(), out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(in.size()));
}

void register_all() {
  static const auto erf_in = uniform<float>(-6.0f, 6.0f);
  static const auto erf_in_d = uniform<double>(-6.0, 6.0);
  static const auto conv = uniform<float>(-8.0f, 2.0f);
  static const auto conv_deep = uniform<float>(-16.0f, 2.0f);
  // The seed workload's conv outputs: x ~ U[0,1), weights and bias ~ U(±1/sqrt(2048)) (PyTorch's default init), 256
  // products per output: mean ≈ 0, standard deviation ≈ 0.12; after +0.5 nearly all are positive (min(·, 0) → 0).
  static const auto seed_like = [] {
    std::mt19937 rng(93);
    std::normal_distribution<float> dist(0.0f, 0.12f);
    std::vector<float> v(kCount);
    for (auto& x : v) x = dist(rng);
    return v;
  }();
  benchmark::RegisterBenchmark("erf float: gate::simd (best target)", [](benchmark::State& s) {
    run(s, erf_in, gate::simd::erf_float);
  });
  for (const auto& peer : gate::simd_peers::erf_peers()) {
    if (!peer.available) continue;
    benchmark::RegisterBenchmark((std::string("erf float: ") + peer.name).c_str(),
                                 [&peer](benchmark::State& s) { run(s, erf_in, peer.run); });
  }
  benchmark::RegisterBenchmark("erfc float: gate::simd", [](benchmark::State& s) {
    run(s, erf_in, gate::simd::erfc_float);
  });
  benchmark::RegisterBenchmark("erf double: gate::simd", [](benchmark::State& s) {
    run(s, erf_in_d, gate::simd::erf_double);
  });
  benchmark::RegisterBenchmark("erfc double: gate::simd", [](benchmark::State& s) {
    run(s, erf_in_d, gate::simd::erfc_double);
  });
  benchmark::RegisterBenchmark("GELU epilogue float32: gate::simd", [](benchmark::State& s) {
    run(s, conv, [](const float* in, std::size_t n, float* out) {
      gate::simd::gelu_epilogue_float(in, n, 0.5f, 2.0f, gate::DType::kFloat32, out);
    });
  });
  benchmark::RegisterBenchmark("GELU epilogue float32, seed-like input: gate::simd", [](benchmark::State& s) {
    run(s, seed_like, [](const float* in, std::size_t n, float* out) {
      gate::simd::gelu_epilogue_float(in, n, 0.5f, 2.0f, gate::DType::kFloat32, out);
    });
  });
  benchmark::RegisterBenchmark("GELU epilogue float32, deep tail input: gate::simd", [](benchmark::State& s) {
    run(s, conv_deep, [](const float* in, std::size_t n, float* out) {
      gate::simd::gelu_epilogue_float(in, n, 0.5f, 2.0f, gate::DType::kFloat32, out);
    });
  });
  benchmark::RegisterBenchmark("GELU epilogue bfloat16: gate::simd", [](benchmark::State& s) {
    run(s, conv, [](const float* in, std::size_t n, float* out) {
      gate::simd::gelu_epilogue_float(in, n, 0.5f, 2.0f, gate::DType::kBFloat16, out);
    });
  });
  benchmark::RegisterBenchmark("GELU epilogue float32: 0.5*v*(1+erff(v/sqrt2)), glibc erff", [](benchmark::State& s) {
    run(s, conv, [](const float* in, std::size_t n, float* out) {
      for (std::size_t i = 0; i < n; ++i) {
        const float v = std::fmin(in[i] + 0.5f, 0.0f);
        out[i] = 2.0f * (0.5f * v * (1.0f + erff(v * 0.70710678f)));
      }
    });
  });
  benchmark::RegisterBenchmark("GELU epilogue double: gate::simd", [](benchmark::State& s) {
    static const auto conv_d = uniform<double>(-8.0, 2.0);
    run(s, conv_d, [](const double* in, std::size_t n, double* out) {
      gate::simd::gelu_epilogue_double(in, n, 0.5f, 2.0f, out);
    });
  });
}

}  // namespace

int main(int argc, char** argv) {
  const auto targets = gate::simd::supported_targets();
  benchmark::AddCustomContext("gate_simd target", targets.empty() ? "?" : gate::simd::target_name(targets.front()));
  benchmark::AddCustomContext("elements per run", std::to_string(kCount));
  register_all();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
