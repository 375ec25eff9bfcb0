// The double checker (not in ctest: minutes on all cores): gate::simd::erf_double and erfc_double on 10^8 random
// inputs against the correctly rounded result. Inputs: 80% with a uniformly drawn binade in [2^-30, 2^5) and random
// mantissa bits (both signs), 10% uniform in [-6, 6], 10% uniform in [0.5, 27.5] (erfc's tail down to its underflow),
// plus the special regions: every piece boundary 0.5 + i/4 and the branch points 0.5, 6.5, 8, 27.5 with their 64
// neighbours on each side, subnormals, tiny and huge values.
//
// Oracle: libquadmath's erfq/erfcq (binary128, a few ulp of 2^-112) rounded to double; where the binary128 value's
// neighbourhood ±2^-100 (thousands of its ulps) straddles a double rounding boundary, MPFR at 256 bits decides.
//
// Run: build/tests/simd/gate_simd_double_check [count] [threads]
#include <mpfr.h>
#include <quadmath.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "simd/erf.hpp"
#include "tests/simd/mpfr_oracle.hpp"

namespace {

double mpfr_double(double x, bool erfc) {
  mpfr_t m;
  mpfr_init2(m, 256);
  mpfr_set_d(m, x, MPFR_RNDN);
  if (erfc) {
    mpfr_erfc(m, m, MPFR_RNDN);
  } else {
    mpfr_erf(m, m, MPFR_RNDN);
  }
  const double r = mpfr_get_d(m, MPFR_RNDN);
  mpfr_clear(m);
  return r;
}

double oracle(double x, bool erfc, uint64_t* settled) {
  const __float128 q = erfc ? erfcq(static_cast<__float128>(x)) : erfq(static_cast<__float128>(x));
  if (q == 0 || !(q == q)) return static_cast<double>(q);
  const __float128 eps = ldexpq(1, -100);
  const double lo = static_cast<double>(q * (1 - eps)), hi = static_cast<double>(q * (1 + eps));
  if (lo == hi) return lo;
  ++*settled;
  return mpfr_double(x, erfc);
}

struct Stat {
  int64_t max_ulp = 0;
  double worst_x = 0;
  uint64_t over = 0;
  void see(double got, double want, double x, double claim) {
    const int64_t d = gate::simd_test::ulp_distance(got, want);
    if (d > max_ulp) {
      max_ulp = d;
      worst_x = x;
    }
    over += static_cast<double>(d) > claim;
  }
  void add(const Stat& o) {
    if (o.max_ulp > max_ulp) {
      max_ulp = o.max_ulp;
      worst_x = o.worst_x;
    }
    over += o.over;
  }
};

std::vector<double> special_inputs() {
  std::vector<double> s;
  std::vector<double> points = {0.5, 6.5, 8.0, 27.5, 1.0, 5.93, 26.55};
  for (int i = 0; i <= 30; ++i) points.push_back(0.5 + 0.25 * i);
  for (double p : points) {
    double lo = p, hi = p;
    for (int k = 0; k < 64; ++k) {
      lo = std::nextafter(lo, 0.0);
      hi = std::nextafter(hi, 100.0);
      for (double v : {lo, hi, -lo, -hi}) s.push_back(v);
    }
    s.push_back(p);
    s.push_back(-p);
  }
  for (double v : {0x1p-1074, 0x1p-1022, 1e-300, 1e-20, 1e300, 1.7976931348623157e308}) {
    s.push_back(v);
    s.push_back(-v);
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t count = argc > 1 ? std::stoull(argv[1]) : 100000000ull;
  const unsigned threads = argc > 2 ? static_cast<unsigned>(std::stoul(argv[2])) : std::thread::hardware_concurrency();
  constexpr uint64_t kChunk = 1 << 16;
  Stat erf_total, erfc_total;
  uint64_t settled_total = 0;
  std::mutex mu;
  std::atomic<uint64_t> next{0};
  const auto t0 = std::chrono::steady_clock::now();
  auto work = [&] {
    Stat erf_s, erfc_s;
    uint64_t settled = 0;
    std::vector<double> x, a(kChunk), b(kChunk);
    for (uint64_t c; (c = next.fetch_add(kChunk)) < count;) {
      std::mt19937_64 rng(c);  // seeded by the chunk: the inputs do not depend on the thread count
      std::uniform_real_distribution<double> mant(1.0, 2.0), binade(-30.0, 5.0), wide(-6.0, 6.0), tail(0.5, 27.5);
      x.clear();
      if (c == 0) x = special_inputs();
      while (x.size() < kChunk) {
        const uint64_t pick = rng() % 10;
        double v;
        if (pick < 8) {
          v = std::ldexp(mant(rng), static_cast<int>(std::floor(binade(rng))));
          if (rng() & 1) v = -v;
        } else {
          v = pick == 8 ? wide(rng) : tail(rng);
        }
        x.push_back(v);
      }
      const size_t n = x.size();
      a.resize(n);
      b.resize(n);
      gate::simd::erf_double(x.data(), n, a.data());
      gate::simd::erfc_double(x.data(), n, b.data());
      for (size_t i = 0; i < n; ++i) {
        erf_s.see(a[i], oracle(x[i], false, &settled), x[i], gate::simd::kErfDoubleMaxUlp);
        erfc_s.see(b[i], oracle(x[i], true, &settled), x[i], gate::simd::kErfcDoubleMaxUlp);
      }
    }
    std::lock_guard<std::mutex> lock(mu);
    erf_total.add(erf_s);
    erfc_total.add(erfc_s);
    settled_total += settled;
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%llu random doubles (+ special regions), %u threads, %.0f s; oracle roundings settled by MPFR: %llu\n",
              static_cast<unsigned long long>(count), threads, seconds,
              static_cast<unsigned long long>(settled_total));
  std::printf("| function | max ulp vs correctly rounded | at x | inputs over the claim |\n| --- | ---: | ---: | ---: |\n");
  std::printf("| gate::simd::erf_double | %lld | %a (%.17g) | %llu |\n", static_cast<long long>(erf_total.max_ulp),
              erf_total.worst_x, erf_total.worst_x, static_cast<unsigned long long>(erf_total.over));
  std::printf("| gate::simd::erfc_double | %lld | %a (%.17g) | %llu |\n", static_cast<long long>(erfc_total.max_ulp),
              erfc_total.worst_x, erfc_total.worst_x, static_cast<unsigned long long>(erfc_total.over));
  const bool ok = erf_total.over == 0 && erfc_total.over == 0;
  std::printf("claims (simd/erf.hpp): %s\n", ok ? "HOLD" : "BROKEN");
  return ok ? 0 : 1;
}
