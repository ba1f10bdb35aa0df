/// dotenv files (`KEY=VALUE` lines) as used by docker compose and go-task:
/// `#` comment lines, blank lines, an optional `export ` prefix, values
/// optionally in single quotes (taken literally) or double quotes (`\n`,
/// `\"`, `\\` escapes); an unquoted value ends at ` #` (an inline comment)
/// and is trimmed. Pure parsing of text already read; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::detail {

struct DotenvError {
  std::uint32_t line = 0;  ///< 1-based
  std::string message;
};

struct Dotenv {
  std::vector<std::pair<std::string, std::string>>
      entries;  ///< file order; a later duplicate wins when merged
  std::vector<DotenvError> errors;
};

Dotenv parse_dotenv(std::string_view text);

}  // namespace sluice::detail
