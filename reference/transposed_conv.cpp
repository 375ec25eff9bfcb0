// The Eigen reference transposed convolution (transposed_conv.hpp): phase decomposition into dense correlations, one
// GEMM per work item, products and sums in double, the magnitude S as a float32 GEMM of |w| and |x|.
//
// Determinism: the work items (image, group, row phase, block of its output rows: one double and one float GEMM per
// column phase) and their GEMM shapes are a function of the problem alone; each item is computed by one thread with
// Eigen's single-threaded GEMM and written to output positions owned by that item only (the phases partition the output). So every output element is summed in the same
// order whatever the number of threads or the schedule, and the results are bitwise identical.
#define EIGEN_DONT_PARALLELIZE  // parallelism is ours (over work items); Eigen's own would tie blocking to threads
#include "reference/transposed_conv.hpp"

#include <omp.h>

#include <Eigen/Core>
#include <cstring>
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "reference/phases.hpp"

namespace gate {
namespace {

// Elements of one im2col block (K × columns doubles) a work item aims for: 1 MiB, so that the block and the GEMM's
// packed panels stay in the 2 MiB L2 of one core. On the seed workload (K = 256) that is 512 columns, about 8 rows of
// 65 phase positions.
constexpr int64_t kTargetBlockElements = 256 * 512;

using RowMajorD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowMajorF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// One (row phase, column phase) pair and its weights as a GEMM left operand, for every group.
struct PhasePair {
  const AxisPhase* pw = nullptr;
  int64_t K = 0;                 // Cin_g · |taps_h| · |taps_w|: rows of the im2col block
  std::vector<RowMajorD> a;      // per group: w as [Cout_g × K], double
  std::vector<RowMajorF> abs_a;  // per group: |w| as [Cout_g × K], float (exact: |w| is a float)
};

// A row phase with all its column phases: one work item computes a block of its rows for every column phase, so each
// output row is written completely (all its column phases) while its cache lines are hot.
struct RowPhase {
  const AxisPhase* ph = nullptr;
  int64_t rows_per_block = 1;  // phase output rows per work item
  int64_t blocks = 0;          // work items per (image, group)
  std::vector<PhasePair> pairs;
};

struct WorkItem {
  int64_t n, g, row_phase, block;
};

// dst[0, n) = src[0, n) with non-temporal stores (SSE2: every x86-64), in address order so that write-combining
// fills whole cache lines. Elsewhere a plain copy.
void stream_copy(double* dst, const double* src, int64_t n) {
#if defined(__x86_64__)
  int64_t i = 0;
  auto scalar = [&](int64_t k) {
    long long bits;
    std::memcpy(&bits, src + k, sizeof bits);
    _mm_stream_si64(reinterpret_cast<long long*>(dst + k), bits);
  };
  if (n > 0 && (reinterpret_cast<uintptr_t>(dst) & 15) != 0) scalar(i++);
  for (; i + 2 <= n; i += 2) _mm_stream_pd(dst + i, _mm_loadu_pd(src + i));
  if (i < n) scalar(i);
#else
  std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(double));
#endif
}

void stream_fence() {
#if defined(__x86_64__)
  _mm_sfence();
#endif
}

void check_shape(const HostTensor& t, const std::vector<int64_t>& want, const char* what) {
  if (t.shape != want || t.size() != element_count(want, what)) {
    throw std::invalid_argument(std::string("reference_transposed_conv: ") + what + " has shape " +
                                shape_string(t.shape) + ", expected " + shape_string(want));
  }
}

// Non-finite operands. The GEMMs multiply every weight of a phase by every im2col entry, including the zeros that
// stand for input positions outside the image; 0·inf = NaN there would put a NaN where PyTorch's definition has no term
// at all. So the GEMMs get non-finite weights AND non-finite inputs as 0 (a zeroed weight must not meet an infinite
// input either), and this pass adds their real terms x·w (and |x·w|) afterwards: every term with a non-finite weight,
// then every term with a non-finite input and a finite weight (so none is added twice). Images in parallel (their
// outputs are disjoint), operands and taps in a fixed order, so it stays deterministic. Results there are ±inf or NaN,
// where the error bound does not apply.
void add_nonfinite_terms(const Problem& p, const HostTensor& x, const HostTensor& weight, ConvReference& out) {
  std::vector<int64_t> bad_w;  // indices into weight.values
  for (int64_t i = 0; i < weight.size(); ++i)
    if (!std::isfinite(weight.values[i])) bad_w.push_back(i);
  bool any_bad_x = false;
  for (float v : x.values) any_bad_x = any_bad_x || !std::isfinite(v);
  if (bad_w.empty() && !any_bad_x) return;
  const int64_t Hout = out_h(p), Wout = out_w(p), Cin_g = p.Cin / p.groups, Cout_g = p.Cout / p.groups;
  // Adds x[n, cin, ih, iw]·w[cin, co, kh, kw] to the output it reaches, if any.
  auto add_term = [&](int64_t n, int64_t cin, int64_t ih, int64_t iw, int64_t co, int64_t kh, int64_t kw) {
    const int64_t oh = ih * p.stride.h - p.padding.h + kh * p.dilation.h;
    const int64_t ow = iw * p.stride.w - p.padding.w + kw * p.dilation.w;
    if (oh < 0 || oh >= Hout || ow < 0 || ow >= Wout) return;
    const double prod = static_cast<double>(x.values[((n * p.Cin + cin) * p.H + ih) * p.W + iw]) *
                        static_cast<double>(weight.values[((cin * Cout_g + co) * p.kH + kh) * p.kW + kw]);
    const int64_t o = ((n * p.Cout + (cin / Cin_g) * Cout_g + co) * Hout + oh) * Wout + ow;
    out.conv[o] += prod;
    out.magnitude[o] += std::fabs(prod);
  };
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t n = 0; n < p.N; ++n) {
    for (int64_t idx : bad_w) {
      const int64_t kw = idx % p.kW, kh = (idx / p.kW) % p.kH, co = (idx / (p.kW * p.kH)) % Cout_g;
      const int64_t cin = idx / (p.kW * p.kH * Cout_g);
      for (int64_t ih = 0; ih < p.H; ++ih)
        for (int64_t iw = 0; iw < p.W; ++iw) add_term(n, cin, ih, iw, co, kh, kw);
    }
    if (!any_bad_x) continue;
    for (int64_t cin = 0; cin < p.Cin; ++cin)
      for (int64_t ih = 0; ih < p.H; ++ih)
        for (int64_t iw = 0; iw < p.W; ++iw) {
          if (std::isfinite(x.values[((n * p.Cin + cin) * p.H + ih) * p.W + iw])) continue;
          for (int64_t co = 0; co < Cout_g; ++co)
            for (int64_t kh = 0; kh < p.kH; ++kh)
              for (int64_t kw = 0; kw < p.kW; ++kw) {
                if (std::isfinite(weight.values[((cin * Cout_g + co) * p.kH + kh) * p.kW + kw])) {
                  add_term(n, cin, ih, iw, co, kh, kw);
                }
              }
        }
  }
}

}  // namespace

ConvReference reference_transposed_conv(const Problem& p, const HostTensor& x, const HostTensor& weight,
                                        const HostTensor* bias) {
  validate(p);
  check_shape(x, x_shape(p), "x");
  check_shape(weight, weight_shape(p), "weight");
  if (p.has_bias) {
    if (bias == nullptr) throw std::invalid_argument("reference_transposed_conv: problem has a bias, none given");
    check_shape(*bias, bias_shape(p), "bias");
  }
  const float* bias_values = p.has_bias ? bias->values.data() : nullptr;

  const int64_t Hout = out_h(p), Wout = out_w(p);
  const int64_t Cin_g = p.Cin / p.groups, Cout_g = p.Cout / p.groups;
  const int64_t n_terms = terms_per_output(p);
  const double inflation = magnitude_inflation(n_terms);
  const double underflow_slack = magnitude_abs_excess(n_terms);
  const std::vector<AxisPhase> phases_h = axis_phases(p.H, Hout, p.kH, p.stride.h, p.padding.h, p.dilation.h);
  const std::vector<AxisPhase> phases_w = axis_phases(p.W, Wout, p.kW, p.stride.w, p.padding.w, p.dilation.w);

  // Phase pairs with their weight matrices: A[co, (ci·th + a)·tw + b] = w[g·Cin_g + ci, co, taps_h[a], taps_w[b]].
  int64_t max_count_w = 1;
  for (const AxisPhase& pw : phases_w) max_count_w = std::max(max_count_w, pw.count);
  std::vector<RowPhase> row_phases;
  for (const AxisPhase& ph : phases_h) {
    if (ph.count == 0) continue;
    RowPhase rp;
    rp.ph = &ph;
    for (const AxisPhase& pw : phases_w) {
      if (pw.count == 0) continue;
      PhasePair pp;
      pp.pw = &pw;
      const int64_t th = static_cast<int64_t>(ph.taps.size()), tw = static_cast<int64_t>(pw.taps.size());
      pp.K = Cin_g * th * tw;
      for (int64_t g = 0; g < p.groups; ++g) {
        RowMajorD a(Cout_g, pp.K);
        for (int64_t co = 0; co < Cout_g; ++co)
          for (int64_t ci = 0; ci < Cin_g; ++ci)
            for (int64_t ia = 0; ia < th; ++ia)
              for (int64_t ib = 0; ib < tw; ++ib) {
                const int64_t kh = ph.taps[ia], kw = pw.taps[ib];
                const float wv = weight.values[(((g * Cin_g + ci) * Cout_g + co) * p.kH + kh) * p.kW + kw];
                a(co, (ci * th + ia) * tw + ib) = std::isfinite(wv) ? wv : 0.0f;  // non-finite: see add_nonfinite_terms
              }
        pp.abs_a.push_back(a.cwiseAbs().cast<float>());
        pp.a.push_back(std::move(a));
      }
      rp.pairs.push_back(std::move(pp));
    }
    int64_t max_K = 1;
    for (const PhasePair& pp : rp.pairs) max_K = std::max(max_K, pp.K);
    rp.rows_per_block = std::clamp<int64_t>(kTargetBlockElements / max_K / max_count_w, 1, ph.count);
    rp.blocks = (ph.count + rp.rows_per_block - 1) / rp.rows_per_block;
    row_phases.push_back(std::move(rp));
  }

  std::vector<WorkItem> items;
  for (int64_t n = 0; n < p.N; ++n)
    for (int64_t g = 0; g < p.groups; ++g)
      for (int64_t i = 0; i < static_cast<int64_t>(row_phases.size()); ++i)
        for (int64_t b = 0; b < row_phases[i].blocks; ++b) items.push_back({n, g, i, b});

  const int64_t y_count = element_count(y_shape(p), "y");
  ConvReference out;
  // The two zero-fills run on two threads at once: on the seed workload they are 2 × 2.2 GB of fresh pages, whose
  // first touch is a good part of the cold run's time (bench/RESULTS.md). Transparent huge pages (MADV_HUGEPAGE) were
  // tried and measured: 0.2 s faster when the process reuses freed memory, 3 s slower on a cold start, so not used.
#pragma omp parallel sections num_threads(std::min(2, omp_get_max_threads()))
  {
#pragma omp section
    out.conv.resize(static_cast<size_t>(y_count));
#pragma omp section
    out.magnitude.resize(static_cast<size_t>(y_count));
  }
  double* conv = out.conv.data();
  double* mag = out.magnitude.data();
  const float* xv = x.values.data();
  const int64_t n_items = static_cast<int64_t>(items.size());

#pragma omp parallel
  {
    std::vector<double> b_buf;
    std::vector<float> abs_b_buf;
    std::vector<std::vector<double>> c_bufs(phases_w.size());
    std::vector<std::vector<float>> abs_c_bufs(phases_w.size());
    std::vector<double> row_conv(static_cast<size_t>(Wout)), row_mag(static_cast<size_t>(Wout));
#pragma omp for schedule(dynamic, 1) nowait  // each thread fences its streaming stores below, then the region joins
    for (int64_t it = 0; it < n_items; ++it) {
      const WorkItem& w = items[static_cast<size_t>(it)];
      const RowPhase& rp = row_phases[static_cast<size_t>(w.row_phase)];
      const AxisPhase& ph = *rp.ph;
      const int64_t th = static_cast<int64_t>(ph.taps.size());
      const int64_t i0 = w.block * rp.rows_per_block;
      const int64_t rows = std::min(rp.rows_per_block, ph.count - i0);

      for (size_t q = 0; q < rp.pairs.size(); ++q) {
        const PhasePair& pp = rp.pairs[q];
        const AxisPhase& pw = *pp.pw;
        const int64_t tw = static_cast<int64_t>(pw.taps.size());
        const int64_t cols = rows * pw.count;
        b_buf.resize(static_cast<size_t>(pp.K * cols));
        abs_b_buf.resize(static_cast<size_t>(pp.K * cols));
        c_bufs[q].resize(static_cast<size_t>(Cout_g * cols));
        abs_c_bufs[q].resize(static_cast<size_t>(Cout_g * cols));

        // im2col: B[(ci·th + a)·tw + b, r·count_w + j] = x[n, g·Cin_g + ci, first_q_h + i0 + r − off_h[a],
        // first_q_w + j − off_w[b]], zero outside the input.
        for (int64_t ci = 0; ci < Cin_g; ++ci) {
          const float* xc = xv + ((w.n * p.Cin + w.g * Cin_g + ci) * p.H) * p.W;
          for (int64_t ia = 0; ia < th; ++ia)
            for (int64_t ib = 0; ib < tw; ++ib) {
              const int64_t k = (ci * th + ia) * tw + ib;
              double* brow = b_buf.data() + k * cols;
              float* abs_brow = abs_b_buf.data() + k * cols;
              const int64_t iw0 = pw.first_q - pw.offsets[ib];  // input column of j = 0
              const int64_t j_lo = std::clamp<int64_t>(-iw0, 0, pw.count);
              const int64_t j_hi = std::clamp<int64_t>(p.W - iw0, j_lo, pw.count);
              for (int64_t r = 0; r < rows; ++r) {
                double* bseg = brow + r * pw.count;
                float* abs_bseg = abs_brow + r * pw.count;
                const int64_t ih = ph.first_q + i0 + r - ph.offsets[ia];
                if (ih < 0 || ih >= p.H) {
                  std::fill(bseg, bseg + pw.count, 0.0);
                  std::fill(abs_bseg, abs_bseg + pw.count, 0.0f);
                  continue;
                }
                const float* xrow = xc + ih * p.W + iw0;
                std::fill(bseg, bseg + j_lo, 0.0);
                std::fill(abs_bseg, abs_bseg + j_lo, 0.0f);
                for (int64_t j = j_lo; j < j_hi; ++j) {
                  const float v = std::isfinite(xrow[j]) ? xrow[j] : 0.0f;  // non-finite: see add_nonfinite_terms
                  bseg[j] = static_cast<double>(v);
                  abs_bseg[j] = std::fabs(v);
                }
                std::fill(bseg + j_hi, bseg + pw.count, 0.0);
                std::fill(abs_bseg + j_hi, abs_bseg + pw.count, 0.0f);
              }
            }
        }

        Eigen::Map<RowMajorD> bm(b_buf.data(), pp.K, cols);
        Eigen::Map<RowMajorD> cm(c_bufs[q].data(), Cout_g, cols);
        Eigen::Map<RowMajorF> abs_bm(abs_b_buf.data(), pp.K, cols);
        Eigen::Map<RowMajorF> abs_cm(abs_c_bufs[q].data(), Cout_g, cols);
        if (pp.K == 0) {  // a phase no tap reaches (stride > dilated kernel extent): the output is the bias alone
          cm.setZero();
          abs_cm.setZero();
        } else {
          cm.noalias() = pp.a[static_cast<size_t>(w.g)] * bm;
          abs_cm.noalias() = pp.abs_a[static_cast<size_t>(w.g)] * abs_bm;
        }
      }

      // Scatter to the item's own output rows: each row is assembled from all its column phases in an L1 row buffer
      // (conv = Σ + bias, magnitude = (Σ|·| + |bias|) · inflation + underflow slack), then streamed out in address order. The outputs
      // (4.4 GB on the seed workload) are far larger than the caches: streaming stores skip the read-for-ownership
      // that ordinary stores to cold lines pay, which was a quarter of the reference's time.
      for (int64_t co = 0; co < Cout_g; ++co) {
        const int64_t c = w.g * Cout_g + co;
        const double b = bias_values ? static_cast<double>(bias_values[c]) : 0.0;
        const double abs_b = std::fabs(b);
        for (int64_t r = 0; r < rows; ++r) {
          for (size_t q = 0; q < rp.pairs.size(); ++q) {
            const AxisPhase& pw = *rp.pairs[q].pw;
            const int64_t cols = rows * pw.count;
            const double* crow = c_bufs[q].data() + co * cols + r * pw.count;
            const float* abs_crow = abs_c_bufs[q].data() + co * cols + r * pw.count;
            double* rc = row_conv.data() + pw.first_out;
            double* rm = row_mag.data() + pw.first_out;
            for (int64_t j = 0; j < pw.count; ++j) {
              rc[j * p.stride.w] = crow[j] + b;
              rm[j * p.stride.w] = (static_cast<double>(abs_crow[j]) + abs_b) * inflation + underflow_slack;
            }
          }
          const int64_t oh = ph.first_out + (i0 + r) * p.stride.h;
          const int64_t row_base = ((w.n * p.Cout + c) * Hout + oh) * Wout;
          stream_copy(conv + row_base, row_conv.data(), Wout);
          stream_copy(mag + row_base, row_mag.data(), Wout);
        }
      }
    }
    stream_fence();  // streaming stores are weakly ordered: make them visible before the region's closing barrier
  }
  add_nonfinite_terms(p, x, weight, out);
  return out;
}

}  // namespace gate
