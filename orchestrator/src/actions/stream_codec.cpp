#include "actions/stream_codec.hpp"

#include <cstdio>

namespace sluice::detail {

// gzip_codec.cpp, zstd_codec.cpp
std::unique_ptr<StreamCodec> make_gzip_encoder(int level);
std::unique_ptr<StreamCodec> make_gzip_decoder();
std::unique_ptr<StreamCodec> make_zstd_encoder(int level);
std::unique_ptr<StreamCodec> make_zstd_decoder();

std::unique_ptr<StreamCodec> make_compressor(CompressFormat format, int level) {
  return format == CompressFormat::Gzip ? make_gzip_encoder(level) : make_zstd_encoder(level);
}

std::unique_ptr<StreamCodec> make_decompressor(CompressFormat format) {
  return format == CompressFormat::Gzip ? make_gzip_decoder() : make_zstd_decoder();
}

const char* format_name(CompressFormat format) {
  return format == CompressFormat::Gzip ? "gzip" : "zstd";
}

std::optional<CompressFormat> parse_compress_format(std::string_view name) {
  if (name == "gzip") return CompressFormat::Gzip;
  if (name == "zstd") return CompressFormat::Zstd;
  return std::nullopt;
}

std::optional<int> compress_level(CompressFormat format, int level) {
  bool gzip = format == CompressFormat::Gzip;
  if (level == 0) return gzip ? 6 : 3;
  if (level < 1 || level > (gzip ? 9 : 19)) return std::nullopt;
  return level;
}

std::string level_range_message(CompressFormat format) {
  return format == CompressFormat::Gzip ? "gzip levels go from 1 to 9"
                                        : "zstd levels go from 1 to 19";
}

std::optional<CompressFormat> detect_format(std::string_view head) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(head[i]); };
  if (head.size() >= 2 && byte(0) == 0x1f && byte(1) == 0x8b) return CompressFormat::Gzip;
  if (head.size() >= 4 && byte(1) == 0xb5 && byte(2) == 0x2f && byte(3) == 0xfd && byte(0) == 0x28)
    return CompressFormat::Zstd;
  if (head.size() >= 4 && (byte(0) & 0xf0) == 0x50 && byte(1) == 0x2a && byte(2) == 0x4d &&
      byte(3) == 0x18)
    return CompressFormat::Zstd;
  return std::nullopt;
}

std::string unknown_format_message(std::string_view head) {
  if (head.empty()) return "empty file: neither gzip nor zstd";
  std::string hex;
  for (std::size_t i = 0; i < head.size() && i < 4; ++i) {
    char b[4];
    std::snprintf(b, sizeof b, i ? " %02x" : "%02x", static_cast<unsigned char>(head[i]));
    hex += b;
  }
  return "neither gzip nor zstd (starts with " + hex + ")";
}

}  // namespace sluice::detail
