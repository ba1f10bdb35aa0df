// YamlTree: yaml-cpp events -> an index-based tree with positions (see
// yaml_tree.hpp). The builder (yaml_tree_builder.hpp) is an event handler with
// an explicit stack of open collections, so no step recurses over the
// document, whatever its shape; a large file is parsed in pieces
// (yaml_pieces.cpp).
#include "spec/yaml_tree.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <istream>
#include <limits>
#include <new>
#include <optional>
#include <streambuf>
#include <unordered_set>
#include <utility>

#include "spec/name_index.hpp"
#include "spec/utf8.hpp"
#include "spec/yaml_tree_builder.hpp"

namespace sluice::detail {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kCoreTagPrefix = "tag:yaml.org,2002:";
constexpr std::uint32_t kNoPair = ~std::uint32_t{0};

/// Thrown by the builder after a fatal diagnostic to stop yaml-cpp early; it
/// never leaves YamlTree::parse.
struct AbortParse {};

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

/// `tag:yaml.org,2002:str` -> `!!str`, for messages.
std::string display_tag(const std::string& tag) {
  if (tag.rfind(kCoreTagPrefix, 0) == 0) return "!!" + tag.substr(kCoreTagPrefix.size());
  return tag;
}

/// A key as it is shown in a message: the text, cut when it is long.
std::string display_key(std::string_view text) {
  constexpr std::size_t kMax = 60;
  if (text.size() <= kMax) return std::string(text);
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
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
  constexpr std::size_t kHardMax = kMaxYamlBytes;
  const std::size_t max = std::min(limits_.max_bytes, kHardMax);
  if (input.size() > max) {
    t_.diagnostics_.push_back(make(TextPosition{0, 0}, "file is " + std::to_string(input.size()) +
                                                       " bytes, over the limit of " +
                                                       std::to_string(max)));
    return false;
  }
  const bool bom = input.substr(0, kBom.size()) == kBom;
  if (owned != nullptr) {
    t_.text_ = std::move(*owned);
    if (bom) t_.text_.erase(0, kBom.size());
  } else {
    t_.text_.assign(bom ? input.substr(kBom.size()) : input);
  }
  input = t_.text_;
  t_.source_size_ = input.size();
  index_lines();

  // yaml-cpp mangles NUL bytes and reads a leading one as UTF-16/32, and it
  // does not validate UTF-8: both are caught here, before it sees the bytes.
  const std::size_t nul = input.find('\0');
  const std::size_t bad = find_invalid_utf8(input.substr(0, nul));
  if (bad != std::string_view::npos) {
    char hex[8];
    const auto byte = static_cast<unsigned char>(input[bad]);
    const char* digits = "0123456789abcdef";
    hex[0] = '0', hex[1] = 'x', hex[2] = digits[byte >> 4], hex[3] = digits[byte & 15], hex[4] = 0;
    fail(position_of_offset(bad), std::string("invalid UTF-8 (byte ") + hex + ")");
    return false;
  }
  if (nul != std::string_view::npos) {
    fail(position_of_offset(nul), "NUL byte in the file (is it binary?)");
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

// YAML indents with spaces only; yaml-cpp's error about a tab there names
// anything but the tab ("illegal map value", "end of map not found"). The
// tab is on the line of the error or the one before it.
std::optional<TextPosition> YamlTreeBuilder::indenting_tab(std::uint32_t line) const {
  for (const std::uint32_t l : {line, line - 1}) {
    if (l == 0) continue;
    const std::string_view text = src_.source_line(l);
    const std::size_t indent = text.find_first_not_of(" \t");
    const std::size_t tab = text.substr(0, indent).find('\t');
    if (tab != std::string_view::npos) return TextPosition{l, static_cast<std::uint32_t>(tab + 1)};
  }
  return std::nullopt;
}

void YamlTreeBuilder::translate(const YAML::ParserException& e) {
  const YAML::Mark mark = source_mark(e.mark);
  const TextPosition at = position(mark);
  if (const auto tab = indenting_tab(at.line)) {
    fail(*tab, "YAML syntax error: a tab indents this line (YAML indents with spaces only)");
    return;
  }
  if (e.msg == YAML::ErrorMsg::UNKNOWN_ANCHOR && mark.pos >= 0) {
    const std::string name = alias_name_at(static_cast<std::size_t>(mark.pos));
    if (!name.empty()) {
      fail(at, "unknown alias '*" + name + "' (no anchor '&" + name + "' before it)");
      return;
    }
  }
  // yaml-cpp reports an unclosed `[` or `{` at the end of the file; the
  // bracket itself is the useful place.
  const bool seq = e.msg == YAML::ErrorMsg::END_OF_SEQ_FLOW;
  if (seq || e.msg == YAML::ErrorMsg::END_OF_MAP_FLOW) {
    const char bracket = seq ? '[' : '{';
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
      if (it->offset < 0 || static_cast<std::size_t>(it->offset) >= src_.source_size_ ||
          src_.text_[static_cast<std::size_t>(it->offset)] != bracket) {
        continue;
      }
      fail(position_of_offset(static_cast<std::size_t>(it->offset)), "YAML syntax error: " + e.msg);
      t_.diagnostics_.back().hint = std::string("this '") + bracket + "' is never closed";
      return;
    }
  }
  fail(at, "YAML syntax error: " + e.msg);
}

std::string YamlTreeBuilder::alias_name_at(std::size_t offset) const {
  const std::string_view src(src_.text_.data(), src_.source_size_);
  if (offset >= src.size() || src[offset] != '*') return {};
  std::size_t end = offset + 1;
  while (end < src.size() && std::string_view(" \t\r\n,[]{}").find(src[end]) == std::string_view::npos) {
    ++end;
  }
  return display_key(src.substr(offset + 1, end - offset - 1));
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

// A raw NUL byte is refused before parsing; an escape (`"\0"`, `"\x00"`,
// `"\u0000"`) makes one in a double-quoted scalar, which an argv element or
// a path would silently end at. Reported at the escape.
void YamlTreeBuilder::report_nul_escape(const YAML::Mark& mark) {
  const std::string_view src(src_.text_.data(), src_.source_size_);
  std::size_t at = mark.pos >= 0 ? static_cast<std::size_t>(mark.pos) : src.size();
  std::string spelled = "\\0";
  if (at < src.size() && src[at] == '"') {
    for (std::size_t i = at + 1; i + 1 < src.size() && src[i] != '"'; ++i) {
      if (src[i] != '\\') continue;
      const char e = src[i + 1];
      const std::size_t zeros = e == '0' ? 0 : e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 99;
      const std::string_view digits = src.substr(i + 2, zeros == 99 ? 0 : zeros);
      if (zeros != 99 && digits.size() == zeros && digits.find_first_not_of('0') == std::string_view::npos) {
        at = i;
        spelled = std::string(src.substr(i, 2 + zeros));
        break;
      }
      ++i;  // the escaped character
    }
  }
  t_.diagnostics_.push_back(make(at < src.size() ? position_of_offset(at) : position(mark),
                                 "NUL character in a string (the escape '" + spelled +
                                     "'): no argument, path or name can hold one"));
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

// ---- maps: duplicates and merge keys -------------------------------------------

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

// ---- YamlTree -----------------------------------------------------------------

YamlTree YamlTree::parse(std::string_view text, std::string file, const YamlLimits& limits) {
  return parse_impl(text, nullptr, std::move(file), limits);
}

YamlTree YamlTree::parse_owned(std::string text, std::string file, const YamlLimits& limits) {
  const std::string_view view = text;
  return parse_impl(view, &text, std::move(file), limits);
}

YamlTree YamlTree::parse_impl(std::string_view text, std::string* owned, std::string file,
                              const YamlLimits& limits) {
  YamlTree tree;
  tree.file_ = std::move(file);
  try {
    YamlTreeBuilder builder(tree, limits);
    builder.build(text, owned);
    // Assigning {} would keep the capacity: swap to free it.
    std::vector<std::uint32_t>().swap(tree.line_starts_);
  } catch (const std::exception& e) {
    // Only allocation can fail outside the parser's own try; keep the promise
    // that parse() never throws.
    tree.root_ = kNoNode;
    Diagnostic d;
    d.file = tree.file_;
    d.message = std::string("could not parse YAML: ") + e.what();
    tree.diagnostics_.push_back(std::move(d));
  }
  return tree;
}

std::string_view YamlTree::scalar(NodeId id) const {
  return scalar_text(nodes_[id], text_, source_size_, extra_);
}

std::string_view YamlTree::scalar_text(const YamlNode& n, std::string_view text,
                                       std::size_t source_size, std::string_view extra) {
  if (n.kind != YamlNode::Kind::Scalar) return {};
  if (n.first < source_size) return text.substr(n.first, n.size);
  return extra.substr(n.first - source_size, n.size);
}

NodeId YamlTree::item(NodeId seq, std::uint32_t i) const {
  const YamlNode& n = nodes_[seq];
  if (n.kind != YamlNode::Kind::Sequence || i >= n.size) return kNoNode;
  return children_[n.first + i];
}

NodeId YamlTree::key(NodeId map, std::uint32_t i) const {
  const YamlNode& n = nodes_[map];
  if (n.kind != YamlNode::Kind::Map || i >= n.size) return kNoNode;
  return children_[n.first + 2 * i];
}

NodeId YamlTree::value(NodeId map, std::uint32_t i) const {
  const YamlNode& n = nodes_[map];
  if (n.kind != YamlNode::Kind::Map || i >= n.size) return kNoNode;
  return children_[n.first + 2 * i + 1];
}

std::uint32_t YamlTree::find_index(NodeId map, std::string_view k) const {
  const YamlNode& n = nodes_[map];
  if (n.kind != YamlNode::Kind::Map) return 0;
  for (std::uint32_t i = 0; i < n.size; ++i) {
    const NodeId kid = children_[n.first + 2 * i];
    if (nodes_[kid].kind == YamlNode::Kind::Scalar && scalar(kid) == k) return i;
  }
  return n.size;
}

NodeId YamlTree::find(NodeId map, std::string_view k) const {
  const std::uint32_t i = find_index(map, k);
  return value(map, i);
}

void YamlTree::release_nodes() {
  std::vector<YamlNode>().swap(nodes_);
  std::vector<NodeId>().swap(children_);
  std::string().swap(extra_);
  root_ = kNoNode;
}

void YamlTree::index_lines() const {
  const std::string_view src(text_.data(), source_size_);
  std::size_t lines = 1 + static_cast<std::size_t>(std::count(src.begin(), src.end(), '\n'));
  line_starts_.clear();
  line_starts_.reserve(lines);
  line_starts_.push_back(0);
  for (std::size_t i = src.find('\n'); i != std::string_view::npos; i = src.find('\n', i + 1)) {
    line_starts_.push_back(static_cast<std::uint32_t>(i + 1));
  }
}

std::string_view YamlTree::source_line(std::uint32_t line) const {
  if (line_starts_.empty()) index_lines();
  if (line == 0 || line > line_starts_.size()) return {};
  const std::size_t begin = line_starts_[line - 1];
  std::size_t end = line < line_starts_.size() ? line_starts_[line] - 1 : source_size_;
  if (end > begin && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(begin, end - begin);
}

std::size_t YamlTree::memory_bytes() const {
  return text_.size() + extra_.size() + nodes_.size() * sizeof(YamlNode) +
         children_.size() * sizeof(NodeId) +
         line_starts_.size() * sizeof(std::uint32_t);
}

}  // namespace sluice::detail
