// Typed reads and diagnostics (see field_reader.hpp).
#include "spec/field_reader.hpp"

#include <algorithm>
#include <limits>

#include "spec/core_scalars.hpp"
#include "spec/suggest.hpp"
#include "spec/utf8.hpp"

namespace sluice::detail {

std::string kind_name(const YamlTree& t, NodeId n) {
  const YamlNode& nd = t.node(n);
  switch (nd.kind) {
    case Kind::Null:
      return "null";
    case Kind::Sequence:
      return "a list";
    case Kind::Map:
      return "a map";
    case Kind::Scalar:
      break;
  }
  return "'" + std::string(t.scalar(n)) + "'";
}

// ---- diagnostics

void FieldReader::error_at(std::uint32_t u, std::uint32_t line, std::uint32_t col, std::string path,
                           std::string message, std::string hint) {
  Diagnostic d;
  d.file = units_[u]->display;
  d.line = static_cast<int>(line);
  d.column = static_cast<int>(col);
  d.path = std::move(path);
  d.message = std::move(message);
  d.hint = std::move(hint);
  if (line > 0) d.source_line = std::string(units_[u]->tree.source_line(line));
  diags_.push_back(std::move(d));
}

void FieldReader::error(std::uint32_t u, NodeId n, std::string path, std::string message,
                        std::string hint) {
  const YamlNode& nd = tree(u).node(n);
  error_at(u, nd.line, nd.column, std::move(path), std::move(message), std::move(hint));
}

void FieldReader::defined_twice(std::uint32_t u, NodeId n, std::string path, std::string message,
                                const SourcePos& first) {
  error(u, n, std::move(path), std::move(message));
  diags_.back().notes.push_back({units_[first.file]->display, static_cast<int>(first.line),
                                 static_cast<int>(first.column), "first defined here"});
}

std::string FieldReader::did_you_mean(std::string_view word,
                                      const std::vector<std::string_view>& candidates) {
  auto best = closest(word, candidates);
  return best ? "did you mean '" + *best + "'?" : std::string();
}

void FieldReader::unknown_key(std::uint32_t u, NodeId key, const std::string& parent_path,
                              const std::vector<std::string_view>& known) {
  const YamlTree& t = tree(u);
  std::string name =
      t.node(key).kind == Kind::Scalar ? std::string(t.scalar(key)) : kind_name(t, key);
  std::string path = parent_path.empty() ? name : parent_path + "." + name;
  error(u, key, path, "unknown key '" + name + "'", did_you_mean(name, known));
}

SourcePos FieldReader::pos_of(std::uint32_t u, NodeId n) const {
  const YamlNode& nd = tree(u).node(n);
  return SourcePos{u, nd.line, nd.column};
}

SourcePos FieldReader::pos_in_scalar(std::uint32_t u, NodeId n, std::string_view text,
                                     std::uint32_t offset) const {
  const YamlTree& t = tree(u);
  const YamlNode& nd = t.node(n);
  offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(text.size()));
  std::string_view before = text.substr(0, offset);
  std::size_t newlines = std::count(before.begin(), before.end(), '\n');
  std::string_view src = t.source_line(nd.line);
  std::size_t start_byte = 0;
  {
    std::size_t chars = 0;
    while (start_byte < src.size() && chars + 1 < nd.column) {
      if ((static_cast<unsigned char>(src[start_byte]) & 0xC0) != 0x80) ++chars;
      ++start_byte;
      while (start_byte < src.size() &&
             (static_cast<unsigned char>(src[start_byte]) & 0xC0) == 0x80)
        ++start_byte;
    }
  }
  char first = start_byte < src.size() ? src[start_byte] : '\0';
  bool block = first == '|' || first == '>';
  if (newlines == 0 && !block && text.find('\n') == std::string_view::npos) {
    std::uint32_t quote = (first == '"' || first == '\'') ? 1 : 0;
    return SourcePos{u, nd.line,
                     nd.column + quote + static_cast<std::uint32_t>(count_code_points(before))};
  }
  std::size_t seg_start = before.rfind('\n');
  seg_start = seg_start == std::string_view::npos ? 0 : seg_start + 1;
  std::size_t seg_end = text.find('\n', offset);
  std::string_view segment =
      text.substr(seg_start, seg_end == std::string_view::npos ? seg_end : seg_end - seg_start);
  std::string_view prefix = text.substr(seg_start, offset - seg_start);
  for (std::uint32_t line = nd.line + static_cast<std::uint32_t>(newlines);
       line <= nd.line + newlines + 3; ++line) {
    std::string_view s = t.source_line(line);
    std::size_t at = s.find(segment);
    if (at != std::string_view::npos && !segment.empty()) {
      return SourcePos{u, line,
                       static_cast<std::uint32_t>(count_code_points(s.substr(0, at)) +
                                                  count_code_points(prefix) + 1)};
    }
  }
  return pos_of(u, n);
}

// ---- typed reads

bool FieldReader::expect(std::uint32_t u, NodeId n, Kind kind, const std::string& path,
                         const char* what) {
  if (tree(u).node(n).kind == kind) return true;
  error(u, n, path, std::string("expected ") + what + ", got " + kind_name(tree(u), n));
  return false;
}

std::optional<std::string_view> FieldReader::scalar(std::uint32_t u, NodeId n,
                                                    const std::string& path) {
  if (!expect(u, n, Kind::Scalar, path, "a string")) return std::nullopt;
  return tree(u).scalar(n);
}

std::optional<bool> FieldReader::boolean(std::uint32_t u, NodeId n, const std::string& path) {
  const YamlNode& nd = tree(u).node(n);
  if (nd.kind == Kind::Scalar && !nd.quoted)
    if (auto b = core_bool(tree(u).scalar(n))) return b;
  std::string got = nd.kind == Kind::Scalar && nd.quoted ? "the string " + kind_name(tree(u), n)
                                                         : kind_name(tree(u), n);
  error(u, n, path, "expected a boolean (true or false), got " + got);
  return std::nullopt;
}

// A core integer, or a float with no fraction (`2.0`: an integer to JSON
// Schema too), within the range.
std::optional<long long> FieldReader::integer(std::uint32_t u, NodeId n, const std::string& path,
                                              IntRange r) {
  const long long min = r.min;
  const long long max = r.max;
  const YamlNode& nd = tree(u).node(n);
  std::string range = min == std::numeric_limits<int>::min() ? std::string()
                      : max == std::numeric_limits<int>::max()
                          ? " >= " + std::to_string(min)
                          : " from " + std::to_string(min) + " to " + std::to_string(max);
  if (nd.kind == Kind::Scalar && !nd.quoted) {
    bool number = false;
    std::string_view text = tree(u).scalar(n);
    if (auto v = core_integer(text, min, max, &number)) return v;
    if (number) {
      error(u, n, path, "expected an integer" + range + ", got " + std::string(text));
      return std::nullopt;
    }
  }
  std::string got = nd.kind == Kind::Scalar && nd.quoted ? "the string " + kind_name(tree(u), n)
                                                         : kind_name(tree(u), n);
  error(u, n, path, "expected an integer" + range + ", got " + got);
  return std::nullopt;
}

std::optional<double> FieldReader::number(std::uint32_t u, NodeId n, const std::string& path,
                                          double min) {
  const YamlNode& nd = tree(u).node(n);
  if (nd.kind == Kind::Scalar && !nd.quoted) {
    std::string_view s = tree(u).scalar(n);
    if (auto v = core_finite_number(s)) {
      if (*v >= min) return v;
      error(u, n, path,
            "expected a number >= " + std::to_string(static_cast<int>(min)) + ", got " +
                std::string(s));
      return std::nullopt;
    }
  }
  error(u, n, path, "expected a number, got " + kind_name(tree(u), n));
  return std::nullopt;
}

// A plain number is seconds, in any core spelling (`90`, `1.5`, `1e3`);
// text is read as written (`1h30m`, `"90"`).
std::optional<Duration> FieldReader::duration(std::uint32_t u, NodeId n, const std::string& path) {
  const YamlNode& nd = tree(u).node(n);
  if (nd.kind != Kind::Scalar) {
    error(u, n, path, "expected a duration (250ms, 30s, 5m, 1h30m), got " + kind_name(tree(u), n));
    return std::nullopt;
  }
  std::string_view text = tree(u).scalar(n);
  std::optional<std::string> decimal = nd.quoted ? std::nullopt : core_decimal(text);
  auto d = parse_duration(decimal ? std::string_view(*decimal) : text);
  if (!d) {
    error(u, n, path, "invalid duration '" + std::string(text) + "': " + d.error);
    return std::nullopt;
  }
  return *d.value;
}

bool FieldReader::string_list(std::uint32_t u, NodeId n, const std::string& path,
                              std::vector<NodeId>& items) {
  if (!expect(u, n, Kind::Sequence, path, "a list of strings")) return false;
  const YamlTree& t = tree(u);
  bool ok = true;
  for (std::uint32_t i = 0; i < t.node(n).size; ++i) {
    NodeId it = t.item(n, i);
    if (t.node(it).kind != Kind::Scalar) {
      error(u, it, path + "[" + std::to_string(i) + "]",
            "expected a string, got " + kind_name(t, it));
      ok = false;
      continue;
    }
    items.push_back(it);
  }
  return ok;
}

}  // namespace sluice::detail
