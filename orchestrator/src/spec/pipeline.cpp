// Pipeline queries (see sluice/pipeline.hpp). The model is plain data, so a
// lookup by name is a scan; the graph builds its own index for hot paths.
#include "sluice/pipeline.hpp"

namespace sluice {

const std::vector<Template::Ref>& Template::refs() const {
  static const std::vector<Ref> kNone;
  return refs_ ? *refs_.get() : kNone;
}

void Template::append(const Template& other) {
  for (const Ref& r : other.refs())
    refs_.get_or_create().push_back(Ref{text.size() + r.at, r.task, r.key});
  text += other.text;
}

void Template::append_ref(std::string task, std::string key) {
  refs_.get_or_create().push_back(Ref{text.size(), std::move(task), std::move(key)});
}

std::vector<Template::Part> Template::parts() const {
  std::vector<Part> out;
  std::size_t from = 0;
  for (const Ref& r : refs()) {
    if (r.at > from) out.push_back(Part{text.substr(from, r.at - from), {}, {}});
    out.push_back(Part{{}, r.task, r.key});
    from = r.at;
  }
  if (from < text.size() || out.empty()) out.push_back(Part{text.substr(from), {}, {}});
  return out;
}

const std::string& SharedString::empty_string() {
  static const std::string kEmpty;
  return kEmpty;
}

// Immutable after its thread-safe first initialisation: shared defaults, not state.
const TaskExtras& Task::no_extras() {
  static const TaskExtras kNone;
  return kNone;
}

std::optional<TaskId> Pipeline::find(std::string_view task_name) const {
  for (size_t i = 0; i < tasks.size(); ++i)
    if (tasks[i].name == task_name) return static_cast<TaskId>(i);
  return std::nullopt;
}

}  // namespace sluice
