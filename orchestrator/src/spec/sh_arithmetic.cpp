/// The sh lexer's words and arithmetic (see sh_lexer_state.hpp): which
/// references stand where a shell evaluates text as an arithmetic
/// expression (template.hpp, ShScan::arithmetic). `let` and `[[ ]]` are
/// found by following the words of each command.
#include <array>
#include <string_view>

#include "spec/sh_lexer_state.hpp"

namespace sluice::detail::sh {

namespace {

/// Words after which a command name stands again.
bool is_reserved_word(std::string_view w) {
  static constexpr std::array<std::string_view, 10> kWords = {
      "if", "then", "else", "elif", "do", "while", "until", "!", "{", "time"};
  for (std::string_view k : kWords)
    if (k == w) return true;
  return false;
}

/// `[[ ]]` operators whose operands bash evaluates as arithmetic.
bool is_arithmetic_test(std::string_view w) {
  return w == "-eq" || w == "-ne" || w == "-lt" || w == "-le" || w == "-gt" || w == "-ge";
}

bool is_name_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

void Lexer::record(ShContext context) {
  if (words_ != nullptr) {
    words_->refs.push_back(result_.contexts.size());
    words_->any = true;
    words_->plain = false;
  }
  result_.contexts.push_back(context);
  result_.arithmetic.push_back(arith_ > 0 || let_ ? 1 : 0);
  ++i_;
}

void Lexer::mark_arithmetic(const std::vector<std::size_t>& refs) {
  for (std::size_t r : refs) result_.arithmetic[r] = 1;
}

/// The current word has a quote, expansion or escape: not a plain word.
void Lexer::word_part() {
  if (words_ == nullptr) return;
  words_->any = true;
  words_->plain = false;
}

/// Ends the current word: it may start or end `let` and `[[ ]]`, or be an
/// operand of an arithmetic test.
void Lexer::end_word() {
  Words& w = *words_;
  if (!w.any) return;
  if (w.condition) {
    if (w.plain && w.text == "]]") {
      w.condition = false;
      w.command_start = false;
    } else if (w.plain && is_arithmetic_test(w.text)) {
      mark_arithmetic(w.previous);
      w.mark_next = true;
    } else {
      if (w.mark_next) mark_arithmetic(w.refs);
      w.mark_next = false;
    }
    w.previous = w.refs;
  } else if (w.command_start && w.plain && w.text == "[[") {
    w.condition = true;
    w.mark_next = false;
    w.previous.clear();
    w.command_start = false;
  } else if (w.command_start && w.plain && w.text == "let") {
    let_ = true;
    w.command_start = false;
  } else {
    w.command_start = w.command_start && w.plain && is_reserved_word(w.text);
  }
  w.text.clear();
  w.plain = true;
  w.any = false;
  w.refs.clear();
}

/// At a `;`, `&`, `|`, `(`, `)` or newline: outside `[[ ]]` a new command starts.
void Lexer::end_command() {
  end_word();
  if (words_->condition) return;
  words_->command_start = true;
  let_ = false;
}

/// ${...} after the `${`. Quotes nest; single quotes quote only when the
/// expansion itself is unquoted, as in sh.
/// After the name, a subscript (`${a[i]}`) and a substring offset and
/// length (`${s:i:n}`, not `${s:-x}` and the like) are arithmetic.
void Lexer::parameter(std::size_t open, bool unquoted_outside, int depth) {
  if (peek() == '#' || peek() == '!') ++i_;
  const std::size_t name = i_;
  while (is_name_byte(peek())) ++i_;
  if (i_ == name && peek() != '\0' && std::string_view("@*?$-#!").find(peek()) != std::string_view::npos) ++i_;
  if (peek() == '[') {
    ++i_;
    arithmetic(open, Close::Bracket, ShContext::Unquoted, "unterminated '${'", depth);
  }
  int offset = 0;
  if (peek() == ':' && std::string_view("-=?+").find(peek(1)) == std::string_view::npos) offset = 1;
  arith_ += offset;
  parameter_rest(open, unquoted_outside, depth);
  arith_ -= offset;
}

void Lexer::parameter_rest(std::size_t open, bool unquoted_outside, int depth) {
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

/// Arithmetic after its opening (`$((`, `((`, `$[`, a subscript's `[`):
/// ends at the `))` or `]` that balances it. References in it record
/// `context` and count as arithmetic.
void Lexer::arithmetic(std::size_t open, Close close, ShContext context, const char* unterminated,
                       int depth) {
  const char up = close == Close::DoubleParen ? '(' : '[';
  const char down = close == Close::DoubleParen ? ')' : ']';
  ++arith_;
  int nested = 0;
  bool closed = false;
  while (!at_end() && !failed() && !closed) {
    if (ref()) {
      record(context);
      continue;
    }
    const char c = in_.byte(i_);
    if (c == up) {
      ++nested;
      ++i_;
    } else if (c == down) {
      if (nested == 0 && (close == Close::Bracket || peek(1) == ')')) {
        i_ += close == Close::Bracket ? 1 : 2;
        closed = true;
      } else {
        --nested;
        ++i_;
      }
    } else if (c == '\\') {
      if (escape_is_ref()) break;
      i_ += 2;
    } else if (c == '"') {
      double_quoted(depth);
    } else if (c == '\'') {
      single_quoted(ShContext::SingleQuoted);
    } else if (c == '`') {
      ++i_;
      unquoted(Until::Backtick, depth);
    } else if (c == '$') {
      dollar(false, depth);
    } else {
      ++i_;
    }
  }
  --arith_;
  if (!closed && !failed()) fail(open, unterminated);
}

}  // namespace sluice::detail::sh
