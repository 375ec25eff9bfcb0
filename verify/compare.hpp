// The comparator: judges a candidate output array against the reference, element by element, under an ErrorContract.
// It knows arrays and a few knobs only — candidate values, reference values in double, the per-element scale S and the
// contract — never a case or a convolution (STYLE.md §1, like benchdnn's utils/compare.cpp). The step after
// reference | candidate and before the reports.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "verify/allowance.hpp"

namespace gate::verify {

struct CompareInput {
  std::span<const float> candidate;   // the candidate's output (16-bit dtypes as floats holding the stored values)
  std::span<const double> reference;  // the exact output from the reference, before rounding to the dtype
  std::span<const double> scale;      // S per element: |multiply|·(Σ|x·w| + |bias| + |add|)
  std::vector<int64_t> shape;         // the output's shape, to name elements (N, Cout, Hout, Wout)
  // Optional, one byte per element: where set, a NaN candidate against a finite reference is tolerated (an
  // implementation-defined NaN, see case_run.hpp); empty: none is.
  std::span<const uint8_t> nan_tolerated = {};
};

// One element, as reported.
struct ElementReport {
  int64_t flat_index = -1;
  std::vector<int64_t> index;  // multi-index in `shape`
  double candidate = 0, reference = 0;
  double abs_err = 0, ulp_err = 0, rel_err = 0;  // rel_err is inf for a reference of 0 and a non-zero candidate
  double utilisation = 0;                        // abs_err / allowance; inf for a NaN or infinity mismatch
  AllowanceTerms allowance;
  std::string verdict;  // "within bound", "exceeds bound", "NaN expected", "unexpected NaN", "wrong infinity"...
};

struct CompareResult {
  int64_t elements = 0;
  int64_t violations = 0;             // elements that fail (non-finite mismatches included)
  int64_t nonfinite_mismatches = 0;   // NaN against a number, or a wrong/unexpected infinity
  int64_t signed_zero_mismatches = 0; // +0 against −0: reported, not failed (DESIGN.md)
  int64_t tolerated_nans = 0;         // NaN where nan_tolerated allows it: reported, not failed
  int64_t reference_zeros = 0;        // reference elements exactly ±0
  double max_ulp = 0, max_utilisation = 0;
  double max_rel_err = 0;             // over elements whose reference is not 0
  double zero_fraction = 0;
  bool low_trust = false;             // zero_fraction > kLowTrustZeroFraction
  bool has_worst = false;
  ElementReport worst;                // the element of largest utilisation (first such by index)
  bool passed() const { return violations == 0; }
};

// Judges every element; deterministic whatever the thread count. Throws std::invalid_argument if the spans disagree in
// size or the shape's element count differs from them.
CompareResult compare(const CompareInput& in, const ErrorContract& contract);

// Multi-index of a flat C-order index.
std::vector<int64_t> unflatten(int64_t flat, const std::vector<int64_t>& shape);

}  // namespace gate::verify
