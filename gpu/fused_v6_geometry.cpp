// fused_v6_swap's host-side geometry (fused_v6_geometry.hpp).
#include "gpu/fused_v6_geometry.hpp"

#include <string>

#include "gpu/fused.hpp"
#include "gpu/fused_v3_geometry.hpp"

namespace gate::gpu {

bool v6_supports(const KernelShape& s, int smem_optin, const char** why_not) {
  auto no = [&](const char* why) {
    if (why_not) *why_not = why;
    return false;
  };
  // v3's conditions: groups 1, no dilation, stride 2 with a 4×4 kernel, no padding or output_padding, Cout a multiple
  // of 32, one image's input under 2^31 elements.
  if (!v3_supports(s, why_not)) return false;
  if (s.W != kV6W) return no("W is not 64 (one wgmma N of q-columns)");
  if (s.Cin % kV6UnitCi != 0 || s.Cin > kV6UnitCi * kV6MaxUnits) {
    return no("Cin is not 32, 64, 96 or 128 (units of 32 channels; the weights are held in Cin registers a thread)");
  }
  if (int64_t(s.N) * s.Cin > INT32_MAX) return no("N·Cin exceeds the TMA's 32-bit coordinates");
  // The item walk's int counters step past the last item by up to a round of chunks (blocks × kV6ChunkItems).
  if (int64_t(s.N) * (s.H + 1) > INT32_MAX / 2) return no("N·(H + 1) items exceed 2^30 (32-bit item counters)");
  if (kV6SmemBytes > smem_optin) return no("the window stages and staging exceed the device's shared memory");
  return true;
}

V6Geometry make_v6_geometry(const KernelShape& s, int multiprocessors) {
  const char* why = nullptr;
  if (!v6_supports(s, kV6SmemBytes, &why)) throw GpuError(std::string("fused_v6_swap: unsupported problem: ") + why);
  V6Geometry g{};
  g.Cin = s.Cin, g.Cout = s.Cout, g.H = s.H;
  g.units = s.Cin / kV6UnitCi;
  g.n_tiles = s.Cout / kV6CoutPerTile;
  // One block per SM, the SMs shared evenly between the n-tiles (the 4 n-tiles of the seed: 33 blocks each on 132
  // SMs); the blocks with the same index in every n-tile take the same chunks at about the same time, so that they
  // read each input window from L2 after the first of them.
  g.blocks_per_tile = multiprocessors / g.n_tiles > 1 ? multiprocessors / g.n_tiles : 1;
  g.items = s.N * (s.H + 1);
  g.has_bias = s.has_bias;
  g.add_value = s.add_value;
  g.multiply_value = s.multiply_value;
  return g;
}

}  // namespace gate::gpu
