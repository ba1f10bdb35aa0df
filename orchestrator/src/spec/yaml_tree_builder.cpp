// YamlTreeBuilder: yaml-cpp events -> an index-based tree with positions
// (see yaml_tree.hpp). An event handler with an explicit stack of open
// collections, so no step recurses over the document, whatever its shape.
// Maps (duplicate and merge keys) are closed in yaml_maps.cpp, errors are
// put in words in yaml_errors.cpp, a large file is parsed in pieces in
// yaml_pieces.cpp.
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <istream>
#include <limits>
#include <new>
#include <streambuf>
#include <utility>

#include "spec/utf8.hpp"
#include "spec/yaml_input.hpp"
#include "spec/yaml_tree_builder.hpp"

namespace sluice::detail {

namespace {

/// Lets yaml-cpp read the caller's bytes in place (std::istringstream would
/// copy the whole file): `head`, then `tail` (a piece after a cut reads the
/// file's prefix, then its own part). yaml-cpp only reads: the const_cast
/// never writes.
class MemoryBuf final : public std::streambuf {
 public:
  explicit MemoryBuf(std::string_view head, std::string_view tail = {}) : tail_(tail) {
    show(head);
  }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (tail_.empty()) return traits_type::eof();
    show(std::exchange(tail_, {}));
    return traits_type::to_int_type(*gptr());
  }

 private:
  void show(std::string_view text) {
    char* begin = const_cast<char*>(text.data());
    setg(begin, begin, begin + text.size());
  }
  std::string_view tail_;
};

constexpr std::string_view kCoreTagPrefix = "tag:yaml.org,2002:";

/// `tag:yaml.org,2002:str` -> `!!str`, for messages.
std::string display_tag(const std::string& tag) {
  if (tag.rfind(kCoreTagPrefix, 0) == 0) return "!!" + tag.substr(kCoreTagPrefix.size());
  return tag;
}

}  // namespace

// ---- raw input --------------------------------------------------------------

void YamlTreeBuilder::build(std::string_view input, std::string* owned) {
  if (!check_raw(input, owned)) return;
  switch (parse_in_pieces()) {
    case Split::Joined: break;
    case Split::NotTried: parse(std::string_view(t_.text_)); break;
    case Split::Failed: {
      // Start again from nothing, with a builder of its own.
      t_.nodes_.clear();
      t_.children_.clear();
      t_.extra_.clear();
      t_.diagnostics_.clear();
      t_.root_ = kNoNode;
      YamlTreeBuilder whole(t_, limits_);
      whole.parse(std::string_view(t_.text_));
      whole.finish();
      return;
    }
  }
  finish();
}

void YamlTreeBuilder::finish() {
  if (fatal_) {
    t_.root_ = kNoNode;
    t_.nodes_ = {};
    t_.children_ = {};
  } else if (t_.root_ == kNoNode) {
    // Empty input (or comments only) is one null document.
    t_.nodes_.push_back(YamlNode{1, 1, YamlNode::Kind::Null, false, 0, 0});
    t_.root_ = 0;
  }
}

/// Checks `input` and keeps it, without its BOM, as the source text.
bool YamlTreeBuilder::check_raw(std::string_view input, std::string* owned) {
  // The size is checked first and alone: a file over the limit is not even
  // copied. Offsets are 32-bit and columns 29-bit, hence the hard ceiling.
  if (auto too_big = size_problem(input.size(), std::min(limits_.max_bytes, kMaxYamlBytes))) {
    t_.diagnostics_.push_back(make(TextPosition{0, 0}, std::move(*too_big)));
    return false;
  }
  const bool bom = input.substr(0, kBom.size()) == kBom;
  if (owned != nullptr) {
    t_.text_ = std::move(*owned);
    if (bom) t_.text_.erase(0, kBom.size());
  } else {
    t_.text_.assign(bom ? input.substr(kBom.size()) : input);
  }
  t_.source_size_ = t_.text_.size();
  index_lines();
  if (auto problem = input_problem(t_.text_)) {
    fail(position_of_offset(problem->offset), std::move(problem->message));
    return false;
  }
  return true;
}

void YamlTreeBuilder::index_lines() { t_.index_lines(); }

// ---- driving yaml-cpp -------------------------------------------------------

// yaml-cpp reads text_ in place: it does not change while parsing (scalars
// that are not slices of it go to extra_).
void YamlTreeBuilder::parse(std::string_view head, std::string_view tail) {
  // Generous reservations cost no memory until touched (large blocks are
  // mmapped), and spare the copies that growth would make of a big tree.
  // The tree of the whole file takes the pieces after its first: room for all.
  const std::size_t n = &t_ == &src_ ? src_.source_size_ : head.size() + tail.size();
  t_.nodes_.reserve(n / 5 + 16);
  t_.children_.reserve(n / 5 + 16);
  try {
    MemoryBuf buffer(head, tail);
    std::istream in(&buffer);
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(*this)) {
    }
  } catch (const AbortParse&) {
    // The diagnostic is recorded.
  } catch (const YAML::DeepRecursion& e) {
    fail(position(source_mark(e.mark)), "nesting too deep for the YAML parser (over " +
                               std::to_string(limits_.max_depth) + " levels is refused)");
  } catch (const YAML::ParserException& e) {
    translate(e);
  } catch (const YAML::Exception& e) {
    fail(position(source_mark(e.mark)), "invalid YAML: " + e.msg);
  } catch (const std::bad_alloc&) {
    fail(last_, "out of memory while parsing YAML");
  } catch (const std::exception& e) {
    fail(last_, std::string("YAML parser failed: ") + e.what());
  }
}

// ---- diagnostics and positions ----------------------------------------------

Diagnostic YamlTreeBuilder::make(TextPosition at, std::string message) const {
  Diagnostic d;
  d.file = src_.file_;
  d.line = static_cast<int>(at.line);
  d.column = static_cast<int>(at.column);
  d.message = std::move(message);
  if (at.line > 0) d.source_line = std::string(src_.source_line(at.line));
  return d;
}

void YamlTreeBuilder::fail(TextPosition at, std::string message) {
  fatal_ = true;
  t_.diagnostics_.push_back(make(at, std::move(message)));
}

void YamlTreeBuilder::abort(TextPosition at, std::string message) {
  fail(at, std::move(message));
  throw AbortParse{};
}

// yaml-cpp counts lines as line_starts_ does (at '\n' only), so its 0-based
// line is tried first; the binary search is the fallback.
TextPosition YamlTreeBuilder::position_of_offset(std::size_t offset, std::int64_t line_hint) {
  const auto& starts = src_.line_starts_;
  std::uint32_t line = 0;
  const auto hint = static_cast<std::size_t>(line_hint);
  if (line_hint >= 0 && hint < starts.size() && starts[hint] <= offset &&
      (hint + 1 == starts.size() || offset < starts[hint + 1])) {
    line = static_cast<std::uint32_t>(hint);
  } else {
    const auto it = std::upper_bound(starts.begin(), starts.end(), offset);
    line = static_cast<std::uint32_t>(it - starts.begin() - 1);
  }
  const std::string_view src(src_.text_.data(), src_.source_size_);
  std::size_t from = starts[line];
  std::uint32_t column = 1;
  if (line == cursor_line_ && offset >= cursor_offset_ && cursor_offset_ >= from) {
    from = cursor_offset_;
    column = cursor_column_;
  }
  column += static_cast<std::uint32_t>(count_code_points(src.substr(from, offset - from)));
  cursor_line_ = line;
  cursor_offset_ = offset;
  cursor_column_ = column;
  return TextPosition{line + 1, column};
}

TextPosition YamlTreeBuilder::position(const YAML::Mark& mark) {
  if (mark.pos >= 0 && static_cast<std::size_t>(mark.pos) <= src_.source_size_) {
    last_ = position_of_offset(static_cast<std::size_t>(mark.pos), mark.line);
  } else if (mark.line >= 0 && mark.column >= 0) {
    last_ = TextPosition{static_cast<std::uint32_t>(mark.line) + 1,
                     static_cast<std::uint32_t>(mark.column) + 1};
  }
  return last_;
}

// ---- nodes ------------------------------------------------------------------

void YamlTreeBuilder::OnDocumentStart(const YAML::Mark& raw) {
  if (++documents_ == 1) return;
  const YAML::Mark mark = source_mark(raw);
  // The first document stays usable; everything after it is ignored.
  t_.diagnostics_.push_back(
      make(position(mark), "expected a single YAML document, found a second one here"));
  throw AbortParse{};
}

NodeId YamlTreeBuilder::add_node(YamlNode::Kind kind, const YAML::Mark& mark,
                                 YAML::anchor_t anchor) {
  const TextPosition at = position(mark);
  if (t_.nodes_.size() >= std::numeric_limits<NodeId>::max() - 1) abort(at, "too many YAML nodes");
  const auto id = static_cast<NodeId>(t_.nodes_.size());
  t_.nodes_.push_back(YamlNode{at.line, at.column, kind, false, 0, 0});
  if (anchor != YAML::NullAnchor) register_anchor(anchor, id, kind == YamlNode::Kind::Sequence ||
                                                                  kind == YamlNode::Kind::Map);
  return id;
}

void YamlTreeBuilder::register_anchor(YAML::anchor_t anchor, NodeId id, bool open) {
  if (anchors_.size() <= anchor) anchors_.resize(anchor + 1);
  Anchor& a = anchors_[anchor];
  a.root = id;
  a.end = open ? kNoNode : id + 1;
  a.height = 0;
  a.name = std::move(anchor_name_);
  anchor_name_.clear();
}

void YamlTreeBuilder::OnAnchor(const YAML::Mark& /*mark*/, const std::string& name) {
  anchor_name_ = name;
}

// A finished node joins its parent's pending children, or becomes the root.
void YamlTreeBuilder::attach(NodeId id, std::uint32_t height) {
  if (stack_.empty()) {
    t_.root_ = id;
    return;
  }
  Frame& parent = stack_.back();
  parent.height = std::max(parent.height, height + 1);
  pending_.push_back(id);
}

void YamlTreeBuilder::OnNull(const YAML::Mark& raw, YAML::anchor_t anchor) {
  attach(add_node(YamlNode::Kind::Null, source_mark(raw), anchor), 0);
}

void YamlTreeBuilder::OnScalar(const YAML::Mark& raw, const std::string& tag,
                               YAML::anchor_t anchor, const std::string& value) {
  const YAML::Mark mark = source_mark(raw);
  YamlNode::Kind kind = YamlNode::Kind::Scalar;
  const bool plain = tag.size() == 1 && tag[0] == '?';
  bool quoted = !plain;
  if (!plain && !(tag.size() == 1 && tag[0] == '!')) apply_tag(tag, kind, quoted, position(mark));
  const NodeId id = add_node(kind, mark, anchor);
  YamlNode& n = t_.nodes_[id];
  n.quoted = quoted;
  if (kind == YamlNode::Kind::Scalar) {
    // Most scalars are a verbatim slice of the input (just after the quote
    // when quoted): point at it instead of copying.
    auto at = static_cast<std::size_t>(mark.pos);
    const std::string& text = src_.text_;
    if (mark.pos >= 0 && at < src_.source_size_ && (text[at] == '"' || text[at] == '\'')) ++at;
    if (mark.pos >= 0 && at + value.size() <= src_.source_size_ &&
        text.compare(at, value.size(), value) == 0) {
      n.first = static_cast<std::uint32_t>(at);
    } else {
      const std::size_t first = src_.source_size_ + t_.extra_.size();
      if (first + value.size() >= std::numeric_limits<std::uint32_t>::max()) {
        abort(position(mark), "YAML scalars too large");
      }
      n.first = static_cast<std::uint32_t>(first);
      t_.extra_ += value;
    }
    n.size = static_cast<std::uint32_t>(value.size());
    if (value.find('\0') != std::string::npos) report_nul_escape(mark);
  }
  attach(id, 0);
}


bool YamlTreeBuilder::apply_tag(const std::string& tag, YamlNode::Kind& kind, bool& quoted,
                                TextPosition at) {
  const bool core = tag.rfind(kCoreTagPrefix, 0) == 0;
  const std::string_view name = core ? std::string_view(tag).substr(kCoreTagPrefix.size()) : "";
  const bool scalar = kind == YamlNode::Kind::Scalar;
  if (scalar && name == "str") {
    quoted = true;
  } else if (scalar && (name == "int" || name == "float" || name == "bool")) {
    quoted = false;
  } else if (scalar && name == "null") {
    kind = YamlNode::Kind::Null;
  } else if ((kind == YamlNode::Kind::Sequence && name == "seq") ||
             (kind == YamlNode::Kind::Map && name == "map") || tag == "!" || tag == "?") {
  } else {
    t_.diagnostics_.push_back(make(at, "unsupported tag '" + display_tag(tag) + "'"));
    return false;
  }
  return true;
}

void YamlTreeBuilder::OnSequenceStart(const YAML::Mark& raw, const std::string& tag,
                                      YAML::anchor_t anchor, YAML::EmitterStyle::value) {
  open_collection(YamlNode::Kind::Sequence, source_mark(raw), tag, anchor);
}

void YamlTreeBuilder::OnMapStart(const YAML::Mark& raw, const std::string& tag,
                                 YAML::anchor_t anchor, YAML::EmitterStyle::value) {
  open_collection(YamlNode::Kind::Map, source_mark(raw), tag, anchor);
}

void YamlTreeBuilder::open_collection(YamlNode::Kind kind, const YAML::Mark& mark,
                                      const std::string& tag, YAML::anchor_t anchor) {
  const TextPosition at = position(mark);
  if (stack_.size() >= limits_.max_depth) {
    abort(at, "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
  }
  if (!(tag.size() == 1 && tag[0] == '?')) {
    bool quoted = false;
    apply_tag(tag, kind, quoted, at);
  }
  const NodeId id = add_node(kind, mark, anchor);
  // The collection takes its place among its parent's children now, so that
  // children keep document order; its own children follow in pending_.
  if (stack_.empty()) {
    t_.root_ = id;
  } else {
    pending_.push_back(id);
  }
  stack_.push_back(Frame{id, static_cast<std::uint32_t>(pending_.size()), 1, anchor, mark.pos});
}

void YamlTreeBuilder::close_collection() {
  if (stack_.empty()) return;  // unbalanced events would be yaml-cpp's bug; ignore
  const Frame frame = stack_.back();
  stack_.pop_back();
  YamlNode& n = t_.nodes_[frame.node];
  if (n.kind == YamlNode::Kind::Map) {
    finish_map(frame);
  } else {
    n.first = static_cast<std::uint32_t>(t_.children_.size());
    n.size = static_cast<std::uint32_t>(pending_.size() - frame.pending_start);
    t_.children_.insert(t_.children_.end(), pending_.begin() + frame.pending_start,
                        pending_.end());
  }
  pending_.resize(frame.pending_start);
  if (frame.anchor != YAML::NullAnchor && frame.anchor < anchors_.size()) {
    anchors_[frame.anchor].end = static_cast<NodeId>(t_.nodes_.size());
    anchors_[frame.anchor].height = frame.height;
  }
  if (!stack_.empty()) stack_.back().height = std::max(stack_.back().height, frame.height + 1);
}

// ---- aliases ----------------------------------------------------------------

void YamlTreeBuilder::OnAlias(const YAML::Mark& raw, YAML::anchor_t anchor) {
  const YAML::Mark mark = source_mark(raw);
  const TextPosition at = position(mark);
  if (anchor >= anchors_.size() || anchors_[anchor].root == kNoNode) {
    const std::string name = mark.pos >= 0 ? alias_name_at(static_cast<std::size_t>(mark.pos)) : "";
    abort(at, "unknown alias '*" + name + "'");
  }
  const Anchor& a = anchors_[anchor];
  if (a.end == kNoNode) {
    abort(at, "alias '*" + a.name + "' refers to its own anchor (a cycle)");
  }
  const std::size_t count = a.end - a.root;
  if (count > limits_.max_alias_nodes - std::min(alias_nodes_, limits_.max_alias_nodes)) {
    abort(at, "alias expansion exceeds " + std::to_string(limits_.max_alias_nodes) +
                  " nodes (an alias bomb?)");
  }
  if (stack_.size() + a.height > limits_.max_depth) {
    abort(at, "alias '*" + a.name + "' nests deeper than " + std::to_string(limits_.max_depth) +
                  " levels");
  }
  alias_nodes_ += count;

  // Copy [root, end) to the end of nodes_, shifting ids inside the range;
  // scalars keep pointing at the same text.
  const NodeId root = a.root;
  const NodeId end = a.end;
  const std::uint32_t height = a.height;
  const auto base = static_cast<NodeId>(t_.nodes_.size());
  const NodeId delta = base - root;
  for (NodeId i = root; i < end; ++i) {
    YamlNode copy = t_.nodes_[i];
    if (copy.kind == YamlNode::Kind::Sequence || copy.kind == YamlNode::Kind::Map) {
      const std::uint32_t n = copy.kind == YamlNode::Kind::Map ? copy.size * 2 : copy.size;
      const auto first = static_cast<std::uint32_t>(t_.children_.size());
      for (std::uint32_t j = 0; j < n; ++j) {
        const NodeId child = t_.children_[copy.first + j];
        t_.children_.push_back(child >= root && child < end ? child + delta : child);
      }
      copy.first = first;
    }
    t_.nodes_.push_back(copy);
  }
  t_.nodes_[base].line = at.line;
  t_.nodes_[base].column = at.column;
  attach(base, height);
}

}  // namespace sluice::detail
