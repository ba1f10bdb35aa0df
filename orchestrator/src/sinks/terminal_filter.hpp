/// Neutralises terminal control sequences in task output, so that a task
/// cannot forge sluice's lines (SPEC §4), retitle the terminal, write the
/// clipboard (OSC 52), move the cursor over the status line or send
/// device-control strings.
/// Kept: SGR colours and styles (ESC [ params m) when the caller asks (the
/// console's colour is on), and every byte that is not a control.
/// Dropped: OSC (ESC ]), DCS (ESC P), SOS/PM/APC (ESC X, ESC ^, ESC _) up to
/// their terminator (BEL or ESC \\) or the end of the line, CSI sequences
/// other than SGR (and SGR too unless kept), every other escape with its
/// next byte, and the C1 controls U+0080..U+009F (UTF-8 C2 80..C2 9F), which
/// some terminals treat as 8-bit CSI/OSC. Raw 8-bit C1 bytes (0x80..0x9F
/// outside a valid UTF-8 sequence) are handled like their 7-bit forms: 0x9B
/// like ESC [ (a kept SGR is written as ESC [), 0x9D/0x90/0x98/0x9E/0x9F like
/// OSC/DCS/SOS/PM/APC (also ended by 0x9C), any other alone is dropped.
/// Carriage returns: each line shows what follows its last '\r', as a
/// terminal would after the overwrite (so a task cannot print over the
/// console's prefix); '\r' right before the end of the line (CRLF) is
/// dropped.
///
/// Stateless per call; works line by line, and the console calls it per
/// whole line or batch of lines: a sequence cut across lines loses its ESC,
/// so its rest shows as harmless text.
#pragma once

#include <string_view>

#include "sinks/byte_buffer.hpp"

namespace sluice::detail {

/// Appends `text` to `out` with control sequences removed, SGR ones too
/// unless `keep_sgr`.
void append_neutralised(ByteBuffer& out, std::string_view text, bool keep_sgr);

/// False when append_neutralised would copy `text` unchanged for sure (no
/// ESC, no '\r', no byte in 0x80..0x9F): the fast path.
bool needs_neutralising(std::string_view text);

}  // namespace sluice::detail
