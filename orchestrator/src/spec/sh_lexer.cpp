/// Recursive descent over the nesting that sh quoting allows. Each function
/// lexes one construct from just after its opening to just after its end, so
/// every byte is read once, and here-document bodies are read where sh reads
/// them: after the newline that ends the line of their `<<`.
#include "spec/sh_lexer.hpp"

#include <deque>

namespace sluice::detail {

void ShInput::add_text(std::string_view text, std::uint32_t source_offset) {
  bytes_ += text;
  is_ref_.insert(is_ref_.end(), text.size(), 0);
  for (std::size_t k = 0; k < text.size(); ++k) offsets_.push_back(source_offset + static_cast<std::uint32_t>(k));
}

void ShInput::add_ref(std::uint32_t source_offset) {
  bytes_ += 'x';
  is_ref_.push_back(1);
  offsets_.push_back(source_offset);
}

namespace {

/// Deeper nesting than this is not a script a person wrote; refusing it keeps
/// the recursion off the end of the stack.
constexpr int kMaxDepth = 200;

/// Where an unquoted stretch ends.
enum class Until : std::uint8_t { End, Paren, Backtick };

struct PendingHereDoc {
  std::string delimiter;
  bool strip_tabs = false;
  bool quoted = false;
};

class Lexer {
 public:
  explicit Lexer(const ShInput& in) : in_(in) {}

  ShScan run() {
    unquoted(Until::End, 0);
    return std::move(result_);
  }

 private:
  bool failed() const { return result_.error.has_value(); }
  bool at_end() const { return i_ >= in_.size(); }
  bool ref() const { return in_.is_ref(i_); }
  char peek(std::size_t ahead = 0) const {
    return i_ + ahead < in_.size() && !in_.is_ref(i_ + ahead) ? in_.byte(i_ + ahead) : '\0';
  }

  void fail(std::size_t at, std::string message) {
    if (failed()) return;
    const std::uint32_t offset = at < in_.size() ? in_.source_offset(at)
                                 : in_.size() == 0 ? 0
                                                   : in_.source_offset(in_.size() - 1) + 1;
    result_.error = TemplateError{offset, std::move(message)};
  }

  void record(ShContext context) {
    result_.contexts.push_back(context);
    ++i_;
  }

  /// A backslash escapes the next byte. A reference there is refused: the
  /// backslash would quote the first character of its rewritten spelling.
  bool escape_is_ref() {
    if (i_ + 1 < in_.size() && in_.is_ref(i_ + 1)) {
      fail(i_ + 1, "a template cannot follow a backslash (the backslash would quote part of it)");
      return true;
    }
    return false;
  }

  bool enter(int depth, std::size_t at) {
    if (depth < kMaxDepth) return true;
    fail(at, "script nested too deeply to find template contexts");
    return false;
  }

  static bool is_blank(char c) { return c == ' ' || c == '\t'; }
  static bool is_operator(char c) {
    return c == ';' || c == '&' || c == '|' || c == '<' || c == '>' || c == '(' || c == ')';
  }

  /// Unquoted text: the top level, inside $(...) or inside `...`.
  void unquoted(Until until, int depth) {
    const std::size_t open = i_ == 0 ? 0 : i_ - 1;
    bool word_start = true;
    int parens = 0;
    while (!at_end() && !failed()) {
      if (ref()) {
        record(ShContext::Unquoted);
        word_start = false;
        continue;
      }
      const char c = in_.byte(i_);
      if (c == '\\') {
        if (escape_is_ref()) return;
        i_ += 2;
        word_start = false;
      } else if (c == '\'') {
        single_quoted(ShContext::SingleQuoted);
        word_start = false;
      } else if (c == '"') {
        if (!enter(depth, i_)) return;
        double_quoted(depth + 1);
        word_start = false;
      } else if (c == '`') {
        if (until == Until::Backtick) {
          ++i_;
          return;
        }
        if (!enter(depth, i_)) return;
        ++i_;
        unquoted(Until::Backtick, depth + 1);
        word_start = false;
      } else if (c == '$') {
        dollar(true, depth);
        word_start = false;
      } else if (c == '#' && word_start) {
        comment();
      } else if (c == '\n') {
        ++i_;
        word_start = true;
        here_doc_bodies(depth);
      } else if (c == '<' && peek(1) == '<' && peek(2) == '<') {
        i_ += 3;  // bash's here-string: an operator, not a here-document
        word_start = true;
      } else if (c == '<' && peek(1) == '<') {
        here_doc_operator();
        word_start = true;
      } else if (c == '(' && until == Until::Paren) {
        ++parens;
        ++i_;
        word_start = true;
      } else if (c == ')' && until == Until::Paren) {
        ++i_;
        if (parens-- == 0) return;
        word_start = true;
      } else {
        word_start = is_blank(c) || is_operator(c);
        ++i_;
      }
    }
    if (until == Until::Paren) fail(open - 1, "unterminated '$('");
    if (until == Until::Backtick) fail(open, "unterminated '`'");
  }

  /// '...' and $'...': everything up to the closing quote (in $'...' a
  /// backslash escapes it).
  void single_quoted(ShContext context) {
    const std::size_t open = i_++;
    const bool escapes = context == ShContext::DollarSingleQuoted;
    while (!at_end()) {
      if (ref()) {
        record(context);
        continue;
      }
      const char c = in_.byte(i_);
      if (c == '\'') {
        ++i_;
        return;
      }
      if (escapes && c == '\\') {
        if (escape_is_ref()) return;
        i_ += 2;
        continue;
      }
      ++i_;
    }
    fail(escapes ? open - 1 : open, escapes ? "unterminated \"$'\"" : "unterminated single quote");
  }

  /// "..." from the opening quote.
  void double_quoted(int depth) {
    const std::size_t open = i_++;
    while (!at_end() && !failed()) {
      if (ref()) {
        record(ShContext::DoubleQuoted);
        continue;
      }
      const char c = in_.byte(i_);
      if (c == '"') {
        ++i_;
        return;
      }
      if (c == '\\') {
        if (escape_is_ref()) return;
        i_ += 2;
      } else if (c == '`') {
        if (!enter(depth, i_)) return;
        ++i_;
        unquoted(Until::Backtick, depth + 1);
      } else if (c == '$') {
        dollar(false, depth);
      } else {
        ++i_;
      }
    }
    if (!failed()) fail(open, "unterminated double quote");
  }

  /// At a `$`: $(( )), $( ), ${ }, $' ' (outside double quotes) or a plain
  /// parameter, which needs nothing.
  void dollar(bool unquoted_outside, int depth) {
    const std::size_t at = i_;
    if (!enter(depth, at)) return;
    const char next = peek(1);
    if (next == '(' && peek(2) == '(') {
      i_ += 3;
      arithmetic(at, depth + 1);
    } else if (next == '(') {
      i_ += 2;
      unquoted(Until::Paren, depth + 1);
    } else if (next == '{') {
      i_ += 2;
      parameter(at, unquoted_outside, depth + 1);
    } else if (next == '\'' && unquoted_outside) {
      ++i_;
      single_quoted(ShContext::DollarSingleQuoted);
    } else {
      ++i_;
    }
  }

  /// ${...} after the `${`. Quotes nest; single quotes quote only when the
  /// expansion itself is unquoted, as in sh.
  void parameter(std::size_t open, bool unquoted_outside, int depth) {
    while (!at_end() && !failed()) {
      if (ref()) {
        record(ShContext::Unquoted);
        continue;
      }
      const char c = in_.byte(i_);
      if (c == '}') {
        ++i_;
        return;
      }
      if (c == '\\') {
        if (escape_is_ref()) return;
        i_ += 2;
      } else if (c == '"') {
        double_quoted(depth);
      } else if (c == '\'' && unquoted_outside) {
        single_quoted(ShContext::SingleQuoted);
      } else if (c == '`') {
        ++i_;
        unquoted(Until::Backtick, depth);
      } else if (c == '$') {
        dollar(unquoted_outside, depth);
      } else {
        ++i_;
      }
    }
    if (!failed()) fail(open, "unterminated '${'");
  }

  /// $((...)) after the `$((`: ends at the `))` that balances it.
  void arithmetic(std::size_t open, int depth) {
    int parens = 0;
    while (!at_end() && !failed()) {
      if (ref()) {
        record(ShContext::Arithmetic);
        continue;
      }
      const char c = in_.byte(i_);
      if (c == '(') {
        ++parens;
        ++i_;
      } else if (c == ')') {
        if (parens == 0 && peek(1) == ')') {
          i_ += 2;
          return;
        }
        --parens;
        ++i_;
      } else if (c == '\\') {
        if (escape_is_ref()) return;
        i_ += 2;
      } else if (c == '"') {
        double_quoted(depth);
      } else if (c == '`') {
        ++i_;
        unquoted(Until::Backtick, depth);
      } else if (c == '$') {
        dollar(false, depth);
      } else {
        ++i_;
      }
    }
    if (!failed()) fail(open, "unterminated '$(('");
  }

  void comment() {
    while (!at_end() && (ref() || in_.byte(i_) != '\n')) {
      if (ref()) {
        record(ShContext::Unquoted);  // harmless: a comment is never run
      } else {
        ++i_;
      }
    }
  }

  /// At `<<`: reads `-`, blanks and the delimiter word, and queues the body.
  void here_doc_operator() {
    i_ += 2;
    PendingHereDoc doc;
    if (peek() == '-') {
      doc.strip_tabs = true;
      ++i_;
    }
    while (!at_end() && !ref() && is_blank(in_.byte(i_))) ++i_;
    while (!at_end() && !failed()) {
      if (ref()) {
        fail(i_, "a template cannot be (part of) a here-document delimiter");
        return;
      }
      const char c = in_.byte(i_);
      if (is_blank(c) || c == '\n' || is_operator(c)) break;
      if (c == '\\') {
        if (escape_is_ref()) return;
        doc.quoted = true;
        if (i_ + 1 < in_.size()) doc.delimiter += in_.byte(i_ + 1);
        i_ += 2;
      } else if (c == '\'' || c == '"') {
        doc.quoted = true;
        quoted_delimiter_part(c, doc.delimiter);
      } else {
        doc.delimiter += c;
        ++i_;
      }
    }
    pending_.push_back(std::move(doc));
  }

  void quoted_delimiter_part(char quote, std::string& delimiter) {
    const std::size_t open = i_++;
    while (!at_end()) {
      if (ref()) {
        fail(i_, "a template cannot be (part of) a here-document delimiter");
        return;
      }
      const char c = in_.byte(i_);
      if (c == quote) {
        ++i_;
        return;
      }
      if (quote == '"' && c == '\\' && i_ + 1 < in_.size() && !in_.is_ref(i_ + 1)) {
        const char n = in_.byte(i_ + 1);
        if (n == '$' || n == '`' || n == '"' || n == '\\') {
          delimiter += n;
          i_ += 2;
          continue;
        }
      }
      delimiter += c;
      ++i_;
    }
    fail(open, quote == '"' ? "unterminated double quote" : "unterminated single quote");
  }

  /// At the start of the line after a `<<`: the bodies, in order.
  void here_doc_bodies(int depth) {
    while (!pending_.empty() && !failed()) {
      const PendingHereDoc doc = std::move(pending_.front());
      pending_.pop_front();
      here_doc_body(doc, depth);
    }
  }

  /// True (and past it) when the line at i_ is the delimiter line.
  bool delimiter_line(const PendingHereDoc& doc) {
    std::size_t j = i_;
    if (doc.strip_tabs)
      while (j < in_.size() && !in_.is_ref(j) && in_.byte(j) == '\t') ++j;
    std::size_t k = 0;
    while (k < doc.delimiter.size() && j < in_.size() && !in_.is_ref(j) && in_.byte(j) == doc.delimiter[k]) {
      ++j;
      ++k;
    }
    if (k != doc.delimiter.size()) return false;
    if (j < in_.size() && (in_.is_ref(j) || in_.byte(j) != '\n')) return false;
    i_ = j < in_.size() ? j + 1 : j;
    return true;
  }

  void here_doc_body(const PendingHereDoc& doc, int depth) {
    bool line_start = true;
    while (!at_end() && !failed()) {
      if (line_start && delimiter_line(doc)) return;
      line_start = false;
      if (ref()) {
        if (doc.quoted) {
          fail(i_, "a template in a here-document with a quoted delimiter is never expanded");
          return;
        }
        record(ShContext::HereDoc);
        continue;
      }
      const char c = in_.byte(i_);
      if (c == '\n') {
        ++i_;
        line_start = true;
      } else if (doc.quoted) {
        ++i_;
      } else if (c == '\\') {
        if (escape_is_ref()) return;
        i_ += 2;
      } else if (c == '`') {
        if (!enter(depth, i_)) return;
        ++i_;
        unquoted(Until::Backtick, depth + 1);
      } else if (c == '$') {
        dollar(false, depth);
      } else {
        ++i_;
      }
    }
    // A body that runs to the end of the script is accepted by sh (with a
    // warning), so it is no error here.
  }

  const ShInput& in_;
  std::size_t i_ = 0;
  std::deque<PendingHereDoc> pending_;
  ShScan result_;
};

}  // namespace

ShScan lex_sh(const ShInput& input) { return Lexer(input).run(); }

}  // namespace sluice::detail
