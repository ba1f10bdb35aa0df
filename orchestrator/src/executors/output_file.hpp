/// The `$SLUICE_OUTPUT` file a task writes (as GitHub Actions' GITHUB_OUTPUT):
/// `KEY=VALUE` lines, or `KEY<<DELIM` followed by lines up to a line that is
/// exactly DELIM for a multi-line value. Blank lines are skipped; a line that
/// is neither form is ignored. Later keys win when the engine stores them.
/// Pure; any thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::detail {

std::vector<std::pair<std::string, std::string>> parse_output_file(std::string_view text);

}  // namespace sluice::detail
