/// SecretMasker: replaces every occurrence of a secret's value with `***` in
/// text bound for the sinks (MaskingSink applies it to all of them). It works
/// on the batches of whole lines the runner delivers, so a value split across
/// two pipe reads is still caught; only a value longer than the line cap, or
/// one holding a newline split by the cap, could escape. Empty values are
/// ignored (they would match everywhere). Loop thread only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sluice::detail {

class SecretMasker {
 public:
  explicit SecretMasker(std::vector<std::string> values);

  bool empty() const { return values_.empty(); }
  /// `text` with every secret replaced. The view points into `text` when
  /// nothing matched, else into a buffer valid until the next call.
  std::string_view mask(std::string_view text);
  /// The same, into a new string (for rare text such as error messages).
  std::string masked(std::string_view text);

 private:
  std::vector<std::string> values_;  ///< longest first, so a value that contains another wins
  std::string buffer_;
};

}  // namespace sluice::detail
