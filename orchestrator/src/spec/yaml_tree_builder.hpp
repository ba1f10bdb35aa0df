/// YamlTreeBuilder: the yaml-cpp event handler that builds a YamlTree
/// (yaml_tree.hpp), shared by the sequential parse and the parse in pieces
/// (yaml_pieces.cpp). Its members live by concern: events, nodes and aliases
/// in yaml_tree_builder.cpp, maps in yaml_maps.cpp, messages in
/// yaml_errors.cpp; the raw input checks are yaml_input.hpp. Private to the
/// spec layer.
#pragma once

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "spec/yaml_cuts.hpp"
#include "spec/yaml_tree.hpp"

namespace sluice::detail {

/// Thrown by the builder after a fatal diagnostic to stop yaml-cpp early; it
/// never leaves YamlTree::parse.
struct AbortParse {};

/// A key as it is shown in a message: the text, cut when it is long.
std::string display_key(std::string_view text);

/// 1-based line and column (characters) in the file.
struct TextPosition {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
};

/// Receives yaml-cpp's events and appends to a YamlTree. One per parse (or piece).
class YamlTreeBuilder final : public YAML::EventHandler {
 public:
  YamlTreeBuilder(YamlTree& tree, const YamlLimits& limits) : t_(tree), src_(tree), limits_(limits) {}
  /// Builds `out` from the text and line index of `source` (a piece).
  YamlTreeBuilder(YamlTree& out, const YamlTree& source, const YamlLimits& limits)
      : t_(out), src_(source), limits_(limits) {}

  /// Checks the raw bytes, then parses them. Never throws. `owned`, when
  /// not null, holds the same bytes as `input` and is taken instead of
  /// copied (a 100,000-task file is 7 MB).
  void build(std::string_view input, std::string* owned = nullptr);

  // yaml-cpp's marks count from the start of what it reads; each handler
  // first turns them into the file's own (source_mark).
  void OnDocumentStart(const YAML::Mark& mark) override;
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override;
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override;
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override;
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override;
  void OnSequenceEnd() override { close_collection(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override;
  void OnMapEnd() override { close_collection(); }
  void OnAnchor(const YAML::Mark& mark, const std::string& name) override;

 private:
  /// What a piece after a cut reads: the file's first `prefix_len` bytes
  /// (`prefix_lines` lines), then the file from `base` (line `base_line`) on.
  /// All zero for a parse that reads the file from its start.
  struct Window {
    std::size_t prefix_len = 0;
    std::size_t prefix_lines = 0;
    std::size_t base = 0;
    std::size_t base_line = 0;
  };
  /// A piece parsed on its own thread, into its own tree.
  struct Piece {
    YamlTree tree;
    std::size_t alias_nodes = 0;
    bool clean = false;  ///< parsed, no diagnostic, nothing that stops the join
  };
  enum class Split { NotTried, Joined, Failed };

  /// An open collection. Its children wait in pending_ from `pending_start`
  /// until it closes, then move to children_ in one block.
  struct Frame {
    NodeId node;
    std::uint32_t pending_start;
    std::uint32_t height;  ///< 1 + the greatest height among its children so far
    YAML::anchor_t anchor;
    std::int64_t offset;  ///< byte offset of its start mark, -1 when unknown
  };
  /// A node with an anchor. A subtree occupies the contiguous id range
  /// [root, end) because nodes are allocated in document order, and
  /// everything a node refers to was allocated while it was open.
  struct Anchor {
    NodeId root = kNoNode;
    NodeId end = kNoNode;  ///< kNoNode while the anchored collection is open
    std::uint32_t height = 0;
    std::string name;
  };
  /// A key as duplicate detection sees it; only scalars and nulls compare.
  /// A plain `<<` is a merge, not a key: it clashes with another merge only.
  struct KeyId {
    bool comparable = false;
    std::uint8_t kind = 0;  ///< 0 scalar, 1 null, 2 merge
    std::string_view text;
    bool operator==(const KeyId& o) const { return kind == o.kind && text == o.text; }
  };

  bool check_raw(std::string_view input, std::string* owned);
  void index_lines();
  void parse(std::string_view head, std::string_view tail = {});
  void finish();
  YAML::Mark source_mark(YAML::Mark mark) const;
  Split parse_in_pieces();
  static void parse_piece(const YamlTree& whole, const YamlLimits& limits, const YamlCut& cut,
                          std::size_t end, Piece& out) noexcept;
  bool clean() const { return !fatal_ && !top_merge_ && t_.diagnostics_.empty() && t_.root_ != kNoNode; }
  bool join(const YamlCut& cut, Piece& piece);
  bool rebuild_from_pending(NodeId map);
  void fail(TextPosition at, std::string message);
  [[noreturn]] void abort(TextPosition at, std::string message);
  Diagnostic make(TextPosition at, std::string message) const;
  TextPosition position(const YAML::Mark& mark);
  TextPosition position_of_offset(std::size_t offset, std::int64_t line_hint = -1);

  NodeId add_node(YamlNode::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor);
  void attach(NodeId id, std::uint32_t height);
  void register_anchor(YAML::anchor_t anchor, NodeId id, bool open);
  void open_collection(YamlNode::Kind kind, const YAML::Mark& mark, const std::string& tag,
                       YAML::anchor_t anchor);
  void close_collection();
  void finish_map(const Frame& frame);
  void mark_duplicates(std::uint32_t start, std::uint32_t pairs);
  void report_duplicate(NodeId later, NodeId first);
  void emit_merged(std::uint32_t start, std::uint32_t pairs);
  void merge_from(NodeId source, std::unordered_set<std::string_view>& seen);
  bool is_merge_key(NodeId key) const;
  KeyId key_id(NodeId key) const;
  bool apply_tag(const std::string& tag, YamlNode::Kind& kind, bool& quoted, TextPosition at);
  std::string alias_name_at(std::size_t offset) const;
  void report_nul_escape(const YAML::Mark& mark);
  std::optional<TextPosition> indenting_tab(std::uint32_t line) const;
  void translate(const YAML::ParserException& e);

  std::string_view scalar(NodeId id) const {
    return YamlTree::scalar_text(t_.nodes_[id], src_.text_, src_.source_size_, t_.extra_);
  }

  YamlTree& t_;          ///< what is built
  const YamlTree& src_;  ///< whose text and line index are read: t_, or the whole file's tree
  const YamlLimits& limits_;
  std::vector<Frame> stack_;
  std::vector<NodeId> pending_;
  std::vector<Anchor> anchors_;  ///< by yaml-cpp's anchor_t (1, 2, ... per document)
  std::string anchor_name_;      ///< from OnAnchor, for the node event that follows
  std::size_t alias_nodes_ = 0;
  int documents_ = 0;
  bool fatal_ = false;
  bool top_merge_ = false;  ///< a merge key in the root map or one of its values
  Window window_;
  // Column cursor: marks mostly move forward along a line, so columns are
  // counted from the previous mark, not from the line start (a one-line
  // flow collection of a million items stays linear).
  std::uint32_t cursor_line_ = 0;
  std::size_t cursor_offset_ = 0;
  std::uint32_t cursor_column_ = 1;
  TextPosition last_{};
  std::vector<std::uint8_t> dropped_;   ///< per pair of the map being closed
  std::vector<KeyId> keys_;             ///< per pair of the map being closed
  std::vector<std::pair<std::uint32_t, std::uint32_t>> duplicates_;  ///< (later, first)
};

}  // namespace sluice::detail
