#include "actions/hash_pass.hpp"

namespace sluice::detail {

PassStatus HashPass::run(std::size_t budget, const std::stop_token& stop) {
  for (std::size_t moved = 0; moved < budget;) {
    if (stop.stop_requested()) return PassStatus::More;
    std::string_view chunk;
    if (!in_.next(chunk)) return PassStatus::Failed;
    if (chunk.empty()) return PassStatus::End;
    hasher_->update(chunk);
    moved += chunk.size();
  }
  return PassStatus::More;
}

}  // namespace sluice::detail
