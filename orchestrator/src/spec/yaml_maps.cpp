// Closing a map: duplicate keys reported, merge keys (`<<: *x`) applied
// (see yaml_tree_builder.hpp).
#include <unordered_set>

#include "spec/name_index.hpp"
#include "spec/yaml_tree_builder.hpp"

namespace sluice::detail {

namespace {
constexpr std::uint32_t kNoPair = ~std::uint32_t{0};
}  // namespace

YamlTreeBuilder::KeyId YamlTreeBuilder::key_id(NodeId key) const {
  const YamlNode& n = t_.nodes_[key];
  if (n.kind == YamlNode::Kind::Scalar) {
    return KeyId{true, static_cast<std::uint8_t>(is_merge_key(key) ? 2 : 0), scalar(key)};
  }
  if (n.kind == YamlNode::Kind::Null) return KeyId{true, 1, {}};
  return KeyId{};
}

bool YamlTreeBuilder::is_merge_key(NodeId key) const {
  const YamlNode& n = t_.nodes_[key];
  return n.kind == YamlNode::Kind::Scalar && !n.quoted && scalar(key) == "<<";
}

void YamlTreeBuilder::finish_map(const Frame& frame) {
  const std::uint32_t start = frame.pending_start;
  const auto pairs = static_cast<std::uint32_t>((pending_.size() - start) / 2);
  mark_duplicates(start, pairs);
  bool merges = false;
  for (std::uint32_t i = 0; i < pairs && !merges; ++i) {
    merges = !dropped_[i] && keys_[i].kind == 2;
  }
  YamlNode& n = t_.nodes_[frame.node];
  n.first = static_cast<std::uint32_t>(t_.children_.size());
  if (merges && stack_.size() <= 1) top_merge_ = true;  // pieces could not be joined
  if (merges) {
    emit_merged(start, pairs);
  } else {
    for (std::uint32_t i = 0; i < pairs; ++i) {
      if (dropped_[i]) continue;
      t_.children_.push_back(pending_[start + 2 * i]);
      t_.children_.push_back(pending_[start + 2 * i + 1]);
    }
  }
  t_.nodes_[frame.node].size =
      static_cast<std::uint32_t>((t_.children_.size() - t_.nodes_[frame.node].first) / 2);
}

// Sets dropped_[i] for every pair whose key an earlier pair already has, and
// reports each in document order. Small maps compare pairwise, with no
// allocation per map; large ones (the tasks map) use a hash index.
void YamlTreeBuilder::mark_duplicates(std::uint32_t start, std::uint32_t pairs) {
  dropped_.assign(pairs, 0);
  duplicates_.clear();
  keys_.clear();
  for (std::uint32_t i = 0; i < pairs; ++i) keys_.push_back(key_id(pending_[start + 2 * i]));
  auto key_at = [&](std::uint32_t i) -> const KeyId& { return keys_[i]; };
  constexpr std::uint32_t kPairwise = 16;
  if (pairs <= kPairwise) {
    for (std::uint32_t i = 1; i < pairs; ++i) {
      const KeyId& ki = key_at(i);
      if (!ki.comparable) continue;
      for (std::uint32_t j = 0; j < i; ++j) {
        if (!dropped_[j] && key_at(j).comparable && key_at(j) == ki) {
          dropped_[i] = 1;
          duplicates_.emplace_back(i, j);
          break;
        }
      }
    }
  } else {
    // Scalar keys go through a hash index of pair indices (it keeps the
    // first of equal keys); null and merge keys each have one possible value.
    auto text_of = [this](std::uint32_t i) { return keys_[i].text; };
    NameIndex<decltype(text_of)> scalars(pairs, text_of);
    std::uint32_t first_of_kind[3] = {kNoPair, kNoPair, kNoPair};
    for (std::uint32_t i = 0; i < pairs; ++i) {
      const KeyId& k = key_at(i);
      if (!k.comparable) continue;
      std::uint32_t first = kNoPair;
      if (k.kind == 0) {
        first = scalars.insert(i);
      } else if (first_of_kind[k.kind] == kNoPair) {
        first_of_kind[k.kind] = i;
      } else {
        first = first_of_kind[k.kind];
      }
      if (first != kNoPair) {
        dropped_[i] = 1;
        duplicates_.emplace_back(i, first);
      }
    }
  }
  for (const auto& [later, first] : duplicates_) {
    report_duplicate(pending_[start + 2 * later], pending_[start + 2 * first]);
  }
}

void YamlTreeBuilder::report_duplicate(NodeId later, NodeId first) {
  const YamlNode& k = t_.nodes_[later];
  const YamlNode& f = t_.nodes_[first];
  const std::string shown = k.kind == YamlNode::Kind::Null ? "~" : display_key(scalar(later));
  Diagnostic d = make(TextPosition{k.line, k.column}, "duplicate key '" + shown + "'");
  d.notes.push_back(Diagnostic::Note{src_.file_, static_cast<int>(f.line), static_cast<int>(f.column),
                                     "'" + shown + "' first defined here"});
  t_.diagnostics_.push_back(std::move(d));
}

// Writes the map's pairs with each `<<` replaced by the pairs it merges:
// a merged key is skipped when the map has it explicitly (anywhere) or an
// earlier merged map gave it already.
void YamlTreeBuilder::emit_merged(std::uint32_t start, std::uint32_t pairs) {
  std::unordered_set<std::string_view> seen;
  for (std::uint32_t i = 0; i < pairs; ++i) {
    const NodeId k = pending_[start + 2 * i];
    if (!dropped_[i] && !is_merge_key(k) && t_.nodes_[k].kind == YamlNode::Kind::Scalar) {
      seen.insert(scalar(k));
    }
  }
  for (std::uint32_t i = 0; i < pairs; ++i) {
    if (dropped_[i]) continue;
    const NodeId k = pending_[start + 2 * i];
    const NodeId v = pending_[start + 2 * i + 1];
    if (!is_merge_key(k)) {
      t_.children_.push_back(k);
      t_.children_.push_back(v);
      continue;
    }
    const YamlNode& value = t_.nodes_[v];
    if (value.kind == YamlNode::Kind::Map) {
      merge_from(v, seen);
    } else if (value.kind == YamlNode::Kind::Sequence) {
      for (std::uint32_t j = 0; j < value.size; ++j) {
        const NodeId item = t_.children_[value.first + j];
        if (t_.nodes_[item].kind == YamlNode::Kind::Map) {
          merge_from(item, seen);
        } else {
          const YamlNode& bad = t_.nodes_[item];
          t_.diagnostics_.push_back(make(TextPosition{bad.line, bad.column},
                                         "merge key '<<' expects a map or a list of maps"));
        }
      }
    } else {
      t_.diagnostics_.push_back(make(TextPosition{value.line, value.column},
                                     "merge key '<<' expects a map or a list of maps"));
    }
  }
}

void YamlTreeBuilder::merge_from(NodeId source, std::unordered_set<std::string_view>& seen) {
  const YamlNode& s = t_.nodes_[source];
  const std::uint32_t first = s.first;
  const std::uint32_t pairs = s.size;
  for (std::uint32_t j = 0; j < pairs; ++j) {
    const NodeId k = t_.children_[first + 2 * j];
    const NodeId v = t_.children_[first + 2 * j + 1];
    if (t_.nodes_[k].kind == YamlNode::Kind::Scalar && !seen.insert(scalar(k)).second) continue;
    t_.children_.push_back(k);
    t_.children_.push_back(v);
  }
}

}  // namespace sluice::detail
