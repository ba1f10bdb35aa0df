/// Recursive descent over the nesting that sh quoting allows. Each function
/// lexes one construct from just after its opening to just after its end, so
/// every byte is read once, and here-document bodies are read where sh reads
/// them: after the newline that ends the line of their `<<`. Beside quoting
/// it tells which references stand in shell arithmetic (template.hpp,
/// ShScan): for `let` and `[[ ]]` it follows the words of each command.
#include "spec/sh_lexer.hpp"

#include <array>
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

/// Where an arithmetic stretch ends: `$((`/`((` at the `))` that balances
/// them, `$[` and an array subscript at the balancing `]`.
enum class Close : std::uint8_t { DoubleParen, Bracket };

/// The words of the commands one unquoted() call lexes, as far as arithmetic
/// needs them: `let` and `[[` are recognised where a command name stands.
struct Words {
  std::string text;               // the current word, while it is plain
  bool plain = true;              // no quote, expansion, escape or reference in it
  bool any = false;               // the current word has begun
  std::vector<std::size_t> refs;  // references in the current word
  bool command_start = true;      // the next word is a command name
  bool condition = false;         // inside [[ ... ]]
  bool mark_next = false;         // the next word is an operand of -eq, -lt, ...
  std::vector<std::size_t> previous;  // references of the previous word in [[ ]]
};

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
    if (words_ != nullptr) {
      words_->refs.push_back(result_.contexts.size());
      words_->any = true;
      words_->plain = false;
    }
    result_.contexts.push_back(context);
    result_.arithmetic.push_back(arith_ > 0 || let_ ? 1 : 0);
    ++i_;
  }

  void mark_arithmetic(const std::vector<std::size_t>& refs) {
    for (std::size_t r : refs) result_.arithmetic[r] = 1;
  }

  /// The current word has a quote, expansion or escape: not a plain word.
  void word_part() {
    if (words_ == nullptr) return;
    words_->any = true;
    words_->plain = false;
  }

  /// Ends the current word: it may start or end `let` and `[[ ]]`, or be an
  /// operand of an arithmetic test.
  void end_word() {
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
  void end_command() {
    end_word();
    if (words_->condition) return;
    words_->command_start = true;
    let_ = false;
  }

  /// A new command context (the top level, `$(...)`, backquotes): its own
  /// words, and no arithmetic inherited from around it. Restores on exit.
  class CommandScope {
   public:
    explicit CommandScope(Lexer& lx) : lx_(lx), words_(lx.words_), arith_(lx.arith_), let_(lx.let_) {
      lx.words_ = &own_;
      lx.arith_ = 0;
      lx.let_ = false;
    }
    ~CommandScope() {
      lx_.words_ = words_;
      lx_.arith_ = arith_;
      lx_.let_ = let_;
    }
    CommandScope(const CommandScope&) = delete;
    CommandScope& operator=(const CommandScope&) = delete;

   private:
    Lexer& lx_;
    Words own_;
    Words* words_;
    int arith_;
    bool let_;
  };

  /// References inside (comments, here-document bodies) that belong to no word.
  class NoWords {
   public:
    explicit NoWords(Lexer& lx) : lx_(lx), words_(lx.words_) { lx.words_ = nullptr; }
    ~NoWords() { lx_.words_ = words_; }
    NoWords(const NoWords&) = delete;
    NoWords& operator=(const NoWords&) = delete;

   private:
    Lexer& lx_;
    Words* words_;
  };

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

  /// ${...} after the `${`. Quotes nest; single quotes quote only when the
  /// expansion itself is unquoted, as in sh.
  /// After the name, a subscript (`${a[i]}`) and a substring offset and
  /// length (`${s:i:n}`, not `${s:-x}` and the like) are arithmetic.
  void parameter(std::size_t open, bool unquoted_outside, int depth) {
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

  void parameter_rest(std::size_t open, bool unquoted_outside, int depth) {
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
  void arithmetic(std::size_t open, Close close, ShContext context, const char* unterminated,
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

  void comment() {
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
    NoWords none(*this);
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
  Words* words_ = nullptr;  // the innermost command context's words
  int arith_ = 0;           // > 0 inside arithmetic
  bool let_ = false;        // in the arguments of `let`
};

}  // namespace

ShScan lex_sh(const ShInput& input) { return Lexer(input).run(); }

}  // namespace sluice::detail
