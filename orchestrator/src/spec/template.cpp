/// The `${{ ... }}` parser, substitution and the script rewrite. The sh
/// lexing behind scan_sh_contexts() lives in sh_lexer.cpp.
#include "spec/template.hpp"

#include <array>

#include "spec/sh_lexer.hpp"
#include "spec/suggest.hpp"

namespace sluice::detail {
namespace {

constexpr std::array<std::string_view, 6> kScopes{"vars", "matrix", "env", "task", "pipeline", "tasks"};

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}
bool is_task_name_char(char c) { return is_name_char(c) || c == '[' || c == ']' || c == '=' || c == ','; }
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// Parses one reference whose `${{` is at `start`; the whole text is needed
/// for offsets. One instance per parse_template() call.
class RefParser {
 public:
  RefParser(std::string_view text, ParsedTemplate& out) : text_(text), out_(out) {
    // Where the last `}}` starts: a `${{` after it can never close, which
    // tells "unterminated" from "malformed" in O(1).
    const std::size_t p = text.rfind("}}");
    has_close_ = p != std::string_view::npos;
    last_close_ = has_close_ ? p : 0;
  }

  /// Parses from `start` (at `${{`). Returns the index to continue from.
  std::size_t parse(std::size_t start) {
    start_ = start;
    pos_ = start + 3;
    if (!has_close_ || last_close_ < pos_) return unterminated();
    skip_blanks();
    if (at_close()) return error_at(start_, "empty reference '${{ }}'", pos_ + 2);
    const std::size_t scope_start = pos_;
    while (pos_ < text_.size() && is_name_char(text_[pos_]) && text_[pos_] != '.') ++pos_;
    const std::string_view scope = text_.substr(scope_start, pos_ - scope_start);
    if (scope.empty()) return error_at(pos_, "expected a reference like '${{ vars.NAME }}'", pos_);
    bool known = false;
    for (std::string_view s : kScopes) known = known || s == scope;
    if (!known) return unknown_scope(scope, scope_start);
    TemplateRef ref;
    ref.scope = std::string(scope);
    if (scope == "tasks" ? !parse_tasks_path(ref) : !parse_name_path(ref)) return pos_;
    skip_blanks();
    if (!at_close()) {
      while (pos_ > scope_start && is_blank(text_[pos_ - 1])) --pos_;
      const std::string spelled = std::string(text_.substr(scope_start, pos_ - scope_start));
      return error_at(pos_, "expected '}}' after '" + spelled + "'", pos_);
    }
    pos_ += 2;
    ref.offset = static_cast<std::uint32_t>(start_);
    ref.length = static_cast<std::uint32_t>(pos_ - start_);
    TemplatePiece piece;
    piece.is_ref = true;
    piece.text = std::string(text_.substr(start_, pos_ - start_));
    piece.offset = ref.offset;
    piece.ref = std::move(ref);
    out_.pieces.push_back(std::move(piece));
    return pos_;
  }

 private:
  bool at_close() const { return text_.substr(pos_, 2) == "}}"; }
  void skip_blanks() {
    while (pos_ < text_.size() && is_blank(text_[pos_])) ++pos_;
  }

  /// Records an error at `offset` and resumes scanning at `resume`.
  std::size_t error_at(std::size_t offset, std::string message, std::size_t resume) {
    out_.errors.push_back({static_cast<std::uint32_t>(offset), std::move(message)});
    return resume;
  }

  std::size_t unterminated() {
    // No `}}` follows, so every later `${{` is unterminated too: one error,
    // and the rest of the text is left as it is (the caller gives up on it).
    out_.errors.push_back({static_cast<std::uint32_t>(start_), "unterminated '${{' (no '}}' follows)"});
    return text_.size();
  }

  std::size_t unknown_scope(std::string_view scope, std::size_t at) {
    const std::vector<std::string_view> candidates(kScopes.begin(), kScopes.end());
    std::string message = "unknown scope '" + std::string(scope) + "'";
    if (auto guess = closest(scope, candidates))
      message += " (did you mean '" + *guess + "'?)";
    else
      message += " (scopes are vars, matrix, env, task, pipeline and tasks)";
    return error_at(at, std::move(message), pos_);
  }

  /// `.NAME` for every scope but tasks.
  bool parse_name_path(TemplateRef& ref) {
    if (pos_ >= text_.size() || text_[pos_] != '.') {
      error_at(pos_, "expected '." + std::string("NAME' after '") + ref.scope + "': '${{ " + ref.scope + ".NAME }}'", pos_);
      return false;
    }
    const std::size_t name_start = ++pos_;
    while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
    if (pos_ == name_start || text_[pos_ - 1] == '.') {
      error_at(pos_, "expected a name of letters, digits, '_', '-' or '.' after '" + ref.scope + ".'", pos_);
      return false;
    }
    ref.path.emplace_back(text_.substr(name_start, pos_ - name_start));
    return true;
  }

  /// `.NAME.outputs.KEY` with NAME plain (dots and `[]=,` allowed) or quoted.
  bool parse_tasks_path(TemplateRef& ref) {
    static constexpr std::string_view kForm = "expected '${{ tasks.NAME.outputs.KEY }}'";
    if (pos_ >= text_.size() || text_[pos_] != '.') {
      error_at(pos_, std::string(kForm), pos_);
      return false;
    }
    const std::size_t path_start = ++pos_;
    std::string name;
    std::string_view tail;  // ".outputs.KEY" (or wrong)
    if (pos_ < text_.size() && text_[pos_] == '"') {
      if (!read_quoted(name)) return false;
      const std::size_t tail_start = pos_;
      while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
      tail = text_.substr(tail_start, pos_ - tail_start);
    } else {
      const std::size_t run_start = pos_;
      while (pos_ < text_.size() && is_task_name_char(text_[pos_])) ++pos_;
      const std::string_view run = text_.substr(run_start, pos_ - run_start);
      // KEY has no dot, so ".outputs." before the last dot splits the run.
      const std::size_t last_dot = run.rfind('.');
      const std::size_t marker = last_dot == std::string_view::npos ? std::string_view::npos
                                                                     : run.rfind(".outputs", last_dot);
      if (marker == std::string_view::npos || marker + 8 != last_dot || marker == 0) {
        error_at(run_start, std::string(kForm), pos_);
        return false;
      }
      name = std::string(run.substr(0, marker));
      tail = run.substr(marker);
    }
    const std::string_view prefix = ".outputs.";
    const std::string_view key = tail.substr(std::min(tail.size(), prefix.size()));
    bool key_ok = !key.empty();
    for (char c : key) key_ok = key_ok && is_name_char(c) && c != '.';
    if (tail.substr(0, prefix.size()) != prefix || !key_ok || name.empty()) {
      error_at(path_start, std::string(kForm), pos_);
      return false;
    }
    ref.path = {std::move(name), "outputs", std::string(key)};
    return true;
  }

  /// A double-quoted task name at pos_; `\"` and `\\` are escapes.
  bool read_quoted(std::string& name) {
    const std::size_t open = pos_++;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_];
      if (c == '\\' && pos_ + 1 < text_.size() && (text_[pos_ + 1] == '"' || text_[pos_ + 1] == '\\')) {
        c = text_[++pos_];
      } else if (static_cast<unsigned char>(c) < 0x20) {
        error_at(pos_, "a quoted task name cannot hold a control character", pos_);
        return false;
      }
      name += c;
      ++pos_;
    }
    if (pos_ >= text_.size()) {
      error_at(open, "unterminated quoted task name", pos_);
      return false;
    }
    ++pos_;
    return true;
  }

  std::string_view text_;
  ParsedTemplate& out_;
  bool has_close_ = false;
  std::size_t last_close_ = 0;  // start of the last `}}`
  std::size_t start_ = 0;
  std::size_t pos_ = 0;
};

void append_literal(ParsedTemplate& out, std::string_view text, std::size_t offset, bool may_merge) {
  if (text.empty()) return;
  if (may_merge && !out.pieces.empty() && !out.pieces.back().is_ref) {
    out.pieces.back().text += text;
    return;
  }
  TemplatePiece piece;
  piece.text = std::string(text);
  piece.offset = static_cast<std::uint32_t>(offset);
  out.pieces.push_back(std::move(piece));
}

}  // namespace

ParsedTemplate parse_template(std::string_view text) {
  ParsedTemplate out;
  RefParser refs(text, out);
  std::size_t literal_start = 0;
  // After a `$${{` escape the next literal starts a new piece, so that every
  // literal piece but the escape's own maps byte for byte onto the source.
  bool after_escape = false;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t dollar = text.find('$', i);
    if (dollar == std::string_view::npos) break;
    if (text.substr(dollar, 4) == "$${{") {
      append_literal(out, text.substr(literal_start, dollar - literal_start), literal_start, !after_escape);
      append_literal(out, "${{", dollar, false);
      after_escape = true;
      i = literal_start = dollar + 4;
    } else if (text.substr(dollar, 3) == "${{") {
      append_literal(out, text.substr(literal_start, dollar - literal_start), literal_start, !after_escape);
      after_escape = false;
      const std::size_t errors_before = out.errors.size();
      i = refs.parse(dollar);
      // After an error the bad reference stays in the text as literal.
      literal_start = out.errors.size() == errors_before ? i : dollar;
      if (out.errors.size() != errors_before && i == dollar) i = dollar + 3;
    } else {
      i = dollar + 1;
    }
  }
  append_literal(out, text.substr(literal_start), literal_start, !after_escape);
  return out;
}

ParsedTemplate substitute(const ParsedTemplate& parsed,
                          const std::function<std::optional<std::string>(const TemplateRef&)>& value_of) {
  ParsedTemplate out;
  out.errors = parsed.errors;
  for (const TemplatePiece& piece : parsed.pieces) {
    if (!piece.is_ref) {
      append_literal(out, piece.text, piece.offset, true);
      continue;
    }
    if (auto value = value_of(piece.ref)) {
      // The value's offset is the reference's: a message about it can only
      // point there.
      append_literal(out, *value, piece.offset, true);
    } else {
      out.pieces.push_back(piece);
    }
  }
  return out;
}

std::string join_literal(const ParsedTemplate& parsed) {
  std::string out;
  for (const TemplatePiece& piece : parsed.pieces) out += piece.text;
  return out;
}

ShScan scan_sh_contexts(const ParsedTemplate& script) {
  ShInput input;
  for (const TemplatePiece& piece : script.pieces) {
    if (piece.is_ref) {
      input.add_ref(piece.ref.offset);
    } else {
      input.add_text(piece.text, piece.offset);
    }
  }
  return lex_sh(input);
}

std::string rewrite_script(const ParsedTemplate& script, const std::vector<ShContext>& contexts,
                           const std::vector<std::string>& names) {
  std::string out;
  std::size_t n = 0;
  for (const TemplatePiece& piece : script.pieces) {
    if (!piece.is_ref) {
      out += piece.text;
      continue;
    }
    const std::string var = "${" + (n < names.size() ? names[n] : std::string("SLUICE_V_MISSING")) + "}";
    const ShContext context = n < contexts.size() ? contexts[n] : ShContext::Unquoted;
    ++n;
    switch (context) {
      case ShContext::Unquoted: out += "\"" + var + "\""; break;
      case ShContext::SingleQuoted: out += "'\"" + var + "\"'"; break;
      case ShContext::DollarSingleQuoted: out += "'\"" + var + "\"$'"; break;
      case ShContext::DoubleQuoted:
      case ShContext::Arithmetic:
      case ShContext::HereDoc: out += var; break;
    }
  }
  return out;
}

}  // namespace sluice::detail
