// The expansion budget (see expansion_budget.hpp).
#include "spec/expansion_budget.hpp"

#include <algorithm>
#include <type_traits>

namespace sluice::detail {

std::size_t ExpansionBudget::left(bool var) const {
  const std::size_t spent = spent_ + task_;
  const std::size_t all = spent >= max_ ? 0 : max_ - spent;
  return var ? std::min(all, kMaxVarBytes) : all;
}

bool ExpansionBudget::finish_task(const Task& t) {
  task_ = 0;
  spent_ += text_bytes(t);
  return spent_ <= max_;
}

std::string ExpansionBudget::message() const {
  return "the pipeline expands to more than " + std::to_string(max_ >> 20) +
         " MiB of text (vars and matrix values in every task), the limit";
}

std::size_t text_bytes(const Task& t) {
  std::size_t n = t.name.size() + t.run.text.size();
  auto add = [&n](const Template& v) { n += v.text.size(); };
  auto add_pairs = [&](const auto& pairs) {
    for (const auto& [k, v] : pairs) {
      n += k.size();
      if constexpr (std::is_same_v<std::decay_t<decltype(v)>, Template>)
        add(v);
      else
        n += v.size();
    }
  };
  add_pairs(t.run.values);
  add_pairs(t.env);
  for (const auto& c : t.cmd) add(c);
  for (const auto& s : t.shell) n += s.size();
  for (const auto& need : t.needs) n += need.task.size();
  for (const auto& s : t.inputs) n += s.size();
  for (const auto& s : t.outputs) n += s.size();
  if (!t.has_extras()) return n;
  const TaskExtras& x = t.extras();
  n += x.base.size() + x.pool.size() + x.description.size() + x.file.to.size() +
       x.file.content.text.size() + x.file.function.size() + x.stdin_spec.text.text.size() +
       x.stdin_spec.path.size() + x.stdout_spec.file.size() + x.stderr_spec.file.size();
  add_pairs(x.matrix);
  for (const auto& s : x.file.from) n += s.size();
  if (x.if_cmd) {
    n += x.if_cmd->text.size();
    add_pairs(x.if_cmd->values);
  }
  return n;
}

}  // namespace sluice::detail
