// Matrix expansion (see matrix.hpp).
#include "spec/matrix.hpp"

#include <algorithm>

#include "spec/names.hpp"

namespace sluice::detail {

bool expand_matrix(FieldReader& r, std::uint32_t u, NodeId n, const std::string& path,
                   std::vector<MatrixCombo>& combos) {
  if (!r.expect(u, n, Kind::Map, path, "a map of name -> list of values")) return false;
  const YamlTree& t = r.tree(u);
  if (t.node(n).size == 0) {
    r.error(u, n, path, "expected at least one matrix key");
    return false;
  }
  std::vector<std::pair<std::string, std::vector<std::string>>> axes;
  bool ok = true;
  std::size_t total = 1;
  for (std::uint32_t i = 0; i < t.node(n).size; ++i) {
    NodeId k = t.key(n, i);
    NodeId v = t.value(n, i);
    std::string key(t.scalar(k));
    std::string kpath = path + "." + key;
    if (!valid_identifier(key)) {
      r.error(u, k, kpath, "invalid matrix key '" + key + "': use letters, digits and '_'");
      ok = false;
      continue;
    }
    if (!r.expect(u, v, Kind::Sequence, kpath, "a list of values")) {
      ok = false;
      continue;
    }
    if (t.node(v).size == 0) {
      r.error(u, v, kpath, "expected at least one value");
      ok = false;
      continue;
    }
    std::vector<std::string> values;
    for (std::uint32_t j = 0; j < t.node(v).size; ++j) {
      NodeId it = t.item(v, j);
      std::string ipath = kpath + "[" + std::to_string(j) + "]";
      if (t.node(it).kind != Kind::Scalar) {
        r.error(u, it, ipath, "expected a scalar, got " + kind_name(t, it));
        ok = false;
        continue;
      }
      std::string_view value = t.scalar(it);
      if (!valid_matrix_value(value)) {
        r.error(
            u, it, ipath,
            "invalid matrix value '" + std::string(value) +
                "': it becomes part of task and file names, so it may not be empty or hold ',', "
                "'=', '[', "
                "']', '/', whitespace or control characters");
        ok = false;
        continue;
      }
      values.emplace_back(value);
    }
    total *= std::max<std::size_t>(values.size(), 1);
    if (total > kMaxMatrixExpansions) {
      r.error(u, n, path,
              "matrix expands to more than " + std::to_string(kMaxMatrixExpansions) + " tasks");
      return false;
    }
    axes.emplace_back(std::move(key), std::move(values));
  }
  if (!ok) return false;
  std::vector<std::size_t> idx(axes.size(), 0);
  while (true) {
    std::vector<std::pair<std::string, std::string>> combo;
    combo.reserve(axes.size());
    for (std::size_t a = 0; a < axes.size(); ++a)
      combo.emplace_back(axes[a].first, axes[a].second[idx[a]]);
    combos.push_back(std::move(combo));
    std::size_t a = axes.size();
    while (a > 0) {
      --a;
      if (++idx[a] < axes[a].second.size()) break;
      idx[a] = 0;
      if (a == 0) return true;
    }
  }
}

}  // namespace sluice::detail
