// Host tensor helpers (tensor.hpp).
#include "core/tensor.hpp"

namespace gate {

HostTensor make_tensor(const std::vector<int64_t>& shape, DType dtype, const std::string& what) {
  HostTensor t;
  t.shape = shape;
  t.dtype = dtype;
  t.values.assign(static_cast<size_t>(element_count(shape, what)), 0.0f);
  return t;
}

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

}  // namespace gate
