/// Where a large YAML file can be cut into pieces that parse on their own, in
/// parallel (yaml-cpp's tokeniser is most of the time it takes to load a big
/// pipeline, and it runs on one core).
///
/// A cut falls at the start of a line inside the block map of a top-level key
/// (`tasks:` in practice): `  name:` at exactly the indentation of that map's
/// first key. The piece after a cut is parsed as the file's text up to and
/// including the key's line (the prefix: `vars`, anchors and all) followed by
/// the text from the cut on, so it rebuilds the same map from that key on.
///
/// The finder is only a proposal. The piece before a cut is parsed to the end
/// of the cut's line, and YamlTree joins two pieces only where both read that
/// line as a key of the same map at the same place: yaml-cpp reads a quoted
/// scalar cut short without complaint, and a line that looks like a key may
/// be the middle of one. It falls back to one sequential parse when anything
/// disagrees: that, a syntax error, a diagnostic, an unknown alias, a
/// duplicate across pieces, a merge key at the top. Proposing only cuts that
/// can hold keeps that rare:
/// - no column-0 content line (another key, `---`, a stray continuation)
///   between the key's line and the cut;
/// - the key's line is `key:` with nothing after it but a comment;
/// - no anchor (`&name`) in the map before the cut, as pieces after it could
///   not see it;
/// - the prefix is small beside the piece (it is parsed again by every piece).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace sluice::detail {

struct YamlCut {
  std::size_t key_line = 0;    ///< 0-based line of the top-level key whose map is cut
  std::size_t prefix_end = 0;  ///< offset just past that key's line
  std::size_t offset = 0;      ///< where the piece starts: a line start inside the map
  std::size_t line = 0;        ///< 0-based line of `offset`
  std::size_t line_end = 0;    ///< offset just past that line
  std::size_t indent = 0;      ///< the map's indentation: the key at `offset` starts after it
};

/// Up to `pieces - 1` cuts, in order, near the offsets that split `text`
/// evenly; fewer (none) where the file offers no safe place. `line_starts`
/// holds the offset of every line's start (0 first).
std::vector<YamlCut> find_yaml_cuts(std::string_view text,
                                    const std::vector<std::uint32_t>& line_starts,
                                    unsigned pieces);

}  // namespace sluice::detail
