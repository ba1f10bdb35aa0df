// gzip through zlib: deflate with the gzip wrapper (windowBits 15 + 16) and
// inflate member after member, as `gzip -dc` reads concatenated files.
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <new>

#include "actions/stream_codec.hpp"

namespace sluice::detail {
namespace {

/// Points `z` at the caller's windows; returns the sizes it was given.
void aim(z_stream& z, std::string_view in, IoBuffer& out) {
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(std::min<std::size_t>(in.size(), UINT_MAX));
  z.next_out = reinterpret_cast<Bytef*>(out.data() + out.size());
  z.avail_out = static_cast<uInt>(std::min<std::size_t>(out.capacity() - out.size(), UINT_MAX));
}

/// Moves the caller's windows past what zlib used; returns whether it used any.
bool advance(z_stream& z, std::string_view& in, IoBuffer& out) {
  std::size_t used = reinterpret_cast<const char*>(z.next_in) - in.data();
  std::size_t made = reinterpret_cast<char*>(z.next_out) - (out.data() + out.size());
  in.remove_prefix(used);
  out.resize(out.size() + made);
  return used != 0 || made != 0;
}

std::string zlib_message(const z_stream& z, int rc) {
  return z.msg ? z.msg : zError(rc);
}

class GzipEncoder final : public StreamCodec {
 public:
  explicit GzipEncoder(int level) {
    if (deflateInit2(&z_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw std::bad_alloc();
  }
  ~GzipEncoder() override { deflateEnd(&z_); }
  GzipEncoder(const GzipEncoder&) = delete;
  GzipEncoder& operator=(const GzipEncoder&) = delete;

  Status step(std::string_view& in, IoBuffer& out, bool last) override {
    for (;;) {
      if (done_) return Status::Done;
      if (out.size() == out.capacity()) return Status::OutputFull;
      if (in.empty() && !last) return Status::NeedInput;
      aim(z_, in, out);
      int rc = deflate(&z_, last ? Z_FINISH : Z_NO_FLUSH);
      bool moved = advance(z_, in, out);
      if (rc == Z_STREAM_END)
        done_ = true;
      else if ((rc != Z_OK && rc != Z_BUF_ERROR) || !moved)
        return fail("gzip: " + zlib_message(z_, rc));
    }
  }

 private:
  z_stream z_{};
  bool done_ = false;
};

class GzipDecoder final : public StreamCodec {
 public:
  GzipDecoder() {
    if (inflateInit2(&z_, 15 + 16) != Z_OK) throw std::bad_alloc();
  }
  ~GzipDecoder() override { inflateEnd(&z_); }
  GzipDecoder(const GzipDecoder&) = delete;
  GzipDecoder& operator=(const GzipDecoder&) = delete;

  Status step(std::string_view& in, IoBuffer& out, bool last) override {
    for (;;) {
      if (trailing_) return skip_zeros(in, last);
      if (!in_member_ && !in.empty()) {
        if (members_ > 0 && in[0] == '\0') {
          trailing_ = true;  // gzip ignores zero padding after the last member
          continue;
        }
        if (members_ > 0 && static_cast<unsigned char>(in[0]) != 0x1f)
          return fail("trailing garbage after the gzip data");
        in_member_ = true;
      }
      if (out.size() == out.capacity()) return Status::OutputFull;
      if (in.empty()) {
        if (!last) return Status::NeedInput;
        if (in_member_) return fail("truncated gzip data (unexpected end of file)");
        return Status::Done;
      }
      aim(z_, in, out);
      int rc = inflate(&z_, Z_NO_FLUSH);
      bool moved = advance(z_, in, out);
      if (rc == Z_STREAM_END) {
        ++members_;
        in_member_ = false;
        inflateReset(&z_);
      } else if (rc == Z_MEM_ERROR) {
        throw std::bad_alloc();
      } else if ((rc != Z_OK && rc != Z_BUF_ERROR) || !moved) {
        return fail("corrupt gzip data (" + zlib_message(z_, rc) + ")");
      }
    }
  }

 private:
  Status skip_zeros(std::string_view& in, bool last) {
    if (in.find_first_not_of('\0') != std::string_view::npos)
      return fail("trailing garbage after the gzip data");
    in = {};
    return last ? Status::Done : Status::NeedInput;
  }

  z_stream z_{};
  unsigned members_ = 0;
  bool in_member_ = false;
  bool trailing_ = false;
};

}  // namespace

std::unique_ptr<StreamCodec> make_gzip_encoder(int level) {
  return std::make_unique<GzipEncoder>(level);
}
std::unique_ptr<StreamCodec> make_gzip_decoder() {
  return std::make_unique<GzipDecoder>();
}

}  // namespace sluice::detail
