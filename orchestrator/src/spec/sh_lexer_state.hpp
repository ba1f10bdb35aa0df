/// The sh lexer behind lex_sh() (sh_lexer.hpp): its state and its steps.
/// Quoting, substitutions and here-documents are lexed in sh_lexer.cpp;
/// the words of commands (`let`, `[[ ]]`), arithmetic and parameter
/// expansions in sh_arithmetic.cpp. Private to those two files.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "spec/sh_lexer.hpp"

namespace sluice::detail::sh {

/// Deeper nesting than this is not a script a person wrote; refusing it keeps
/// the recursion off the end of the stack.
inline constexpr int kMaxDepth = 200;

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

/// One lex of one script; each step lexes one construct from just after its
/// opening to just after its end.
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
  static bool is_blank(char c) { return c == ' ' || c == '\t'; }
  static bool is_operator(char c) {
    return c == ';' || c == '&' || c == '|' || c == '<' || c == '>' || c == '(' || c == ')';
  }

  // sh_lexer.cpp
  void fail(std::size_t at, std::string message);
  bool escape_is_ref();
  bool enter(int depth, std::size_t at);
  void unquoted(Until until, int depth);
  void single_quoted(ShContext context);
  void double_quoted(int depth);
  void dollar(bool unquoted_outside, int depth);
  void comment();
  void here_doc_operator();
  void quoted_delimiter_part(char quote, std::string& delimiter);
  void here_doc_bodies(int depth);
  bool delimiter_line(const PendingHereDoc& doc);
  void here_doc_body(const PendingHereDoc& doc, int depth);

  // sh_arithmetic.cpp
  void record(ShContext context);
  void mark_arithmetic(const std::vector<std::size_t>& refs);
  void word_part();
  void end_word();
  void end_command();
  void parameter(std::size_t open, bool unquoted_outside, int depth);
  void parameter_rest(std::size_t open, bool unquoted_outside, int depth);
  void arithmetic(std::size_t open, Close close, ShContext context, const char* unterminated,
                  int depth);

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

  const ShInput& in_;
  std::size_t i_ = 0;
  std::deque<PendingHereDoc> pending_;
  ShScan result_;
  Words* words_ = nullptr;  // the innermost command context's words
  int arith_ = 0;           // > 0 inside arithmetic
  bool let_ = false;        // in the arguments of `let`
};

}  // namespace sluice::detail::sh
