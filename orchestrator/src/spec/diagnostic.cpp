// Rendering of diagnostics, compiler style (see diagnostic.hpp).
#include "sluice/diagnostic.hpp"

#include <string>
#include <string_view>

#include "spec/suggest.hpp"

namespace sluice {

namespace {

// Control characters from the file (a NUL, an escape sequence, a carriage
// return) would end the text early or act on the terminal: they are shown
// as their Unicode control pictures (U+2400...), one character each, so the
// caret still lines up. Tabs stay.
std::string visible(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      out += "\xE2\x90";
      out += static_cast<char>(c == 0x7f ? 0xA1 : 0x80 + c);
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace

std::string format_headline(const Diagnostic& d) {
  std::string out = d.file.empty() ? std::string("<input>") : d.file;
  if (d.line > 0) {
    out += ':' + std::to_string(d.line) + ':' + std::to_string(d.column > 0 ? d.column : 1);
  }
  out += ": ";
  if (!d.path.empty()) out += d.path + ": ";
  out += d.message;
  if (!d.hint.empty()) out += " (" + d.hint + ")";
  return visible(out);
}

namespace {

// The caret must sit under the column-th character; a tab in the source line
// is kept as a tab in the padding so that terminals line the two up.
std::string caret_line(const std::string& source, int column) {
  std::string pad;
  int seen = 0;
  for (size_t i = 0; i < source.size() && seen < column - 1; ++i) {
    unsigned char c = static_cast<unsigned char>(source[i]);
    if ((c & 0xC0) == 0x80) continue;  // UTF-8 continuation byte: same character
    pad += (c == '\t') ? '\t' : ' ';
    ++seen;
  }
  while (seen < column - 1) {
    pad += ' ';
    ++seen;
  }
  return pad + '^';
}

}  // namespace

std::string format(const Diagnostic& d) {
  std::string out = format_headline(d) + '\n';
  if (d.line > 0 && !d.source_line.empty()) {
    const std::string line = visible(d.source_line);
    out += "  " + line + '\n';
    out += "  " + caret_line(line, d.column > 0 ? d.column : 1) + '\n';
  }
  for (const auto& n : d.notes) {
    out += (n.file.empty() ? std::string("<input>") : n.file);
    if (n.line > 0) out += ':' + std::to_string(n.line) + ':' + std::to_string(n.column);
    out += ": note: " + visible(n.message) + '\n';
  }
  return out;
}

std::string format(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) out += format(d);
  return out;
}

std::optional<std::string> closest_name(std::string_view word,
                                        const std::vector<std::string_view>& candidates) {
  return detail::closest(word, candidates);
}

}  // namespace sluice
