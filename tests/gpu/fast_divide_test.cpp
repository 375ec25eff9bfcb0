// gpu/fast_divide.hpp against the division operator, evaluated on the host (the device computes the same multiply-high
// with __umulhi): every dividend below 2^16 for the divisors 1..300, and for every divisor up to 2^16 and a spread of
// large ones the dividends where a floor changes (multiples of d and their neighbours) across the whole range up to
// 2^31 − 1. No GPU needed: runs in CI wherever CUDA was found.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "gpu/fast_divide.hpp"

namespace {

using gate::gpu::FastDivide;

// The dividends near the quotient steps of d: q·d − 1, q·d, q·d + 1 for q spread over [0, 2^31 / d], and the top.
std::vector<int> probes(int d) {
  std::vector<int> n{0, 1, 2, 0x7FFFFFFE, 0x7FFFFFFF};
  const int64_t q_max = int64_t(0x7FFFFFFF) / d;
  for (int i = 0; i <= 64; ++i) {
    const int64_t q = q_max * i / 64;
    for (int64_t delta = -1; delta <= 1; ++delta) {
      const int64_t v = q * d + delta;
      if (v >= 0 && v <= 0x7FFFFFFF) n.push_back(int(v));
    }
  }
  return n;
}

int mismatches(const FastDivide& f, const std::vector<int>& dividends) {
  int bad = 0;
  for (int n : dividends) {
    const int q = f.div(n);
    bad += (q != n / f.divisor) || (f.mod(n, q) != n % f.divisor);
  }
  return bad;
}

}  // namespace

TEST_CASE("fast divide: every dividend below 2^16, divisors 1..300", "[gpu_host]") {
  std::vector<int> all(1 << 16);
  for (int n = 0; n < (1 << 16); ++n) all[n] = n;
  for (int d = 1; d <= 300; ++d) {
    INFO("divisor " << d);
    CHECK(mismatches(FastDivide::make(d), all) == 0);
  }
}

TEST_CASE("fast divide: the quotient steps up to 2^31 - 1, divisors up to 2^16 and large ones", "[gpu_host]") {
  int bad = 0;
  for (int d = 1; d <= (1 << 16); ++d) bad += mismatches(FastDivide::make(d), probes(d));
  CHECK(bad == 0);
  for (int d : {65537, 100003, 1 << 20, (1 << 20) + 1, 12345678, 1 << 30, (1 << 30) + 1, 0x7FFFFFFE, 0x7FFFFFFF}) {
    INFO("divisor " << d);
    CHECK(mismatches(FastDivide::make(d), probes(d)) == 0);
  }
}

TEST_CASE("fast divide: a multiplier one too small is caught", "[gpu_host]") {
  // The round-up multiplier is what makes it exact; rounding it down breaks some quotient (the test can fail).
  FastDivide f = FastDivide::make(7);
  f.mul -= 1;
  std::vector<int> all(1 << 16);
  for (int n = 0; n < (1 << 16); ++n) all[n] = n;
  CHECK(mismatches(f, all) + mismatches(f, probes(7)) > 0);
}
