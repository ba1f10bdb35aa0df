/// A Diagnostic is one problem found in a pipeline file, located like a
/// compiler error: file, 1-based line and column (columns count characters,
/// not bytes), the key path (`tasks.fetch.retry.limit`) and what was expected.
/// Loading returns all of them, never just the first. Plain data: any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

struct Diagnostic {
  std::string file;         ///< as the user named it (relative paths stay relative)
  int line = 0;             ///< 1-based; 0 when the problem has no place in a file
  int column = 0;           ///< 1-based, in characters
  std::string path;         ///< key path, e.g. `tasks.count.needs[0]`; may be empty
  std::string message;      ///< e.g. `unknown task 'fetc'`
  std::string hint;         ///< e.g. `did you mean 'fetch'?`; may be empty
  std::string source_line;  ///< the text of `line`, without its newline; may be empty
  /// Other places the problem involves (the first definition of a duplicate
  /// key, the other declaration of an output), rendered as `file:line:col: note: ...`.
  struct Note {
    std::string file;
    int line = 0;
    int column = 0;
    std::string message;
  };
  std::vector<Note> notes;
};

/// `file:line:col: path: message (hint)` — the first line of a rendering.
std::string format_headline(const Diagnostic& d);

/// The headline, then the source line and a caret under the column, then the
/// notes. Ends with a newline.
std::string format(const Diagnostic& d);

/// Every diagnostic, formatted, in order.
std::string format(const std::vector<Diagnostic>& ds);

/// The candidate a misspelt `word` most likely meant, if one is close enough
/// to suggest (the "did you mean" of every diagnostic; ASCII letters compare
/// without regard to case). Never `word` itself.
std::optional<std::string> closest_name(std::string_view word,
                                        const std::vector<std::string_view>& candidates);

}  // namespace sluice
