// The reference's engine (internal to reference/, which alone compiles Eigen): the phase decomposition into dense
// correlations (phases.hpp), phases with the same input positions grouped so that one im2col block and one GEMM with
// their weights stacked serve them all, one double GEMM (conv) and one float32 GEMM of |w| and |x| (magnitude) per
// work item and column group, and each output row assembled in an L1 buffer and handed to a sink, which stores it in
// whatever form its interface wants (transposed_conv.cpp: conv and magnitude in double; fused_output.cpp: the
// epilogue and the magnitude in float32; epilogue_scale.cpp: the epilogue and verify's scale in double).
//
// Determinism: the work items (image, channel group, row-phase group, block of its phase rows) and their GEMM shapes
// are a function of the problem alone; each item is computed by one thread with single-threaded GEMMs
// (packed_gemm.hpp), and every output row belongs to exactly one item (the phases partition the output). So every
// output element is summed in the same order whatever the number of threads or the schedule, and the rows the sink
// receives are bitwise identical.
// Non-finite operands enter the GEMMs as 0 (the caller adds their terms afterwards: transposed_conv.cpp says why).
#pragma once

#ifndef EIGEN_DONT_PARALLELIZE
#define EIGEN_DONT_PARALLELIZE  // parallelism is ours (over work items); Eigen's own would tie blocking to threads
#endif
#include <omp.h>

#include <Eigen/Core>
#if defined(__AVX512F__)
#include <immintrin.h>
#endif
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/problem.hpp"
#include "core/tensor.hpp"
#include "reference/error_bound.hpp"
#include "reference/packed_gemm.hpp"
#include "reference/phases.hpp"
#include "reference/stream_store.hpp"

namespace gate::detail {

// Shape and bias checks shared by the reference's entry points (std::invalid_argument naming the operand).
void check_operands(const Problem& p, const HostTensor& x, const HostTensor& weight, const HostTensor* bias);
// Whether t holds a NaN or ±inf.
bool has_nonfinite(const HostTensor& t);

// Doubles a work item's im2col block and GEMM results (K + M per block column) aim for: 2 MiB. On the seed workload
// (K = 256, M = 4·128 = 512) that is 5 rows of 65 phase positions. Measured (bench/RESULTS.md): 1 MiB was 10% slower,
// 4 and 6 MiB the same within noise.
inline constexpr int64_t kTargetBlockElements = 256 * 1024;

// The weights while they are stacked, before PackedGemm packs them (column-major: its packing reads them contiguously).
using ColMajorD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
using ColMajorF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;

// One (row group, column group) pair: the stacked weights as a GEMM left operand, for every channel group. Row
// ((mh·|column members| + mw)·Cout_g + co) holds the weights of row phase mh, column phase mw, output channel co.
struct GroupPair {
  const PhaseGroup* cg = nullptr;
  int64_t K = 0;                 // Cin_g · |offsets_h| · |offsets_w|: rows of the im2col block
  int64_t M = 0;                 // |row members| · |column members| · Cout_g
  std::vector<PackedGemm<double>> a;     // per channel group: w as [M × K], double, packed
  std::vector<PackedGemm<float>> abs_a;  // per channel group: |w| as [M × K], float (exact: |w| is a float), packed
};

// A row group with all its column groups: one work item computes a block of the group's phase rows for every
// phase, so it writes every output row in a band (all row phases, all column phases) while its lines are hot.
struct RowGroup {
  const PhaseGroup* rg = nullptr;
  int64_t rows_per_block = 1;  // phase rows per work item
  int64_t blocks = 0;          // work items per (image, channel group)
  std::vector<GroupPair> pairs;
};

struct WorkItem {
  int64_t n, g, row_group, block;
};

// d[j] = x[j] and a[j] = |x[j]| for finite x[j], 0 for NaN and ±inf (their terms are added by the caller): the whole
// im2col. GCC 12 leaves the plain loop scalar (it was a third of the non-GEMM time), hence the AVX-512 form.
inline void copy_finite(const float* __restrict x, int64_t n, double* __restrict d, float* __restrict a) {
  int64_t j = 0;
#if defined(__AVX512F__)
  const __m512 inf = _mm512_set1_ps(__builtin_inff());
  for (; j + 16 <= n; j += 16) {
    const __m512 xv = _mm512_loadu_ps(x + j);
    const __m512 v = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(_mm512_abs_ps(xv), inf, _CMP_LT_OQ), xv);
    _mm512_storeu_pd(d + j, _mm512_cvtps_pd(_mm512_castps512_ps256(v)));
    _mm512_storeu_pd(d + j + 8, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1))));
    _mm512_storeu_ps(a + j, _mm512_abs_ps(v));
  }
#endif
  for (; j < n; ++j) {
    const float v = (std::bit_cast<uint32_t>(x[j]) & 0x7f800000u) != 0x7f800000u ? x[j] : 0.0f;
    d[j] = static_cast<double>(v);
    a[j] = std::fabs(v);
  }
}

// One output row's values of one column phase, placed at first_out + j·stride of the row buffer: conv = Σ + bias and
// magnitude = (Σ|·| + |bias|) · inflation + slack (a product and a sum, never fused: -ffp-contract=off).
struct RowTerms {
  double bias, abs_bias, inflation, slack;
};
inline void place_row(const double* __restrict c, const float* __restrict abs_c, int64_t count, int64_t stride,
                      const RowTerms& t, double* __restrict rc, double* __restrict rm) {
  for (int64_t j = 0; j < count; ++j) {
    rc[j * stride] = c[j] + t.bias;
    rm[j * stride] = (static_cast<double>(abs_c[j]) + t.abs_bias) * t.inflation + t.slack;
  }
}

// The same for stride 2, the common case, both column phases at once (even output columns from c0, odd ones from c1,
// count of them each), interleaved in registers: GCC 12 made the strided stores of place_row one lane at a time (a
// third of the non-GEMM time). The same operations in the same order, so the same values.
inline void place_row_pair_stride2(const double* __restrict c0, const float* __restrict a0,
                                   const double* __restrict c1, const float* __restrict a1, int64_t count,
                                   const RowTerms& t, double* __restrict rc, double* __restrict rm) {
  int64_t j = 0;
#if defined(__AVX512F__)
  const __m512i lo = _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0), hi = _mm512_set_epi64(15, 7, 14, 6, 13, 5, 12, 4);
  const __m512d bias = _mm512_set1_pd(t.bias), abs_bias = _mm512_set1_pd(t.abs_bias);
  const __m512d inflation = _mm512_set1_pd(t.inflation), slack = _mm512_set1_pd(t.slack);
  auto magnitude = [&](const float* a) {
    return _mm512_add_pd(_mm512_mul_pd(_mm512_add_pd(_mm512_cvtps_pd(_mm256_loadu_ps(a)), abs_bias), inflation), slack);
  };
  for (; j + 8 <= count; j += 8) {
    const __m512d e = _mm512_add_pd(_mm512_loadu_pd(c0 + j), bias), o = _mm512_add_pd(_mm512_loadu_pd(c1 + j), bias);
    _mm512_storeu_pd(rc + 2 * j, _mm512_permutex2var_pd(e, lo, o));
    _mm512_storeu_pd(rc + 2 * j + 8, _mm512_permutex2var_pd(e, hi, o));
    const __m512d me = magnitude(a0 + j), mo = magnitude(a1 + j);
    _mm512_storeu_pd(rm + 2 * j, _mm512_permutex2var_pd(me, lo, mo));
    _mm512_storeu_pd(rm + 2 * j + 8, _mm512_permutex2var_pd(me, hi, mo));
  }
#endif
  place_row(c0 + j, a0 + j, count - j, 2, t, rc + 2 * j, rm + 2 * j);
  place_row(c1 + j, a1 + j, count - j, 2, t, rc + 2 * j + 1, rm + 2 * j + 1);
}

// Runs every work item on the OpenMP threads and calls sink(n, c, oh, conv_row, magnitude_row) once for every output
// row, from the thread that owns it: conv_row[ow] = Σ x·w + bias (double), magnitude_row[ow] = (Σ|x·w| in float32 +
// |bias|) · magnitude_inflation(n) + magnitude_abs_excess(n) (double; error_bound.hpp), ow in [0, out_w(p)). The two
// rows live in a per-thread buffer valid during the call only. Each thread fences its streaming stores before the
// region ends, so sinks may use them. x, weight: C order as x_shape(p), weight_shape(p); bias: bias_shape(p) or null.
template <class RowSink>
void run_phase_gemms(const Problem& p, const float* xv, const float* wv, const float* bias_values, RowSink&& sink) {
  const int64_t Hout = out_h(p), Wout = out_w(p);
  const int64_t Cin_g = p.Cin / p.groups, Cout_g = p.Cout / p.groups;
  const int64_t n_terms = terms_per_output(p);
  const double inflation = magnitude_inflation(n_terms);
  const double underflow_slack = magnitude_abs_excess(n_terms);
  const std::vector<AxisPhase> phases_h = axis_phases(p.H, Hout, p.kH, p.stride.h, p.padding.h, p.dilation.h);
  const std::vector<AxisPhase> phases_w = axis_phases(p.W, Wout, p.kW, p.stride.w, p.padding.w, p.dilation.w);
  const std::vector<PhaseGroup> groups_h = group_phases(phases_h), groups_w = group_phases(phases_w);

  // Every column phase as (column group, member): the order in which a row is assembled.
  struct ColumnMember {
    size_t q, mw;
    const AxisPhase* pw;
  };
  std::vector<ColumnMember> column_members;
  int64_t max_count_w = 1;
  for (size_t q = 0; q < groups_w.size(); ++q)
    for (size_t mw = 0; mw < groups_w[q].members.size(); ++mw) {
      column_members.push_back({q, mw, groups_w[q].members[mw]});
      max_count_w = std::max(max_count_w, groups_w[q].count());
    }
  // Stride 2 with both column phases non-empty: assembled together (place_row_pair_stride2). The even phase
  // (first_out 0) has ceil(Wout/2) columns, the odd one floor(Wout/2).
  const bool pair_stride2 = p.stride.w == 2 && column_members.size() == 2;
  const size_t even = pair_stride2 && column_members[0].pw->first_out != 0 ? 1 : 0, odd = 1 - even;

  // Stacked weights: A[(mh·|CG| + mw)·Cout_g + co, (ci·th + a)·tw + b] = w[g·Cin_g + ci, co, taps_h[a], taps_w[b]] of
  // row phase mh and column phase mw.
  std::vector<RowGroup> row_groups;
  for (const PhaseGroup& rg : groups_h) {
    RowGroup rgp;
    rgp.rg = &rg;
    const int64_t th = static_cast<int64_t>(rg.members[0]->offsets.size());
    int64_t per_column = 0;  // doubles per block column: im2col rows + GEMM result rows of every column group
    for (const PhaseGroup& cg : groups_w) {
      GroupPair gp;
      gp.cg = &cg;
      const int64_t tw = static_cast<int64_t>(cg.members[0]->offsets.size());
      const int64_t n_h = static_cast<int64_t>(rg.members.size()), n_w = static_cast<int64_t>(cg.members.size());
      gp.K = Cin_g * th * tw;
      gp.M = n_h * n_w * Cout_g;
      per_column = std::max(per_column, gp.K) + gp.M;
      for (int64_t g = 0; g < p.groups; ++g) {
        ColMajorD a(gp.M, gp.K);
        for (int64_t mh = 0; mh < n_h; ++mh)
          for (int64_t mw = 0; mw < n_w; ++mw)
            for (int64_t co = 0; co < Cout_g; ++co)
              for (int64_t ci = 0; ci < Cin_g; ++ci)
                for (int64_t ia = 0; ia < th; ++ia)
                  for (int64_t ib = 0; ib < tw; ++ib) {
                    const int64_t kh = rg.members[mh]->taps[ia], kw = cg.members[mw]->taps[ib];
                    const float w = wv[(((g * Cin_g + ci) * Cout_g + co) * p.kH + kh) * p.kW + kw];
                    // non-finite: added by the caller
                    a((mh * n_w + mw) * Cout_g + co, (ci * th + ia) * tw + ib) = std::isfinite(w) ? w : 0.0f;
                  }
        const ColMajorF abs_a = a.cwiseAbs().cast<float>();
        gp.abs_a.emplace_back(abs_a.data(), gp.M, gp.K);
        gp.a.emplace_back(a.data(), gp.M, gp.K);
      }
      rgp.pairs.push_back(std::move(gp));
    }
    rgp.rows_per_block = std::clamp<int64_t>(kTargetBlockElements / std::max<int64_t>(per_column, 1) / max_count_w, 1,
                                             rg.count());
    rgp.blocks = (rg.count() + rgp.rows_per_block - 1) / rgp.rows_per_block;
    row_groups.push_back(std::move(rgp));
  }

  std::vector<WorkItem> items;
  for (int64_t n = 0; n < p.N; ++n)
    for (int64_t g = 0; g < p.groups; ++g)
      for (int64_t i = 0; i < static_cast<int64_t>(row_groups.size()); ++i)
        for (int64_t b = 0; b < row_groups[i].blocks; ++b) items.push_back({n, g, i, b});
  const int64_t n_items = static_cast<int64_t>(items.size());

#pragma omp parallel
  {
    std::vector<double> b_buf;
    std::vector<float> abs_b_buf;
    PackedGemm<double>::Buffer packed_b;
    PackedGemm<float>::Buffer abs_packed_b;
    std::vector<std::vector<double>> c_bufs(groups_w.size());
    std::vector<std::vector<float>> abs_c_bufs(groups_w.size());
    std::vector<double> row_conv(static_cast<size_t>(Wout)), row_mag(static_cast<size_t>(Wout));
#pragma omp for schedule(dynamic, 1) nowait  // each thread fences its streaming stores below, then the region joins
    for (int64_t it = 0; it < n_items; ++it) {
      const WorkItem& w = items[static_cast<size_t>(it)];
      const RowGroup& rgp = row_groups[static_cast<size_t>(w.row_group)];
      const AxisPhase& ph = *rgp.rg->members[0];  // the group's input positions
      const int64_t th = static_cast<int64_t>(ph.offsets.size());
      const int64_t i0 = w.block * rgp.rows_per_block;
      const int64_t rows = std::min(rgp.rows_per_block, ph.count - i0);

      for (size_t q = 0; q < rgp.pairs.size(); ++q) {
        const GroupPair& gp = rgp.pairs[q];
        const AxisPhase& pw = *gp.cg->members[0];
        const int64_t tw = static_cast<int64_t>(pw.offsets.size());
        const int64_t cols = rows * pw.count;
        b_buf.resize(static_cast<size_t>(gp.K * cols));
        abs_b_buf.resize(static_cast<size_t>(gp.K * cols));
        c_bufs[q].resize(static_cast<size_t>(gp.M * cols));
        abs_c_bufs[q].resize(static_cast<size_t>(gp.M * cols));

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
                copy_finite(xrow + j_lo, j_hi - j_lo, bseg + j_lo, abs_bseg + j_lo);
                std::fill(bseg + j_hi, bseg + pw.count, 0.0);
                std::fill(abs_bseg + j_hi, abs_bseg + pw.count, 0.0f);
              }
            }
        }

        if (gp.K == 0) {  // phases no tap reaches (stride > dilated kernel extent): the output is the bias alone
          std::fill(c_bufs[q].begin(), c_bufs[q].end(), 0.0);
          std::fill(abs_c_bufs[q].begin(), abs_c_bufs[q].end(), 0.0f);
        } else {
          gp.a[static_cast<size_t>(w.g)].multiply(b_buf.data(), cols, c_bufs[q].data(), packed_b);
          gp.abs_a[static_cast<size_t>(w.g)].multiply(abs_b_buf.data(), cols, abs_c_bufs[q].data(), abs_packed_b);
        }
      }

      // The item's output rows, for each channel in address order (phase rows interleaved), each assembled from all
      // its column phases in an L1 row buffer, then handed to the sink.
      const int64_t n_h = static_cast<int64_t>(rgp.rg->members.size());
      for (int64_t co = 0; co < Cout_g; ++co) {
        const int64_t c = w.g * Cout_g + co;
        const double b = bias_values ? static_cast<double>(bias_values[c]) : 0.0;
        const RowTerms terms{b, std::fabs(b), inflation, underflow_slack};
        for (int64_t r = 0; r < rows; ++r) {
          for (int64_t mh = 0; mh < n_h; ++mh) {
            auto phase_row = [&](const ColumnMember& m) {
              const int64_t count = m.pw->count, cols = rows * count;
              const int64_t n_w = static_cast<int64_t>(rgp.pairs[m.q].cg->members.size());
              const int64_t row = (mh * n_w + static_cast<int64_t>(m.mw)) * Cout_g + co;
              return std::pair{c_bufs[m.q].data() + row * cols + r * count,
                               abs_c_bufs[m.q].data() + row * cols + r * count};
            };
            if (pair_stride2) {  // the odd phase is at most one column shorter
              const int64_t count_o = column_members[odd].pw->count;
              const auto [ce, ae] = phase_row(column_members[even]);
              const auto [co_, ao] = phase_row(column_members[odd]);
              place_row_pair_stride2(ce, ae, co_, ao, count_o, terms, row_conv.data(), row_mag.data());
              place_row(ce + count_o, ae + count_o, column_members[even].pw->count - count_o, 2, terms,
                        row_conv.data() + 2 * count_o, row_mag.data() + 2 * count_o);
            } else {
              for (const ColumnMember& m : column_members) {
                const auto [crow, abs_crow] = phase_row(m);
                place_row(crow, abs_crow, m.pw->count, p.stride.w, terms, row_conv.data() + m.pw->first_out,
                          row_mag.data() + m.pw->first_out);
              }
            }
            sink(w.n, c, rgp.rg->members[mh]->first_out + (i0 + r) * p.stride.h, row_conv.data(), row_mag.data());
          }
        }
      }
    }
    stream_fence();  // streaming stores are weakly ordered: make them visible before the region's closing barrier
  }
}

}  // namespace gate::detail
