/// Recursive descent over the nesting that sh quoting allows (the state is
/// sh_lexer_state.hpp). Each step lexes one construct from just after its
/// opening to just after its end, so every byte is read once, and
/// here-document bodies are read where sh reads them: after the newline that
/// ends the line of their `<<`.
#include "spec/sh_lexer.hpp"

#include "spec/sh_lexer_state.hpp"

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

ShScan lex_sh(const ShInput& input) { return sh::Lexer(input).run(); }

namespace sh {

void Lexer::fail(std::size_t at, std::string message) {
  if (failed()) return;
  const std::uint32_t offset = at < in_.size() ? in_.source_offset(at)
                               : in_.size() == 0 ? 0
                                                 : in_.source_offset(in_.size() - 1) + 1;
  result_.error = TemplateError{offset, std::move(message)};
}

/// A backslash escapes the next byte. A reference there is refused: the
/// backslash would quote the first character of its rewritten spelling.
bool Lexer::escape_is_ref() {
  if (i_ + 1 < in_.size() && in_.is_ref(i_ + 1)) {
    fail(i_ + 1, "a template cannot follow a backslash (the backslash would quote part of it)");
    return true;
  }
  return false;
}

bool Lexer::enter(int depth, std::size_t at) {
  if (depth < kMaxDepth) return true;
  fail(at, "script nested too deeply to find template contexts");
  return false;
}

/// Unquoted text: the top level, inside $(...) or inside `...`.
void Lexer::unquoted(Until until, int depth) {
  CommandScope scope(*this);
  const std::size_t open = i_ == 0 ? 0 : i_ - 1;
  int parens = 0;
  while (!at_end() && !failed()) {
    if (ref()) {
      record(ShContext::Unquoted);
      continue;
    }
    const char c = in_.byte(i_);
    if (c == '\\') {
      if (escape_is_ref()) return;
      word_part();
      i_ += 2;
    } else if (c == '\'') {
      word_part();
      single_quoted(ShContext::SingleQuoted);
    } else if (c == '"') {
      if (!enter(depth, i_)) return;
      word_part();
      double_quoted(depth + 1);
    } else if (c == '`') {
      if (until == Until::Backtick) {
        ++i_;
        end_word();
        return;
      }
      if (!enter(depth, i_)) return;
      word_part();
      ++i_;
      unquoted(Until::Backtick, depth + 1);
    } else if (c == '$') {
      word_part();
      dollar(true, depth);
    } else if (c == '#' && !words_->any) {
      comment();
    } else if (c == '\n') {
      ++i_;
      end_command();
      here_doc_bodies(depth);
    } else if (c == '<' && peek(1) == '<' && peek(2) == '<') {
      end_word();
      i_ += 3;  // bash's here-string: an operator, not a here-document
    } else if (c == '<' && peek(1) == '<') {
      end_word();
      here_doc_operator();
    } else if (c == '(' && peek(1) == '(' && words_->command_start && !words_->any) {
      // bash's arithmetic command (in a POSIX sh two subshells, whose
      // references then need integers too: harmless).
      if (!enter(depth, i_)) return;
      const std::size_t at = i_;
      i_ += 2;
      arithmetic(at, Close::DoubleParen, ShContext::Arithmetic, "unterminated '(('", depth + 1);
      words_->command_start = false;
    } else if (c == '(' || c == ')') {
      end_command();
      ++i_;
      if (until == Until::Paren && c == '(') ++parens;
      if (until == Until::Paren && c == ')' && parens-- == 0) return;
    } else if (c == ';' || c == '&' || c == '|') {
      end_command();
      ++i_;
    } else if (is_blank(c) || c == '<' || c == '>') {
      end_word();
      ++i_;
    } else {
      if (words_->plain) words_->text += c;
      words_->any = true;
      ++i_;
    }
  }
  end_word();
  if (until == Until::Paren) fail(open - 1, "unterminated '$('");
  if (until == Until::Backtick) fail(open, "unterminated '`'");
}

/// '...' and $'...': everything up to the closing quote (in $'...' a
/// backslash escapes it).
void Lexer::single_quoted(ShContext context) {
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
void Lexer::double_quoted(int depth) {
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
void Lexer::dollar(bool unquoted_outside, int depth) {
  const std::size_t at = i_;
  if (!enter(depth, at)) return;
  const char next = peek(1);
  if (next == '(' && peek(2) == '(') {
    i_ += 3;
    arithmetic(at, Close::DoubleParen, ShContext::Arithmetic, "unterminated '$(('", depth + 1);
  } else if (next == '[') {
    i_ += 2;  // bash's old `$[ ... ]`
    arithmetic(at, Close::Bracket, ShContext::Arithmetic, "unterminated '$['", depth + 1);
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

void Lexer::comment() {
  NoWords none(*this);
  while (!at_end() && (ref() || in_.byte(i_) != '\n')) {
    if (ref()) {
      record(ShContext::Unquoted);  // harmless: a comment is never run
    } else {
      ++i_;
    }
  }
}

/// At `<<`: reads `-`, blanks and the delimiter word, and queues the body.
void Lexer::here_doc_operator() {
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

void Lexer::quoted_delimiter_part(char quote, std::string& delimiter) {
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
void Lexer::here_doc_bodies(int depth) {
  NoWords none(*this);
  while (!pending_.empty() && !failed()) {
    const PendingHereDoc doc = std::move(pending_.front());
    pending_.pop_front();
    here_doc_body(doc, depth);
  }
}

/// True (and past it) when the line at i_ is the delimiter line.
bool Lexer::delimiter_line(const PendingHereDoc& doc) {
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

void Lexer::here_doc_body(const PendingHereDoc& doc, int depth) {
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

}  // namespace sh
}  // namespace sluice::detail
