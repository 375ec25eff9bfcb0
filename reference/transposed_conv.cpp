// The Eigen reference transposed convolution (transposed_conv.hpp): phase decomposition into dense correlations, one
// GEMM per work item, products and sums in double, the magnitude S as a float32 GEMM of |w| and |x|.
//
// Determinism: the work items (image, group, phase pair, block of output rows) and their GEMM shapes are a function of
// the problem alone; each item is computed by one thread with Eigen's single-threaded GEMM and written to output
// positions owned by that item only (the phases partition the output). So every output element is summed in the same
// order whatever the number of threads or the schedule, and the results are bitwise identical.
#define EIGEN_DONT_PARALLELIZE  // parallelism is ours (over work items); Eigen's own would tie blocking to threads
#include "reference/transposed_conv.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "reference/phases.hpp"

namespace gate {
namespace {

// Output positions (columns of one GEMM) a work item aims for: the im2col block (K × columns doubles, K = 256 on the
// seed workload: 1 MiB) and the GEMM's packed panels then stay in the 2 MiB L2 of one core.
constexpr int64_t kTargetColumns = 512;

using RowMajorD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowMajorF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// One (row phase, column phase) pair and its weights as a GEMM left operand, for every group.
struct PhasePair {
  const AxisPhase* ph = nullptr;
  const AxisPhase* pw = nullptr;
  int64_t K = 0;               // Cin_g · |taps_h| · |taps_w|: rows of the im2col block
  int64_t rows_per_block = 1;  // phase output rows per work item
  int64_t blocks = 0;          // work items per (image, group)
  std::vector<RowMajorD> a;    // per group: w as [Cout_g × K], double
  std::vector<RowMajorF> abs_a;  // per group: |w| as [Cout_g × K], float (exact: |w| is a float)
};

struct WorkItem {
  int64_t n, g, pair, block;
};

void check_shape(const HostTensor& t, const std::vector<int64_t>& want, const char* what) {
  if (t.shape != want || t.size() != element_count(want, what)) {
    throw std::invalid_argument(std::string("reference_transposed_conv: ") + what + " has shape " +
                                shape_string(t.shape) + ", expected " + shape_string(want));
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
  const std::vector<AxisPhase> phases_h = axis_phases(p.H, Hout, p.kH, p.stride.h, p.padding.h, p.dilation.h);
  const std::vector<AxisPhase> phases_w = axis_phases(p.W, Wout, p.kW, p.stride.w, p.padding.w, p.dilation.w);

  // Phase pairs with their weight matrices: A[co, (ci·th + a)·tw + b] = w[g·Cin_g + ci, co, taps_h[a], taps_w[b]].
  std::vector<PhasePair> pairs;
  for (const AxisPhase& ph : phases_h) {
    for (const AxisPhase& pw : phases_w) {
      if (ph.count == 0 || pw.count == 0) continue;
      PhasePair pp;
      pp.ph = &ph;
      pp.pw = &pw;
      const int64_t th = static_cast<int64_t>(ph.taps.size()), tw = static_cast<int64_t>(pw.taps.size());
      pp.K = Cin_g * th * tw;
      pp.rows_per_block = std::clamp<int64_t>(kTargetColumns / pw.count, 1, ph.count);
      pp.blocks = (ph.count + pp.rows_per_block - 1) / pp.rows_per_block;
      for (int64_t g = 0; g < p.groups; ++g) {
        RowMajorD a(Cout_g, pp.K);
        for (int64_t co = 0; co < Cout_g; ++co)
          for (int64_t ci = 0; ci < Cin_g; ++ci)
            for (int64_t ia = 0; ia < th; ++ia)
              for (int64_t ib = 0; ib < tw; ++ib) {
                const int64_t kh = ph.taps[ia], kw = pw.taps[ib];
                a(co, (ci * th + ia) * tw + ib) =
                    weight.values[(((g * Cin_g + ci) * Cout_g + co) * p.kH + kh) * p.kW + kw];
              }
        pp.abs_a.push_back(a.cwiseAbs().cast<float>());
        pp.a.push_back(std::move(a));
      }
      pairs.push_back(std::move(pp));
    }
  }

  std::vector<WorkItem> items;
  for (int64_t n = 0; n < p.N; ++n)
    for (int64_t g = 0; g < p.groups; ++g)
      for (int64_t i = 0; i < static_cast<int64_t>(pairs.size()); ++i)
        for (int64_t b = 0; b < pairs[i].blocks; ++b) items.push_back({n, g, i, b});

  const int64_t y_count = element_count(y_shape(p), "y");
  ConvReference out;
  out.conv.resize(static_cast<size_t>(y_count));
  out.magnitude.resize(static_cast<size_t>(y_count));
  double* conv = out.conv.data();
  double* mag = out.magnitude.data();
  const float* xv = x.values.data();
  const int64_t n_items = static_cast<int64_t>(items.size());

#pragma omp parallel
  {
    std::vector<double> b_buf, c_buf;
    std::vector<float> abs_b_buf, abs_c_buf;
#pragma omp for schedule(dynamic, 1)
    for (int64_t it = 0; it < n_items; ++it) {
      const WorkItem& w = items[static_cast<size_t>(it)];
      const PhasePair& pp = pairs[static_cast<size_t>(w.pair)];
      const AxisPhase& ph = *pp.ph;
      const AxisPhase& pw = *pp.pw;
      const int64_t th = static_cast<int64_t>(ph.taps.size()), tw = static_cast<int64_t>(pw.taps.size());
      const int64_t i0 = w.block * pp.rows_per_block;
      const int64_t rows = std::min(pp.rows_per_block, ph.count - i0);
      const int64_t cols = rows * pw.count;
      b_buf.resize(static_cast<size_t>(pp.K * cols));
      abs_b_buf.resize(static_cast<size_t>(pp.K * cols));
      c_buf.resize(static_cast<size_t>(Cout_g * cols));
      abs_c_buf.resize(static_cast<size_t>(Cout_g * cols));

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
                bseg[j] = static_cast<double>(xrow[j]);
                abs_bseg[j] = std::fabs(xrow[j]);
              }
              std::fill(bseg + j_hi, bseg + pw.count, 0.0);
              std::fill(abs_bseg + j_hi, abs_bseg + pw.count, 0.0f);
            }
          }
      }

      Eigen::Map<RowMajorD> bm(b_buf.data(), pp.K, cols);
      Eigen::Map<RowMajorD> cm(c_buf.data(), Cout_g, cols);
      Eigen::Map<RowMajorF> abs_bm(abs_b_buf.data(), pp.K, cols);
      Eigen::Map<RowMajorF> abs_cm(abs_c_buf.data(), Cout_g, cols);
      if (pp.K == 0) {  // a phase no tap reaches (stride > dilated kernel extent): the output is the bias alone
        cm.setZero();
        abs_cm.setZero();
      } else {
        cm.noalias() = pp.a[static_cast<size_t>(w.g)] * bm;
        abs_cm.noalias() = pp.abs_a[static_cast<size_t>(w.g)] * abs_bm;
      }

      // Scatter to the phase's own output positions: conv = Σ + bias, magnitude = (Σ|·| + |bias|) · inflation.
      for (int64_t co = 0; co < Cout_g; ++co) {
        const int64_t c = w.g * Cout_g + co;
        const double b = bias_values ? static_cast<double>(bias_values[c]) : 0.0;
        const double abs_b = std::fabs(b);
        const double* crow = c_buf.data() + co * cols;
        const float* abs_crow = abs_c_buf.data() + co * cols;
        for (int64_t r = 0; r < rows; ++r) {
          const int64_t oh = ph.first_out + (i0 + r) * p.stride.h;
          const int64_t base = ((w.n * p.Cout + c) * Hout + oh) * Wout + pw.first_out;
          for (int64_t j = 0; j < pw.count; ++j) {
            const int64_t o = base + j * p.stride.w;
            conv[o] = crow[r * pw.count + j] + b;
            mag[o] = (static_cast<double>(abs_crow[r * pw.count + j]) + abs_b) * inflation;
          }
        }
      }
    }
  }
  return out;
}

}  // namespace gate
