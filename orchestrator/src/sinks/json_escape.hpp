/// A fast JSON string writer for the event stream, whose task_output volume
/// can be large. Writes a quoted JSON string: `"` and `\` escaped, control
/// characters as \b \f \n \r \t or \u00XX, valid UTF-8 copied as is, and
/// each maximal invalid UTF-8 subpart (Unicode's "best practice", as in
/// WHATWG decoders) replaced by U+FFFD. Overlong forms, surrogates and code
/// points past U+10FFFF are invalid. Pure function.
#pragma once

#include <string_view>

#include "sinks/byte_buffer.hpp"

namespace sluice::detail {

void append_json_string(ByteBuffer& out, std::string_view s);

}  // namespace sluice::detail
