// The exhaustive float checker (not in ctest: minutes on all cores). Over all 2^32 floats it measures, against the
// correctly rounded erf/erfc, the largest ulp distance of gate::simd::erf_float, gate::simd::erfc_float and the peers'
// erff (tests/simd/erf_peers.hpp), and over all 2^31 negative floats the GELU epilogue's error in ulp of the exact value.
//
// Oracle: glibc's double erf/erfc at the float argument, rounded to float. glibc documents ≤ 1 ulp (erf) and ≤ 5 ulp
// (erfc) of double for them (libm-test-ulps, x86_64); a rounding to float can only be wrong where the double lies
// within those few double ulps of a float rounding boundary, so every value whose relative neighbourhood ±2^-45
// (≥ 128 double ulps) straddles a boundary is recomputed with MPFR at 256 bits ("settled" in the output): the oracle
// is thus correctly rounded everywhere. GELU's oracle: 0.5·v·erfc(−v/√2) in double with glibc's erfc (relative error
// < 4e-13 for v ≥ -37, the bound derived in reference/epilogue.hpp), i.e. < 2^-17 of a float ulp. The GELU part runs with
// multiply 1 and with multiply −3.7 (kGeluMultiplies: a value that is no power of two, so the epilogue's last products
// round), add −0.0 (v = x exactly); the oracle's product by −3.7 in double adds 2^-53.
//
// Run: build/tests/simd/gate_simd_exhaustive_check [threads] [--gelu-only]   (prints markdown tables)
// The GELU part also measures the PyTorch-style float formula 0.5·v·(1 + erff(v·fl(1/√2))) with glibc's erff.
#include <mpfr.h>

#include <atomic>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "simd/erf.hpp"
#include "simd/gelu_epilogue.hpp"
#include "tests/simd/erf_peers.hpp"
#include "tests/simd/mpfr_oracle.hpp"

namespace {

constexpr uint64_t kChunk = 1 << 16;
constexpr float kGeluMultiplies[] = {1.0f, -3.7f};

float from_bits(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

float mpfr_float(float x, bool erfc) {
  mpfr_t m;
  mpfr_init2(m, 256);
  mpfr_set_flt(m, x, MPFR_RNDN);
  if (erfc) {
    mpfr_erfc(m, m, MPFR_RNDN);
  } else {
    mpfr_erf(m, m, MPFR_RNDN);
  }
  const float r = mpfr_get_flt(m, MPFR_RNDN);
  mpfr_clear(m);
  return r;
}

// The correctly rounded float erf/erfc(x) (see the file comment); *settled counts the MPFR calls.
float oracle(float x, bool erfc, uint64_t* settled) {
  const double d = erfc ? std::erfc(static_cast<double>(x)) : std::erf(static_cast<double>(x));
  if (!std::isfinite(d) || d == 0.0) return static_cast<float>(d);
  const float lo = static_cast<float>(d * (1.0 - 0x1p-45)), hi = static_cast<float>(d * (1.0 + 0x1p-45));
  if (lo == hi) return lo;
  ++*settled;
  return mpfr_float(x, erfc);
}

struct Stat {
  std::string name;
  int64_t max_ulp = 0;
  float worst_x = 0;
  uint64_t over_1ulp = 0;
  uint64_t abs_over_1 = 0;  // |erf| > 1 (an impossible value)
  void add(const Stat& o) {
    if (o.max_ulp > max_ulp) {
      max_ulp = o.max_ulp;
      worst_x = o.worst_x;
    }
    over_1ulp += o.over_1ulp;
    abs_over_1 += o.abs_over_1;
  }
  void see(float got, float want, float x) {
    const int64_t d = gate::simd_test::ulp_distance(got, want);
    if (d > max_ulp) {
      max_ulp = d;
      worst_x = x;
    }
    over_1ulp += d > 1;
    abs_over_1 += std::fabs(got) > 1.0f;
  }
};

struct GeluStat {
  double max_ulp = 0, max_abs = 0;
  float worst_x = 0;
  void add(const GeluStat& o) {
    if (o.max_ulp > max_ulp) {
      max_ulp = o.max_ulp;
      worst_x = o.worst_x;
    }
    max_abs = std::max(max_abs, o.max_abs);
  }
  void see(float got, float x, double exact) {
    const double err = std::fabs(static_cast<double>(got) - exact);
    if (std::isnan(got)) {
      max_ulp = INFINITY;
      worst_x = x;
    } else if (std::fabs(exact) >= FLT_MIN) {
      const double ulp = std::ldexp(1.0, std::ilogb(exact) - 23);
      if (err / ulp > max_ulp) {
        max_ulp = err / ulp;
        worst_x = x;
      }
    } else {
      max_abs = std::max(max_abs, err);
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  const unsigned threads = argc > 1 ? static_cast<unsigned>(std::stoul(argv[1])) : std::thread::hardware_concurrency();
  const bool gelu_only = argc > 2 && std::string(argv[2]) == "--gelu-only";
  const auto& peers = gate::simd_peers::erf_peers();
  // columns: ours erf, ours erfc, then each available peer's erf
  std::vector<Stat> total;
  total.push_back({"gate::simd::erf_float"});
  total.push_back({"gate::simd::erfc_float"});
  for (const auto& p : peers)
    if (p.available) total.push_back({p.name});
  GeluStat gelu_total, naive_total;
  uint64_t settled_total = 0;
  std::mutex mu;
  std::atomic<uint64_t> next{0};
  const auto t0 = std::chrono::steady_clock::now();

  auto work = [&] {
    std::vector<float> x(kChunk), want_erf(kChunk), want_erfc(kChunk), got(kChunk);
    std::vector<Stat> local = total;
    for (auto& s : local) s = Stat{s.name};
    GeluStat gelu, naive;
    uint64_t settled = 0;
    for (uint64_t c; (c = next.fetch_add(kChunk)) < (1ull << 32);) {
      for (uint64_t i = 0; i < kChunk; ++i) x[i] = from_bits(static_cast<uint32_t>(c + i));
      if (gelu_only && c < 0x80000000ull) continue;
      if (!gelu_only) {
      for (uint64_t i = 0; i < kChunk; ++i) {
        want_erf[i] = oracle(x[i], false, &settled);
        want_erfc[i] = oracle(x[i], true, &settled);
      }
      size_t col = 0;
      gate::simd::erf_float(x.data(), kChunk, got.data());
      for (uint64_t i = 0; i < kChunk; ++i) local[col].see(got[i], want_erf[i], x[i]);
      ++col;
      gate::simd::erfc_float(x.data(), kChunk, got.data());
      for (uint64_t i = 0; i < kChunk; ++i) local[col].see(got[i], want_erfc[i], x[i]);
      ++col;
      for (const auto& p : peers) {
        if (!p.available) continue;
        p.run(x.data(), kChunk, got.data());
        for (uint64_t i = 0; i < kChunk; ++i) local[col].see(got[i], want_erf[i], x[i]);
        ++col;
      }
      }
      // GELU on the negative half (sign bit set), add = -0.0 (v = x exactly), each multiply of kGeluMultiplies.
      if (c >= 0x80000000ull) {
        for (const float mul : kGeluMultiplies) {
          gate::simd::gelu_epilogue_float(x.data(), kChunk, -0.0f, mul, gate::DType::kFloat32, got.data());
          for (uint64_t i = 0; i < kChunk; ++i) {
            const double v = x[i];
            if (!(v >= -37.0)) continue;  // NaN, -inf and the region where the oracle's bound stops (result 0 anyway)
            const double exact = mul * (0.5 * v * std::erfc(-v * 0.70710678118654752440));
            gelu.see(got[i], x[i], exact);
            if (mul == 1.0f) naive.see(0.5f * x[i] * (1.0f + erff(x[i] * 0.70710678f)), x[i], exact);
          }
        }
      }
    }
    std::lock_guard<std::mutex> lock(mu);
    for (size_t i = 0; i < total.size(); ++i) total[i].add(local[i]);
    gelu_total.add(gelu);
    naive_total.add(naive);
    settled_total += settled;
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::printf("%s, %u threads, %.0f s; oracle roundings settled by MPFR: %llu\n\n",
              gelu_only ? "All 2^31 negative floats (GELU only)" : "All 2^32 floats", threads, seconds,
              static_cast<unsigned long long>(settled_total));
  if (!gelu_only) {
  std::printf("| function | max ulp vs correctly rounded | at x | inputs > 1 ulp | results with abs > 1 |\n");
  std::printf("| --- | ---: | ---: | ---: | ---: |\n");
  for (const auto& s : total)
    std::printf("| %s | %lld | %a (%.9g) | %llu | %llu |\n", s.name.c_str(), static_cast<long long>(s.max_ulp),
                s.worst_x, s.worst_x, static_cast<unsigned long long>(s.over_1ulp),
                static_cast<unsigned long long>(s.abs_over_1));
  }
  std::printf("\nGELU epilogue float (add -0.0, multiply 1 and -3.7), all 2^31 negative floats down to -37: "
              "max %.4f ulp "
              "at v = %a "
              "(%.9g) where the exact result is normal (claim %g); max abs error %.3g where subnormal (claim %g)\n",
              gelu_total.max_ulp, gelu_total.worst_x, gelu_total.worst_x, gate::simd::kGeluFloatMaxUlp,
              gelu_total.max_abs, gate::simd::kGeluFloatSubnormalMaxAbsErr);
  std::printf("PyTorch-style float formula 0.5*v*(1 + erff(v*0.70710678f)) with glibc erff, same inputs (multiply 1): "
              "max %.6g ulp at "
              "v = %a (%.9g) where the exact result is normal; max abs error %.3g where subnormal\n",
              naive_total.max_ulp, naive_total.worst_x, naive_total.worst_x, naive_total.max_abs);
  const bool erf_ok =
      gelu_only || (total[0].max_ulp <= gate::simd::kErfFloatMaxUlp && total[1].max_ulp <= gate::simd::kErfcFloatMaxUlp);
  const bool ok = erf_ok && gelu_total.max_ulp <= gate::simd::kGeluFloatMaxUlp &&
                  gelu_total.max_abs <= gate::simd::kGeluFloatSubnormalMaxAbsErr;
  std::printf("\nclaims (simd/erf.hpp, simd/gelu_epilogue.hpp): %s\n", ok ? "HOLD" : "BROKEN");
  return ok ? 0 : 1;
}
