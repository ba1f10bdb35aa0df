/// The `$SLUICE_OUTPUT` file a task writes (as GitHub Actions' GITHUB_OUTPUT):
/// `KEY=VALUE` lines, or `KEY<<DELIM` followed by lines up to a line that is
/// exactly DELIM for a multi-line value. KEY is what a template can name
/// (`${{ tasks.X.outputs.KEY }}`): letters, digits, '_' and '-'. Blank lines
/// are skipped; a `\r` before a newline is dropped. Any other line is an
/// error that names its line number, so a mistake (`echo "url = x"`, a
/// heredoc without its closing line) fails the task instead of dropping the
/// value silently. Later keys win when the engine stores them. Pure; any
/// thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::detail {

struct OutputFile {
  std::vector<std::pair<std::string, std::string>> values;
  /// "line 3: expected KEY=VALUE or KEY<<DELIMITER, got 'bogus'"; empty: none.
  std::string error;
};

OutputFile parse_output_file(std::string_view text);

}  // namespace sluice::detail
