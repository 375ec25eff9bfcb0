// Host tensors: a shape and float32 values in C order. float16 and bfloat16 tensors hold their values as floats (each is
// exactly representable); the dtype says how they are stored in files and on the device.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/problem.hpp"

namespace gate {

struct HostTensor {
  std::vector<int64_t> shape;
  DType dtype = DType::kFloat32;
  std::vector<float> values;

  int64_t size() const { return static_cast<int64_t>(values.size()); }
};

// A zero-filled tensor of the given shape (element count checked for overflow, `what` names it in the message).
HostTensor make_tensor(const std::vector<int64_t>& shape, DType dtype, const std::string& what);

std::string shape_string(const std::vector<int64_t>& shape);  // "(2, 3, 4)"

}  // namespace gate
