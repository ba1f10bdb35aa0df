// `run -n` (see dry_run.hpp).
#include "engine/dry_run.hpp"

#include <cctype>
#include <string_view>

#include "spec/template.hpp"

namespace sluice::detail {

namespace {

// A template's value as text: `<output of X.K>` stands for a task output,
// which exists only once X has run.
std::string shown_value(const Template& t) {
  if (t.is_literal()) return t.text;
  std::string out;
  for (const auto& p : t.parts())
    out += p.task.empty() ? p.text : "<output of " + p.task + "." + p.key + ">";
  return out;
}

// Quotes an argument for display the way a user would type it in sh.
void append_word(std::string& out, std::string_view word) {
  bool plain = !word.empty();
  for (char c : word) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) ||
          std::string_view("/._-=:,+@%").find(c) != std::string_view::npos)) {
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
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  out += '\'';
}

// `value` with a backslash before each byte of `specials`.
std::string escaped(std::string_view value, std::string_view specials) {
  std::string out;
  for (char c : value) {
    if (specials.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string single_quoted_body(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out;
}

/// A `run:` script as it would run: each `${SLUICE_V_n}` the loader wrote
/// (SPEC §1.3) replaced by its value, spelled for where it stands so that
/// the text means what runs. The spellings are the loader's: unquoted
/// `"${N}"`, in '...' `'"${N}"'`, in $'...' `'"${N}"$'`, else `${N}`; a sh
/// lexer over the script tells a double-quoted `${N}` from one in
/// arithmetic or a here-document.
class ScriptDisplay {
 public:
  explicit ScriptDisplay(const Script& s) : script_(s) {}

  std::string text() {
    if (script_.values.empty() || !split()) return script_.text;
    ShScan scan = scan_sh_contexts(parsed_);
    if (scan.error || scan.contexts.size() != values_.size()) return script_.text;
    std::string out;
    std::size_t skip = 0;  // bytes of the next literal already spelled
    std::size_t ref = 0;
    for (std::size_t i = 0; i < parsed_.pieces.size(); ++i) {
      const TemplatePiece& piece = parsed_.pieces[i];
      if (!piece.is_ref) {
        out.append(piece.text, std::min(skip, piece.text.size()));
        skip = 0;
        continue;
      }
      std::string_view next;
      if (i + 1 < parsed_.pieces.size() && !parsed_.pieces[i + 1].is_ref)
        next = parsed_.pieces[i + 1].text;
      skip = place(out, next, scan.contexts[ref], values_[ref]);
      ++ref;
    }
    return out;
  }

 private:
  // The script cut at each `${SLUICE_V_n}` naming one of its values.
  bool split() {
    const std::string& t = script_.text;
    std::size_t from = 0;
    for (std::size_t at = t.find("${SLUICE_V_"); at != std::string::npos;
         at = t.find("${SLUICE_V_", at + 1)) {
      std::size_t end = t.find('}', at);
      if (end == std::string::npos) break;
      std::string_view name(t.data() + at + 2, end - at - 2);
      const Template* value = nullptr;
      for (const auto& [n, v] : script_.values)
        if (n == name) value = &v;
      if (!value) continue;
      add_text(std::string_view(t).substr(from, at - from));
      TemplatePiece piece;
      piece.is_ref = true;
      piece.text = t.substr(at, end + 1 - at);
      parsed_.pieces.push_back(std::move(piece));
      values_.push_back(shown_value(*value));
      from = end + 1;
    }
    add_text(std::string_view(t).substr(from));
    return !values_.empty();
  }

  void add_text(std::string_view s) {
    TemplatePiece piece;
    piece.text = std::string(s);
    parsed_.pieces.push_back(std::move(piece));
  }

  // Appends `value` for a reference in context `c` (of the rewritten
  // script), taking back the quotes the loader put around it; returns how
  // many bytes of `next` those quotes took.
  static std::size_t place(std::string& out, std::string_view next, ShContext c,
                           const std::string& value) {
    auto ends = [&](std::string_view s) { return out.ends_with(s); };
    switch (c) {
      case ShContext::DoubleQuoted:
        if (ends("'\"") && next.starts_with("\"$'")) {
          out.resize(out.size() - 2);
          out += escaped(value, "\\'");
          return 3;
        }
        if (ends("'\"") && next.starts_with("\"'")) {
          out.resize(out.size() - 2);
          out += single_quoted_body(value);
          return 2;
        }
        // An unescaped `"` just before and after: the quotes of `"${N}"`.
        if (ends("\"") && !ends("\\\"") && next.starts_with("\"")) {
          out.pop_back();
          append_word(out, value);
          return 1;
        }
        out += escaped(value, "\\\"$`");
        return 0;
      case ShContext::HereDoc:
        out += escaped(value, "\\$`");
        return 0;
      case ShContext::Arithmetic:
        out += value;
        return 0;
      case ShContext::Unquoted:
        append_word(out, value);
        return 0;
      case ShContext::SingleQuoted:
      case ShContext::DollarSingleQuoted:
        break;  // not expanded by sh: it stays as written
    }
    return 0;
  }

  const Script& script_;
  ParsedTemplate parsed_;
  std::vector<std::string> values_;  ///< shown value of each reference, in order
};

void append_cmd(std::string& out, const std::vector<Template>& argv) {
  for (std::size_t i = 0; i < argv.size(); ++i) {
    if (i) out += ' ';
    append_word(out, shown_value(argv[i]));
  }
}

std::string first(const std::vector<std::string>& v) { return v.empty() ? std::string() : v[0]; }

std::string file_action(const Task& t) {
  const FileAction& f = t.extras().file;
  switch (t.action) {
    case ActionKind::Copy: return "copy " + first(f.from) + " -> " + f.to;
    case ActionKind::Concat:
      return "concat " + std::to_string(f.from.size()) + " files -> " + f.to;
    case ActionKind::Write: return "write " + f.to;
    case ActionKind::Hash: return "hash (" + f.algo + ") -> " + f.to;
    case ActionKind::Compress: return "compress (" + f.format + ") " + first(f.from) + " -> " + f.to;
    case ActionKind::Decompress: return "decompress " + first(f.from) + " -> " + f.to;
    case ActionKind::Call: return "call " + f.function;
    case ActionKind::Run:
    case ActionKind::Cmd: break;
  }
  return {};
}

// `name: line`, or for text of several lines `name:` and the lines indented.
void append_entry(std::string& out, const std::string& name, std::string_view text) {
  while (text.ends_with('\n')) text.remove_suffix(1);
  out += name;
  out += ':';
  if (text.find('\n') == std::string_view::npos) {
    out += ' ';
    out += text;
    out += '\n';
    return;
  }
  out += '\n';
  for (std::size_t from = 0; from <= text.size();) {
    std::size_t nl = std::min(text.find('\n', from), text.size());
    out += "    ";
    out += text.substr(from, nl - from);
    out += '\n';
    from = nl + 1;
  }
}

}  // namespace

std::string describe_plan(const Pipeline& pipeline, const std::vector<TaskId>& order) {
  std::string out;
  out.reserve(order.size() * 48);
  std::string line;
  for (TaskId id : order) {
    const Task& t = pipeline.tasks[id];
    line.clear();
    if (t.action == ActionKind::Run) line = ScriptDisplay(t.run).text();
    else if (t.action == ActionKind::Cmd) append_cmd(line, t.cmd);
    else line = file_action(t);
    append_entry(out, t.name, line);
    // A stream edge: both run at the same time, so order alone cannot say it.
    if (t.extras().stdin_spec.kind == StdinSpec::Kind::Task)
      out += "    stdin: stream from " + t.extras().stdin_spec.path + " (runs with it)\n";
  }
  return out;
}

}  // namespace sluice::detail
