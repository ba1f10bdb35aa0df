// `run -n` (see dry_run.hpp).
#include "engine/dry_run.hpp"

namespace sluice::detail {

namespace {

// Quotes an argument for display the way a user would type it in sh.
void append_word(std::string& out, const std::string& word) {
  bool plain = !word.empty();
  for (char c : word) {
    if (!(isalnum(static_cast<unsigned char>(c)) || std::string_view("/._-=:,+@%").find(c) !=
                                                         std::string_view::npos)) {
      plain = false;
      break;
    }
  }
  if (plain) {
    out += word;
    return;
  }
  out += '\'';
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
}

void append_template(std::string& out, const Template& t) {
  std::string word;
  for (const auto& p : t.parts()) {
    word += p.task.empty() ? p.text : "${{ tasks." + p.task + ".outputs." + p.key + " }}";
  }
  append_word(out, word);
}

std::string first(const std::vector<std::string>& v) { return v.empty() ? std::string() : v[0]; }

void append_action(std::string& out, const Task& t) {
  switch (t.action) {
    case ActionKind::Run: {
      // One line per task: a multi-line script shows its first line.
      auto nl = t.run.text.find('\n');
      out += t.run.text.substr(0, nl);
      if (nl != std::string::npos && nl + 1 < t.run.text.size()) out += " ...";
      return;
    }
    case ActionKind::Cmd:
      for (size_t i = 0; i < t.cmd.size(); ++i) {
        if (i) out += ' ';
        append_template(out, t.cmd[i]);
      }
      return;
    case ActionKind::Copy: out += "copy " + first(t.extras().file.from) + " -> " + t.extras().file.to; return;
    case ActionKind::Concat: out += "concat " + std::to_string(t.extras().file.from.size()) + " files -> " + t.extras().file.to; return;
    case ActionKind::Write: out += "write " + t.extras().file.to; return;
    case ActionKind::Hash: out += "hash (" + t.extras().file.algo + ") -> " + t.extras().file.to; return;
    case ActionKind::Compress: out += "compress (" + t.extras().file.format + ") " + first(t.extras().file.from) + " -> " + t.extras().file.to; return;
    case ActionKind::Decompress: out += "decompress " + first(t.extras().file.from) + " -> " + t.extras().file.to; return;
    case ActionKind::Call: out += "call " + t.extras().file.function; return;
  }
}

}  // namespace

std::string describe_plan(const Pipeline& pipeline, const std::vector<TaskId>& order) {
  std::string out;
  out.reserve(order.size() * 48);
  for (TaskId id : order) {
    const Task& t = pipeline.tasks[id];
    out += t.name;
    out += ": ";
    append_action(out, t);
    out += '\n';
  }
  return out;
}

}  // namespace sluice::detail
