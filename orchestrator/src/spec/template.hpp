/// Templates: `${{ scope.name }}` references in pipeline text (SPEC §1.3).
///
/// parse_template() splits text into literal pieces and references, so the
/// loader can substitute what it knows (vars, matrix, env, task, pipeline) and
/// keep `tasks.NAME.outputs.KEY` for run time. `$${{` is a literal `${{`.
/// Substituted text is never scanned again, so a value holding `${{` stays as
/// it is and no expansion can loop or grow without bound.
///
/// rewrite_script() turns a `run:` script into one whose text never contains a
/// value: each reference becomes `SLUICE_V_n`, written for the quoting context
/// a real sh lexer finds it in. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::detail {

struct TemplateRef {
  std::string scope;  ///< "vars", "matrix", "env", "task", "pipeline", "tasks"
  std::vector<std::string> path;  ///< the dotted parts after the scope: {"out"}, {"fetch","outputs","url"}
  std::uint32_t offset = 0;  ///< byte offset of `${{` in the source text
  std::uint32_t length = 0;  ///< bytes up to and including `}}`
};

struct TemplatePiece {
  bool is_ref = false;
  std::string text;  ///< literal text (with `$${{` already turned into `${{`); for a
                     ///< reference, its spelling in the source (for messages only)
  TemplateRef ref;
  std::uint32_t offset = 0;  ///< byte offset in the source of this piece's first byte.
                             ///< A literal piece maps byte for byte onto the source,
                             ///< except one that is the `${{` of a `$${{` escape.
};

struct TemplateError {
  std::uint32_t offset = 0;  ///< byte offset in the source text
  std::string message;       ///< e.g. "unterminated '${{'", "unknown scope 'foo'"
};

struct ParsedTemplate {
  std::vector<TemplatePiece> pieces;
  std::vector<TemplateError> errors;
};

/// Splits `text` in one pass. Syntax: `${{ SCOPE.NAME }}` (blanks inside the
/// braces optional); SCOPE is vars, matrix, env, task, pipeline or tasks; NAME
/// is `[A-Za-z0-9_.-]+` and becomes path {NAME}. For tasks the form is
/// `tasks.NAME.outputs.KEY` -> path {NAME, "outputs", KEY}, where NAME may hold
/// dots and the `[]=,` of a matrix task name (`tasks.build[os=linux].outputs.k`),
/// or be written in double quotes with `\"` and `\\` escapes for anything else
/// (`tasks."build[tag=a b]".outputs.k`). Which names exist is the loader's
/// question. Error offsets point at the problem: `${{` for an unterminated or
/// empty reference, the scope for an unknown scope, the bad byte otherwise.
/// Parsing continues after an error, so all errors of a text are reported.
ParsedTemplate parse_template(std::string_view text);

/// Resolves what `value_of` knows: each reference for which it returns a value
/// becomes literal text (merged with its neighbours); the others stay
/// references. The values are never parsed, so text holding `${{` stays as it
/// is: this is how the loader substitutes vars/matrix/env/task/pipeline at
/// load time and keeps `tasks.*` for run time without ever rescanning.
ParsedTemplate substitute(const ParsedTemplate& parsed,
                          const std::function<std::optional<std::string>(const TemplateRef&)>& value_of);

/// The literal text of a template without references (references, if any,
/// contribute their source spelling).
std::string join_literal(const ParsedTemplate& parsed);

/// How a reference stands in a sh script.
/// DollarSingleQuoted is inside bash/ksh `$'...'` (dash 0.5.12 has no such
/// quotes; there `$'` is a `$` and a single quote, so it does not arise).
/// A reference inside `${...}` (as in `${x:-${{ vars.d }}}`) is Unquoted: the
/// quoted spelling keeps the value from being split or read as a pattern.
enum class ShContext : std::uint8_t {
  Unquoted,
  SingleQuoted,
  DoubleQuoted,
  Arithmetic,
  HereDoc,
  DollarSingleQuoted,
};

/// For each reference of `script` (in order), the sh context it stands in,
/// found by a small POSIX sh lexer (quotes, backslashes, `$(...)`, backquotes,
/// `${...}`, `$((...))`, comments, here-documents). Errors (the first one
/// only; `contexts` is then incomplete): an unterminated quote or
/// substitution, a reference in a here-document with a quoted delimiter or in
/// a here-document delimiter, a reference right after a backslash.
/// Known limit: a `case` pattern's `)` inside `$(...)` ends the substitution
/// early, as in old shells; write `(pattern)`. A wrong context can only make
/// a value print inexactly, never run: values are never in the script text.
/// `arithmetic[i]` tells whether reference i stands where a shell evaluates
/// a variable's text as an arithmetic expression (SPEC §1.3): in `$(( ))`,
/// `$[ ]`, `(( ))`, the arguments of `let`, an operand of `-eq`, `-lt`, ...
/// in `[[ ]]`, an array subscript `${a[...]}` or a substring offset
/// `${s:off:len}`. bash evaluates such text, array subscripts included, so a
/// value there must be an integer. Treated so in any shell: `sh` may be bash.
/// A `$(...)` inside such a place starts a new command: not arithmetic.
struct ShScan {
  std::vector<ShContext> contexts;
  std::vector<std::uint8_t> arithmetic;  ///< parallel to contexts: 1 = in shell arithmetic
  std::optional<TemplateError> error;
};
ShScan scan_sh_contexts(const ParsedTemplate& script);

/// The script text with reference i replaced by the spelling of
/// `${<names[i]>}` that yields its value exactly in contexts[i]:
/// unquoted `"${N}"`, single-quoted `'"${N}"'`, `$'...'` `'"${N}"$'`,
/// otherwise `${N}`.
std::string rewrite_script(const ParsedTemplate& script, const std::vector<ShContext>& contexts,
                           const std::vector<std::string>& names);

}  // namespace sluice::detail
