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
  std::string text;  ///< literal text (with `$${{` already turned into `${{`)
  TemplateRef ref;
};

struct TemplateError {
  std::uint32_t offset = 0;  ///< byte offset in the source text
  std::string message;       ///< e.g. "unterminated '${{'", "unknown scope 'foo'"
};

struct ParsedTemplate {
  std::vector<TemplatePiece> pieces;
  std::vector<TemplateError> errors;
};

ParsedTemplate parse_template(std::string_view text);

/// How a reference stands in a sh script.
enum class ShContext : std::uint8_t { Unquoted, SingleQuoted, DoubleQuoted, Arithmetic, HereDoc };

/// For each reference of `script` (in order), the sh context it stands in.
/// Errors when the script cannot be lexed (an unterminated quote).
struct ShScan {
  std::vector<ShContext> contexts;
  std::optional<TemplateError> error;
};
ShScan scan_sh_contexts(const ParsedTemplate& script);

/// The script text with reference i replaced by the spelling of
/// `${<names[i]>}` that yields its value exactly in contexts[i]:
/// unquoted `"${N}"`, single-quoted `'"${N}"'`, otherwise `${N}`.
std::string rewrite_script(const ParsedTemplate& script, const std::vector<ShContext>& contexts,
                           const std::vector<std::string>& names);

}  // namespace sluice::detail
