// Rendering of diagnostics, compiler style (see diagnostic.hpp).
#include "sluice/diagnostic.hpp"

#include <string>

#include "spec/suggest.hpp"

namespace sluice {

std::string format_headline(const Diagnostic& d) {
  std::string out = d.file.empty() ? std::string("<input>") : d.file;
  if (d.line > 0) {
    out += ':' + std::to_string(d.line) + ':' + std::to_string(d.column > 0 ? d.column : 1);
  }
  out += ": ";
  if (!d.path.empty()) out += d.path + ": ";
  out += d.message;
  if (!d.hint.empty()) out += " (" + d.hint + ")";
  return out;
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
    out += "  " + d.source_line + '\n';
    out += "  " + caret_line(d.source_line, d.column > 0 ? d.column : 1) + '\n';
  }
  for (const auto& n : d.notes) {
    out += (n.file.empty() ? std::string("<input>") : n.file);
    if (n.line > 0) out += ':' + std::to_string(n.line) + ':' + std::to_string(n.column);
    out += ": note: " + n.message + '\n';
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
