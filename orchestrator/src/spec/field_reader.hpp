/// FieldReader: typed reads of YAML nodes with located diagnostics. The one
/// place that turns a wrong type, value or range into
/// `file:line:col: path: expected ..., got ...` (SPEC §1.4), and that
/// collects every diagnostic of a load. Each read reports its own error and
/// returns nullopt/false, so a caller goes on with the next field.
///
/// It reads the trees of the load's files (Units) and knows them by index;
/// scalars are read as the YAML 1.2 core schema reads them (core_scalars.hpp).
/// One load, one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/diagnostic.hpp"
#include "spec/duration.hpp"
#include "spec/limits.hpp"
#include "spec/load_units.hpp"

namespace sluice::detail {

/// How a node is shown in a message: `null`, `a list`, `a map`, `'text'`.
std::string kind_name(const YamlTree& t, NodeId n);

/// One entry of a map being read: its key's text and node, its value, and
/// its key path (`parent.key`).
struct MapEntry {
  std::string_view key;
  NodeId key_node = kNoNode;
  NodeId value = kNoNode;
  std::string path;
};

class FieldReader {
 public:
  explicit FieldReader(const Units& units) : units_(units) {}

  const YamlTree& tree(std::uint32_t u) const { return units_[u]->tree; }
  const Unit& unit(std::uint32_t u) const { return *units_[u]; }

  // ---- diagnostics
  void error_at(std::uint32_t u, std::uint32_t line, std::uint32_t col, std::string path,
                std::string message, std::string hint = {});
  void error(std::uint32_t u, NodeId n, std::string path, std::string message,
             std::string hint = {});
  /// `message` at `n`, with a note at `first` ("first defined here").
  void defined_twice(std::uint32_t u, NodeId n, std::string path, std::string message,
                     const SourcePos& first);
  void unknown_key(std::uint32_t u, NodeId key, const std::string& parent_path,
                   const std::vector<std::string_view>& known);
  /// `did you mean 'x'?`, or empty when nothing is close.
  static std::string did_you_mean(std::string_view word,
                                  const std::vector<std::string_view>& candidates);
  void add(Diagnostic d) { diags_.push_back(std::move(d)); }
  std::vector<Diagnostic>& diagnostics() { return diags_; }

  SourcePos pos_of(std::uint32_t u, NodeId n) const;
  /// Where byte `offset` of a scalar's text stands in the file: exact for
  /// plain and single-line quoted scalars; for block and multi-line scalars
  /// the content line is looked for in the source, else the scalar's place.
  SourcePos pos_in_scalar(std::uint32_t u, NodeId n, std::string_view text,
                          std::uint32_t offset) const;

  // ---- typed reads
  bool expect(std::uint32_t u, NodeId n, Kind kind, const std::string& path, const char* what);
  /// A scalar's text (a number or a boolean is taken as written).
  std::optional<std::string_view> scalar(std::uint32_t u, NodeId n, const std::string& path);
  std::optional<bool> boolean(std::uint32_t u, NodeId n, const std::string& path);
  std::optional<long long> integer(std::uint32_t u, NodeId n, const std::string& path, IntRange r);
  std::optional<double> number(std::uint32_t u, NodeId n, const std::string& path, double min);
  std::optional<Duration> duration(std::uint32_t u, NodeId n, const std::string& path);
  /// The scalar items of a list; false (after reporting) when it is not a
  /// list or an item is not a scalar. `items` keeps the good ones.
  bool string_list(std::uint32_t u, NodeId n, const std::string& path, std::vector<NodeId>& items);
  /// Calls `fn(const MapEntry&)` for each entry of the map `n` (at `path`),
  /// in file order; false (after reporting) when `n` is not a map (`what`
  /// says what was expected).
  template <class Fn>
  bool each_entry(std::uint32_t u, NodeId n, const std::string& path, const char* what, Fn&& fn) {
    if (!expect(u, n, Kind::Map, path, what)) return false;
    const YamlTree& t = tree(u);
    MapEntry e;
    for (std::uint32_t i = 0; i < t.node(n).size; ++i) {
      e.key_node = t.key(n, i);
      e.value = t.value(n, i);
      e.key = t.scalar(e.key_node);
      e.path.assign(path).append(1, '.').append(e.key);
      fn(static_cast<const MapEntry&>(e));
    }
    return true;
  }

 private:
  const Units& units_;
  std::vector<Diagnostic> diags_;
};

}  // namespace sluice::detail
