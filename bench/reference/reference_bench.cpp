// Benchmark of the bit-careful reference on the seed workload (KernelBench level 2, problem 93: N=128, Cin=64,
// Cout=128, 64×64, k=4, stride 2, add 0.5, multiply 2.0): conv + magnitude S + epilogue, elapsed and peak RSS, in one
// pass (reference_fused_output, twice: cold, then warm) and in the two-pass form (reference_transposed_conv, then the
// epilogue), checked equal bit for bit, and in the same run its peers: oneDNN 2.6 fp32 deconvolution with the epilogue as separate eltwise passes, and the plain
// direct loop (reference/direct_conv) on N=16, scaled ×8. A plain timed executable, not a ctest test.
// --verify-arrays one|two times only the arrays verify's compute_reference needs (y and the scale, both double), by
// the one-pass route it uses (reference/epilogue_scale.hpp) or by the two-pass one it used before, R runs, and prints a
// digest of both arrays (equal digests: equal bits); one route per process, so /usr/bin/time gives each its peak RSS.
// Build: cmake --build <dir> --target reference_bench
// Run:   OMP_NUM_THREADS=2 <dir>/bench/reference/reference_bench [--skip-direct] [--one-pass-only] [--runs R] [--n N]
//        OMP_NUM_THREADS=2 <dir>/bench/reference/reference_bench --verify-arrays one|two [--runs R] [--n N]
#include <omp.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/dtype.hpp"
#include "reference/direct_conv.hpp"
#include "reference/epilogue.hpp"
#include "reference/epilogue_scale.hpp"
#include "reference/fused_output.hpp"
#include "reference/transposed_conv.hpp"

#ifdef GATE_HAVE_DNNL
#include <dnnl.hpp>
#endif

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct CpuTimes {
  double user, sys;
};
CpuTimes cpu_times() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return {u.ru_utime.tv_sec + 1e-6 * u.ru_utime.tv_usec, u.ru_stime.tv_sec + 1e-6 * u.ru_stime.tv_usec};
}

// The first three fields of /proc/loadavg: the machine is shared, and timings are only comparable at equal load.
std::string load_average() {
  std::FILE* f = std::fopen("/proc/loadavg", "r");
  if (!f) return "?";
  double a = 0, b = 0, c = 0;
  const int got = std::fscanf(f, "%lf %lf %lf", &a, &b, &c);
  std::fclose(f);
  if (got != 3) return "?";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f %.2f %.2f", a, b, c);
  return buf;
}

double peak_rss_gib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / (1024.0 * 1024.0);  // ru_maxrss is in KiB on Linux
}

// 64 hashed bits of (seed, index) (splitmix64's finaliser).
uint64_t uniform_bits(uint64_t seed, uint64_t i) {
  uint64_t z = seed * 0x9E3779B97F4A7C15ull + i + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Uniform in [lo, hi) from a hash of (seed, index): the inputs do not depend on the thread count.
float uniform_at(uint64_t seed, uint64_t i, float lo, float hi) {
  const uint64_t z = uniform_bits(seed, i);
  const float u01 = static_cast<float>(z >> 40) * 0x1p-24f;
  return lo + (hi - lo) * u01;
}

void fill(gate::HostTensor& t, uint64_t seed, float lo, float hi) {
  const int64_t n = t.size();
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) t.values[i] = uniform_at(seed, static_cast<uint64_t>(i), lo, hi);
}

gate::Problem seed_problem(int64_t N) {
  gate::Problem p;
  p.name = "seed";
  p.N = N;
  p.Cin = 64;
  p.Cout = 128;
  p.H = p.W = 64;
  p.kH = p.kW = 4;
  p.stride = {2, 2};
  p.add_value = 0.5f;
  p.multiply_value = 2.0f;
  return p;
}

struct Inputs {
  gate::HostTensor x, weight, bias;
};

// x ~ U[0, 1); weight and bias ~ U(−1/√fan_in, 1/√fan_in) with fan_in = (Cout/groups)·kH·kW, PyTorch's default init
// of ConvTranspose2d (kaiming_uniform with a = √5 reduces to this bound).
Inputs make_inputs(const gate::Problem& p) {
  Inputs in{gate::make_tensor(gate::x_shape(p), p.dtype, "x"), gate::make_tensor(gate::weight_shape(p), p.dtype, "weight"),
            gate::make_tensor(gate::bias_shape(p), p.dtype, "bias")};
  const float bound = 1.0f / std::sqrt(static_cast<float>(p.Cout / p.groups * p.kH * p.kW));
  fill(in.x, 1, 0.0f, 1.0f);
  fill(in.weight, 2, -bound, bound);
  fill(in.bias, 3, -bound, bound);
  return in;
}

// An order-independent digest of n float or double values' bits and positions (equal arrays give equal digests; a
// difference goes unnoticed with probability about 2^-64). A float's bits are its 32-bit pattern, zero-extended.
template <class At>
uint64_t digest(size_t n, At at) {
  uint64_t sum = 0;
#pragma omp parallel for schedule(static) reduction(+ : sum)
  for (size_t i = 0; i < n; ++i) {
    const auto v = at(i);
    static_assert(sizeof v <= sizeof(uint64_t));
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof v);
    sum += uniform_bits(i, bits);
  }
  return sum;
}

// --verify-arrays: verify's y (the epilogue in double) and scale |multiply|·(S + |add|), by the one-pass route
// (one = true) or by the two-pass one verify used before it: reference_transposed_conv, then this loop over its two
// arrays in place (verify/case_run.cpp until the one-pass route replaced it).
int run_verify_arrays(const gate::Problem& p, const Inputs& in, bool one, int runs) {
  std::printf("%-46s %9s %9s %9s %9s\n", "path", "wall s", "user s", "sys s", "peak GiB");
  uint64_t y_digest = 0, scale_digest = 0;
  for (int run = 1; run <= runs; ++run) {
    const CpuTimes c0 = cpu_times();
    const auto t0 = Clock::now();
    size_t n = 0;
    if (one) {
      const gate::EpilogueScaleReference r = gate::reference_epilogue_and_scale(p, in.x, in.weight, &in.bias);
      const double t = seconds_since(t0);
      const CpuTimes c1 = cpu_times();
      std::printf("%-46s %9.3f %9.2f %9.2f %9.2f\n",
                  ("run " + std::to_string(run) + ": verify arrays, one pass").c_str(), t, c1.user - c0.user,
                  c1.sys - c0.sys, peak_rss_gib());
      n = r.y.size();
      y_digest = digest(n, [&](size_t i) { return r.y[i]; });
      scale_digest = digest(n, [&](size_t i) { return r.scale[i]; });
    } else {
      gate::ConvReference r = gate::reference_transposed_conv(p, in.x, in.weight, &in.bias);
      const double t_conv = seconds_since(t0);
      const double add_abs = std::fabs(static_cast<double>(p.add_value));
      const double mul_abs = std::fabs(static_cast<double>(p.multiply_value));
      n = r.conv.size();
      const int64_t count = static_cast<int64_t>(n);
#pragma omp parallel for schedule(static)
      for (int64_t i = 0; i < count; ++i) {
        r.conv[i] = gate::epilogue(r.conv[i], p.add_value, p.multiply_value);
        r.magnitude[i] = mul_abs * (r.magnitude[i] + add_abs);
      }
      const double t = seconds_since(t0);
      const CpuTimes c1 = cpu_times();
      std::printf("%-46s %9.3f %9.2f %9.2f %9.2f\n",
                  ("run " + std::to_string(run) + ": verify arrays, two-pass").c_str(), t, c1.user - c0.user,
                  c1.sys - c0.sys, peak_rss_gib());
      std::printf("%-46s %9.3f\n", "  of which conv + S (double)", t_conv);
      y_digest = digest(n, [&](size_t i) { return r.conv[i]; });
      scale_digest = digest(n, [&](size_t i) { return r.magnitude[i]; });
    }
  }
  std::printf("  (digests of the last run: y %016llx, scale %016llx)\n", static_cast<unsigned long long>(y_digest),
              static_cast<unsigned long long>(scale_digest));
  return 0;
}

void apply_epilogue(const std::vector<double>& conv, const gate::Problem& p, std::vector<float>& y) {
  gate::epilogue_rounded(conv, p.add_value, p.multiply_value, p.dtype, y);
}

#ifdef GATE_HAVE_DNNL
// oneDNN fp32 deconvolution, then add, min(·,0), GELU(erf), multiply as four in-place eltwise passes.
// Returns {deconv seconds, full op seconds} of the timed (second) run; y receives the output.
std::pair<double, double> run_onednn(const gate::Problem& p, const Inputs& in, std::vector<float>& y, double* max_conv_diff,
                                     const std::vector<double>* ref_conv) {
  using namespace dnnl;
  using tag = memory::format_tag;
  using dt = memory::data_type;
  engine eng(engine::kind::cpu, 0);
  stream s(eng);
  const memory::dims src_dims = {p.N, p.Cin, p.H, p.W}, wei_dims = {p.Cout, p.Cin, p.kH, p.kW}, bia_dims = {p.Cout},
                     dst_dims = {p.N, p.Cout, gate::out_h(p), gate::out_w(p)}, strides = {p.stride.h, p.stride.w},
                     pad = {p.padding.h, p.padding.w};
  // PyTorch's weight (Cin, Cout, kH, kW) is oneDNN's "iohw" view of its logical (Cout, Cin, kH, kW) deconv weights.
  memory src_mem({src_dims, dt::f32, tag::nchw}, eng, const_cast<float*>(in.x.values.data()));
  memory wei_user({wei_dims, dt::f32, tag::iohw}, eng, const_cast<float*>(in.weight.values.data()));
  memory bia_mem({bia_dims, dt::f32, tag::x}, eng, const_cast<float*>(in.bias.values.data()));
  memory dst_mem({dst_dims, dt::f32, tag::nchw}, eng, y.data());
  auto pd = deconvolution_forward::primitive_desc(
      deconvolution_forward::desc(prop_kind::forward_inference, algorithm::deconvolution_direct,
                                  memory::desc(src_dims, dt::f32, tag::nchw), memory::desc(wei_dims, dt::f32, tag::any),
                                  memory::desc(bia_dims, dt::f32, tag::x), memory::desc(dst_dims, dt::f32, tag::nchw),
                                  strides, pad, pad),
      eng);
  memory wei_mem = wei_user;
  if (pd.weights_desc() != wei_user.get_desc()) {
    wei_mem = memory(pd.weights_desc(), eng);
    reorder(wei_user, wei_mem).execute(s, wei_user, wei_mem);
  }
  auto deconv = deconvolution_forward(pd);
  const memory::desc dst_md = dst_mem.get_desc();
  auto eltwise = [&](algorithm alg, float alpha, float beta) {
    return eltwise_forward(eltwise_forward::primitive_desc(
        eltwise_forward::desc(prop_kind::forward_inference, alg, dst_md, alpha, beta), eng));
  };
  auto add = eltwise(algorithm::eltwise_linear, 1.0f, p.add_value);       // y + add
  auto clamp = eltwise(algorithm::eltwise_clip_v2, -INFINITY, 0.0f);      // min(y, 0) (clip to [-inf, 0])
  auto gelu = eltwise(algorithm::eltwise_gelu_erf, 0.0f, 0.0f);           // 0.5·y·(1 + erf(y/√2))
  auto mul = eltwise(algorithm::eltwise_linear, p.multiply_value, 0.0f);  // y · multiply
  double t_deconv = 0, t_total = 0;
  for (int rep = 0; rep < 2; ++rep) {  // first run warms up (page faults on dst, JIT)
    const auto t0 = Clock::now();
    deconv.execute(s, {{DNNL_ARG_SRC, src_mem}, {DNNL_ARG_WEIGHTS, wei_mem}, {DNNL_ARG_BIAS, bia_mem}, {DNNL_ARG_DST, dst_mem}});
    s.wait();
    t_deconv = seconds_since(t0);
    if (rep == 0 && ref_conv) {
      double d = 0;
      for (size_t i = 0; i < y.size(); i += 997) d = std::max(d, std::fabs(static_cast<double>(y[i]) - (*ref_conv)[i]));
      *max_conv_diff = d;
    }
    for (auto* e : {&add, &clamp, &gelu, &mul}) e->execute(s, {{DNNL_ARG_SRC, dst_mem}, {DNNL_ARG_DST, dst_mem}});
    s.wait();
    t_total = seconds_since(t0);
  }
  return {t_deconv, t_total};
}
#endif

}  // namespace

int main(int argc, char** argv) {
  bool skip_direct = false, one_pass_only = false;
  const char* verify_arrays = nullptr;
  int runs = 2;
  int64_t N = 128, direct_N = 16;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--skip-direct")) skip_direct = true;
    else if (!std::strcmp(argv[i], "--one-pass-only")) one_pass_only = true;  // for profiling the one-pass path
    else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::max(2, std::stoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--n") && i + 1 < argc) N = std::stoll(argv[++i]);
    else if (!std::strcmp(argv[i], "--verify-arrays") && i + 1 < argc &&
             (!std::strcmp(argv[i + 1], "one") || !std::strcmp(argv[i + 1], "two"))) verify_arrays = argv[++i];
    else {
      std::fprintf(stderr, "usage: reference_bench [--skip-direct] [--one-pass-only] [--runs R] [--n N]\n"
                           "       reference_bench --verify-arrays one|two [--runs R] [--n N]\n");
      return 2;
    }
  }
  const gate::Problem p = seed_problem(N);
  std::printf("reference_bench: %s, %d OpenMP threads, load average %s\n", gate::describe(p).c_str(),
              omp_get_max_threads(), load_average().c_str());
  Inputs in = make_inputs(p);
  const double rss_inputs = peak_rss_gib();
  if (verify_arrays) return run_verify_arrays(p, in, !std::strcmp(verify_arrays, "one"), runs);

  // 1. The reference in one pass (reference/fused_output.hpp: conv + S + epilogue; y and S in float32), twice (or
  // --runs R times): the first run pays the first touch of 2.2 GB of fresh pages (bench/RESULTS.md). Peak RSS is read before anything else.
  std::printf("%-46s %9s %9s %9s %9s\n", "path", "wall s", "user s", "sys s", "peak GiB");
  gate::FusedReference fused;
  for (int run = 1; run <= runs; ++run) {
    fused = {};
    const CpuTimes c0 = cpu_times();
    auto t0 = Clock::now();
    fused = gate::reference_fused_output(p, in.x, in.weight, &in.bias);
    const double t_fused = seconds_since(t0);
    const CpuTimes c1 = cpu_times();
    std::printf("%-46s %9.3f %9.2f %9.2f %9.2f\n", ("run " + std::to_string(run) + ": reference one pass, total").c_str(),
                t_fused, c1.user - c0.user, c1.sys - c0.sys, peak_rss_gib());
  }

  if (one_pass_only) return 0;
  // The one-pass arrays are compared with the two-pass ones through a digest, so that both never coexist (peak RSS).
  const uint64_t y_digest = digest(fused.y.size(), [&](size_t i) { return fused.y[i]; });
  const uint64_t mag_digest = digest(fused.magnitude.size(), [&](size_t i) { return fused.magnitude[i]; });
  fused = {};

  // 2. The two-pass form verify/ uses today: conv and S in double (reference_transposed_conv), then the epilogue
  // rounded to float32, twice (its first run touches 3.3 GB more than the one-pass runs did); its y must equal the
  // one-pass y bit for bit, and its S rounded up the one-pass S.
  gate::ConvReference ref;
  std::vector<float> y;
  for (int run = 1; run <= 2; ++run) {
    ref = {};
    y = {};
    const CpuTimes c0 = cpu_times();
    auto t0 = Clock::now();
    ref = gate::reference_transposed_conv(p, in.x, in.weight, &in.bias);
    const double t_conv = seconds_since(t0);
    const CpuTimes c1 = cpu_times();
    auto t1 = Clock::now();
    y.resize(ref.conv.size());
    apply_epilogue(ref.conv, p, y);
    const double t_epi = seconds_since(t1);
    const double t_ref = seconds_since(t0);
    const CpuTimes c2 = cpu_times();
    const std::string name = "two-pass run " + std::to_string(run);
    std::printf("%-46s %9.3f %9.2f %9.2f\n", (name + ": conv + S (double)").c_str(), t_conv, c1.user - c0.user,
                c1.sys - c0.sys);
    std::printf("%-46s %9.3f %9.2f %9.2f\n", (name + ": epilogue to float32").c_str(), t_epi, c2.user - c1.user,
                c2.sys - c1.sys);
    std::printf("%-46s %9.3f %9.2f %9.2f %9.2f\n", (name + ": total").c_str(), t_ref, c2.user - c0.user,
                c2.sys - c0.sys, peak_rss_gib());
  }
  int64_t nonzero = 0;
  for (float v : y) nonzero += (v != 0.0f);
  const bool y_same = digest(y.size(), [&](size_t i) { return y[i]; }) == y_digest;
  const bool mag_same =
      digest(ref.magnitude.size(), [&](size_t i) { return gate::round_up_to_float(ref.magnitude[i]); }) == mag_digest;
  std::printf("  (inputs alone: %.2f GiB peak RSS; nonzero outputs: %lld of %zu; one pass vs two-pass: y %s, S %s)\n",
              rss_inputs, static_cast<long long>(nonzero), y.size(), y_same ? "equal" : "DIFFERENT",
              mag_same ? "equal" : "DIFFERENT");
  if (!y_same || !mag_same) return 1;

#ifdef GATE_HAVE_DNNL
  {
    std::vector<float> y_dnnl(ref.conv.size());
    double max_diff = 0;
    auto [t_deconv, t_total] = run_onednn(p, in, y_dnnl, &max_diff, &ref.conv);
    std::printf("%-46s %9.3f\n", "oneDNN 2.6 fp32 deconvolution alone", t_deconv);
    std::printf("%-46s %9.3f\n", "oneDNN deconv + 4 eltwise passes", t_total);
    std::printf("  (oneDNN fp32 conv vs reference, every 997th element: max |diff| %.3g)\n", max_diff);
  }
#endif
  // Keep the first direct_N images of the reference: the direct loop below runs on the same inputs (filled by index,
  // images first), so its result must agree within both sides' bounds.
  const size_t per_image = ref.conv.size() / static_cast<size_t>(N);
  const size_t kept = per_image * static_cast<size_t>(std::min(N, direct_N));
  std::vector<double> ref_conv_head(ref.conv.begin(), ref.conv.begin() + kept);
  std::vector<double> ref_mag_head(ref.magnitude.begin(), ref.magnitude.begin() + kept);
  ref = {};
  y = {};

  if (!skip_direct && N >= direct_N) {
    const gate::Problem pd = seed_problem(direct_N);
    Inputs ind = make_inputs(pd);
    auto t2 = Clock::now();
    gate::ConvReference d = gate::direct_transposed_conv(pd, ind.x, ind.weight, &ind.bias);
    std::vector<float> yd(d.conv.size());
    apply_epilogue(d.conv, pd, yd);
    const double t_direct = seconds_since(t2);
    std::printf("%-46s %9.3f   (N=%lld: %.3f s, serial)\n", "direct loop conv + S + epilogue, scaled", t_direct * N / direct_N,
                static_cast<long long>(direct_N), t_direct);
    double worst = 0;  // largest |ref − direct| / (2 · reference_conv_error_bound): must stay below 1
    for (size_t i = 0; i < kept; ++i) {
      const double allowed = 2.0 * gate::reference_conv_error_bound(gate::terms_per_output(pd), ref_mag_head[i]);
      worst = std::max(worst, std::fabs(ref_conv_head[i] - d.conv[i]) / allowed);
    }
    std::printf("  (direct loop vs reference on those %lld images: max |diff| / bound = %.3g)\n",
                static_cast<long long>(direct_N), worst);
    if (worst > 1.0) return 1;
  }
  std::printf("load average at the end: %s\n", load_average().c_str());
  return 0;
}
