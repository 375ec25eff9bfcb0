// The host-side API of fused.hpp: device discovery for reports, the variants a problem can run, and run_fused (host
// tensors in, host tensor out) on top of launch.hpp. Device buffers are owned by a small RAII type so that a failing
// call (GpuError) frees what was allocated; the output is filled with 0xFF bytes (a NaN in all three dtypes) before
// every launch, so an element the kernel never writes fails the comparison.
#include "gpu/fused.hpp"

#include <cstdint>
#include <cstring>

#include "core/dtype.hpp"
#include "gpu/cuda_check.cuh"
#include "gpu/launch.hpp"

namespace gate::gpu {
namespace {

class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t bytes, const char* what) : bytes_(bytes) {
    if (bytes == 0) return;
    const cudaError_t status = cudaMalloc(&ptr_, bytes);
    if (status != cudaSuccess) {
      throw GpuError(std::string("cudaMalloc of ") + std::to_string(bytes) + " bytes for " + what + " failed: " +
                     cudaGetErrorName(status) + " (" + cudaGetErrorString(status) + ")");
    }
  }
  ~DeviceBuffer() {
    if (ptr_) cudaFree(ptr_);
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  void* get() const { return ptr_; }
  size_t bytes() const { return bytes_; }

 private:
  void* ptr_ = nullptr;
  size_t bytes_ = 0;
};

// Host values → device storage (float32 as is, 16-bit dtypes through core/dtype.hpp's to_bits).
void upload(const HostTensor& t, DType dtype, const DeviceBuffer& dst) {
  if (dtype == DType::kFloat32) {
    GATE_CUDA_CHECK(cudaMemcpy(dst.get(), t.values.data(), t.values.size() * sizeof(float), cudaMemcpyHostToDevice));
    return;
  }
  std::vector<uint16_t> bits(t.values.size());
  to_bits(t.values, dtype, bits);
  GATE_CUDA_CHECK(cudaMemcpy(dst.get(), bits.data(), bits.size() * sizeof(uint16_t), cudaMemcpyHostToDevice));
}

}  // namespace

bool device_available(std::string* why_not) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    if (why_not) *why_not = std::string("no usable CUDA device: ") + cudaGetErrorName(status) + " (" + cudaGetErrorString(status) + ")";
    cudaGetLastError();  // clear the sticky-free error so later calls start clean
    return false;
  }
  if (count == 0) {
    if (why_not) *why_not = "no CUDA device found";
    return false;
  }
  return true;
}

std::string device_description() {
  int device = 0;
  GATE_CUDA_CHECK(cudaGetDevice(&device));
  cudaDeviceProp prop{};
  GATE_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  int driver = 0, runtime = 0;
  GATE_CUDA_CHECK(cudaDriverGetVersion(&driver));
  GATE_CUDA_CHECK(cudaRuntimeGetVersion(&runtime));
  return std::string(prop.name) + " (sm_" + std::to_string(prop.major) + std::to_string(prop.minor) + ", " +
         std::to_string(prop.multiProcessorCount) + " SMs, CUDA driver " + std::to_string(driver / 1000) + "." +
         std::to_string((driver % 1000) / 10) + ", runtime " + std::to_string(runtime / 1000) + "." +
         std::to_string((runtime % 1000) / 10) + ")";
}

std::vector<std::string> kernel_variants(const Problem& p) {
  std::vector<std::string> names;
  for (Variant v : all_variants()) {
    if (variant_supports(p, v, nullptr)) names.emplace_back(variant_name(v));
  }
  return names;
}

HostTensor run_fused(const Problem& p, const HostTensor& x, const HostTensor& weight, const HostTensor* bias,
                     const std::string& variant) {
  const Variant v = parse_variant(variant);
  return run_on_device(p, x, weight, bias,
                       [&](const void* d_x, const void* d_w, const void* d_b, void* d_y, CUstream_st* stream) {
                         launch_fused(p, v, d_x, d_w, d_b, d_y, stream);
                       });
}

HostTensor run_on_device(const Problem& p, const HostTensor& x, const HostTensor& weight, const HostTensor* bias,
                         const DeviceLaunch& launch) {
  if (x.shape != x_shape(p)) throw GpuError("x has shape " + shape_string(x.shape) + ", expected " + shape_string(x_shape(p)));
  if (weight.shape != weight_shape(p)) throw GpuError("weight has shape " + shape_string(weight.shape) + ", expected " + shape_string(weight_shape(p)));
  if (p.has_bias && (bias == nullptr || bias->shape != bias_shape(p))) throw GpuError("bias missing or of the wrong shape");
  const size_t elem = static_cast<size_t>(dtype_bytes(p.dtype));
  HostTensor y = make_tensor(y_shape(p), p.dtype, "y");

  DeviceBuffer d_x(x.values.size() * elem, "x");
  DeviceBuffer d_w(weight.values.size() * elem, "weight");
  DeviceBuffer d_b(p.has_bias ? bias->values.size() * elem : 0, "bias");
  DeviceBuffer d_y(y.values.size() * elem, "y");
  upload(x, p.dtype, d_x);
  upload(weight, p.dtype, d_w);
  if (p.has_bias) upload(*bias, p.dtype, d_b);
  GATE_CUDA_CHECK(cudaMemset(d_y.get(), 0xFF, d_y.bytes()));  // NaN pattern: unwritten elements fail

  launch(d_x.get(), d_w.get(), p.has_bias ? d_b.get() : nullptr, d_y.get(), nullptr);
  GATE_CUDA_CHECK(cudaGetLastError());  // a bad launch configuration surfaces here
  GATE_CUDA_CHECK(cudaDeviceSynchronize());  // faults inside the kernel surface here

  if (p.dtype == DType::kFloat32) {
    GATE_CUDA_CHECK(cudaMemcpy(y.values.data(), d_y.get(), d_y.bytes(), cudaMemcpyDeviceToHost));
  } else {
    std::vector<uint16_t> bits(y.values.size());
    GATE_CUDA_CHECK(cudaMemcpy(bits.data(), d_y.get(), d_y.bytes(), cudaMemcpyDeviceToHost));
    from_bits(bits, p.dtype, y.values);
  }
  return y;
}

}  // namespace gate::gpu
