// Masking secret values (see secret_masker.hpp).
#include "sinks/secret_masker.hpp"

#include <algorithm>

namespace sluice::detail {

namespace {
constexpr std::string_view kMask = "***";
}

SecretMasker::SecretMasker(std::vector<std::string> values) {
  for (auto& v : values) {
    if (!v.empty()) values_.push_back(std::move(v));
  }
  std::sort(values_.begin(), values_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  values_.erase(std::unique(values_.begin(), values_.end()), values_.end());
}

std::string_view SecretMasker::mask(std::string_view text) {
  if (values_.empty()) return text;
  // Fast path: most batches hold no secret at all, and need no copy.
  bool any = std::any_of(values_.begin(), values_.end(), [&](const std::string& v) {
    return text.find(v) != std::string_view::npos;
  });
  if (!any) return text;
  buffer_.assign(text);
  for (const auto& v : values_) {
    std::string out;
    out.reserve(buffer_.size());
    std::size_t from = 0;
    for (std::size_t at; (at = buffer_.find(v, from)) != std::string::npos; from = at + v.size()) {
      out.append(buffer_, from, at - from);
      out.append(kMask);
    }
    out.append(buffer_, from, std::string::npos);
    buffer_ = std::move(out);
  }
  return buffer_;
}

std::string SecretMasker::masked(std::string_view text) { return std::string(mask(text)); }

}  // namespace sluice::detail
