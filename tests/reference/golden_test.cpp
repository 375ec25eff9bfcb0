// The reference against PyTorch's float64 goldens in data/golden/ (made by data/golden/make_goldens.py): the conv value
// and the final epilogue output, each within a bound derived from both sides' accumulation and GELU errors.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/npy.hpp"
#include "reference/epilogue.hpp"
#include "reference/transposed_conv.hpp"

namespace gate {
namespace {

namespace fs = std::filesystem;

constexpr int kGoldenVersion = 1;  // make_goldens.py's GOLDEN_VERSION this test is written for
constexpr double kU = 0x1p-53;

// A minimal reader for the goldens' float64 arrays ('<f8', C order, format 1.0): core's read_npy reads only the
// storage dtypes of DESIGN.md.
std::vector<double> read_f8(const fs::path& path, std::vector<int64_t>& shape) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path.string());
  char magic[8];
  f.read(magic, 8);
  if (std::memcmp(magic, "\x93NUMPY\x01\x00", 8) != 0) throw std::runtime_error(path.string() + ": not .npy v1.0");
  uint16_t header_len = 0;
  f.read(reinterpret_cast<char*>(&header_len), 2);
  std::string header(header_len, '\0');
  f.read(header.data(), header_len);
  if (header.find("'descr': '<f8'") == std::string::npos || header.find("'fortran_order': False") == std::string::npos)
    throw std::runtime_error(path.string() + ": expected '<f8' in C order, header " + header);
  const size_t open = header.find('('), close = header.find(')');
  shape.clear();
  int64_t count = 1;
  for (size_t i = open + 1; i < close;) {
    const size_t comma = std::min(header.find(',', i), close);
    const std::string dim = header.substr(i, comma - i);
    if (dim.find_first_of("0123456789") != std::string::npos) {
      shape.push_back(std::stoll(dim));
      count *= shape.back();
    }
    i = comma + 1;
  }
  std::vector<double> v(static_cast<size_t>(count));
  f.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(count * 8));
  if (!f) throw std::runtime_error(path.string() + ": shorter than its header says");
  return v;
}

struct Golden {
  Problem p;
  HostTensor x, weight, bias;
  std::vector<double> conv, y;
  std::string torch_version;
};

Golden load(const fs::path& dir) {
  Golden g;
  const nlohmann::json j = nlohmann::json::parse(std::ifstream(dir / "case.json"));
  if (j.at("golden_version").get<int>() != kGoldenVersion) {
    throw std::runtime_error(dir.string() + " has golden_version " + j.at("golden_version").dump() + ", this test expects " +
                             std::to_string(kGoldenVersion) + ": regenerate with /usr/bin/python3 data/golden/make_goldens.py");
  }
  g.torch_version = j.at("torch_version").get<std::string>();
  g.x = read_npy((dir / "x.npy").string(), DType::kFloat32);
  g.weight = read_npy((dir / "weight.npy").string(), DType::kFloat32);
  Problem& p = g.p;
  p.name = j.at("name").get<std::string>();
  p.N = g.x.shape.at(0), p.Cin = g.x.shape.at(1), p.H = g.x.shape.at(2), p.W = g.x.shape.at(3);
  p.groups = j.at("groups").get<int64_t>();
  p.Cout = g.weight.shape.at(1) * p.groups, p.kH = g.weight.shape.at(2), p.kW = g.weight.shape.at(3);
  auto hw = [&j](const char* key) { return Hw{j.at(key).at(0).get<int64_t>(), j.at(key).at(1).get<int64_t>()}; };
  p.stride = hw("stride"), p.padding = hw("padding"), p.output_padding = hw("output_padding"), p.dilation = hw("dilation");
  p.add_value = j.at("add_value").get<float>();
  p.multiply_value = j.at("multiply_value").get<float>();
  p.has_bias = fs::exists(dir / "bias.npy");
  if (p.has_bias) g.bias = read_npy((dir / "bias.npy").string(), DType::kFloat32);
  std::vector<int64_t> shape;
  g.conv = read_f8(dir / "conv.npy", shape);
  if (shape != y_shape(p)) throw std::runtime_error(dir.string() + ": conv.npy shape disagrees with the problem");
  g.y = read_f8(dir / "y.npy", shape);
  if (shape != y_shape(p)) throw std::runtime_error(dir.string() + ": y.npy shape disagrees with the problem");
  return g;
}

}  // namespace

TEST_CASE("golden: the reference matches PyTorch's float64 results within both sides' error bounds", "[reference]") {
  const fs::path root = fs::path(GATE_SOURCE_DIR) / "data" / "golden";
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (!entry.is_directory()) continue;
    const Golden g = load(entry.path());
    const Problem& p = g.p;
    const ConvReference ref = reference_transposed_conv(p, g.x, g.weight, p.has_bias ? &g.bias : nullptr);
    const int64_t n = terms_per_output(p);
    int64_t negative = 0;
    for (size_t i = 0; i < ref.conv.size(); ++i) {
      INFO(p.name << " (torch " << g.torch_version << ") output " << i << ": reference " << ref.conv[i] << " torch "
                  << g.conv[i]);
      // Both are double sums of the same exact float32 products (PyTorch: GEMM then col2im), so each is within
      // γ_n·S of the exact value.
      const double conv_bound = 2.0 * reference_conv_error_bound(n, ref.magnitude[i]);
      REQUIRE(std::fabs(ref.conv[i] - g.conv[i]) <= conv_bound);

      // The epilogue: min(·,0) is 1-Lipschitz and |gelu'| ≤ 1 on (-∞, 0], so the conv difference passes through
      // scaled by |multiply|. PyTorch's float64 GELU is 0.5·t·(1 + erf(t/√2)): erf's few-ulp error (≤ 2u) becomes an
      // absolute error in 1 + erf, ≤ 0.5·|t|·3u after the rounding of the sum, then two roundings (≤ 2u·|y|). Ours is
      // within epilogue_max_rel_err(t)·|y| (t ≥ kGeluErfRelErrFloor here).
      const double y = epilogue(ref.conv[i], p.add_value, p.multiply_value);
      const double t = std::min(ref.conv[i] + p.add_value, 0.0);
      const double mul = std::fabs(p.multiply_value);
      const double y_bound = mul * (conv_bound + 1.5 * kU * std::fabs(t)) +
                             (2.0 * kU + epilogue_max_rel_err(t)) * std::fabs(y) + mul * kGeluErfMaxAbsErr;
      INFO("y: reference " << y << " torch " << g.y[i] << " bound " << y_bound);
      REQUIRE(std::fabs(y - g.y[i]) <= y_bound);
      negative += (t < 0);
    }
    ++cases;
    // Most cases reach the GELU's negative branch: the check is not all zeros.
    if (p.name != "seed_like_small") REQUIRE(negative > static_cast<int64_t>(ref.conv.size() / 10));
  }
  REQUIRE(cases == 7);
}

}  // namespace gate
