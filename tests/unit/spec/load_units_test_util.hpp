// Helpers for the tests of the loader's parts: one file's Units from YAML
// text, and the headlines of a FieldReader's diagnostics.
#pragma once

#include <memory>
#include <string>

#include "sluice/diagnostic.hpp"
#include "spec/field_reader.hpp"

namespace sluice::test {

/// The Units of a load of one file, `p.yaml`, holding `yaml`.
inline detail::Units one_file(std::string yaml) {
  detail::Units units;
  auto unit = std::make_unique<detail::Unit>();
  unit->display = "p.yaml";
  unit->abs_path = "/work/p.yaml";
  unit->abs_dir = "/work";
  unit->tree = detail::YamlTree::parse_owned(std::move(yaml), "p.yaml");
  units.push_back(std::move(unit));
  return units;
}

/// The value of top-level key `key` of unit 0.
inline detail::NodeId top(const detail::Units& units, const char* key) {
  const detail::YamlTree& t = units[0]->tree;
  return t.find(t.root(), key);
}

inline std::string headlines(detail::FieldReader& r) {
  std::string out;
  for (const auto& d : r.diagnostics()) out += format_headline(d) + "\n";
  return out;
}

}  // namespace sluice::test
