// zstd through libzstd's streaming API (ZSTD_compressStream2,
// ZSTD_decompressStream), frame after frame as `zstd -dc` reads them.
#include <zstd.h>

#include <new>

#include "actions/stream_codec.hpp"

namespace sluice::detail {
namespace {

struct Windows {
  ZSTD_inBuffer in;
  ZSTD_outBuffer out;
};

Windows aim(std::string_view in, IoBuffer& out) {
  return {{in.data(), in.size(), 0}, {out.data(), out.capacity(), out.size()}};
}

/// Moves the caller's windows past what zstd used; returns whether it used any.
bool advance(const Windows& w, std::string_view& in, IoBuffer& out) {
  bool moved = w.in.pos != 0 || w.out.pos != out.size();
  in.remove_prefix(w.in.pos);
  out.resize(w.out.pos);
  return moved;
}

class ZstdEncoder final : public StreamCodec {
 public:
  explicit ZstdEncoder(int level) : cctx_(ZSTD_createCCtx()) {
    if (!cctx_) throw std::bad_alloc();
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1);  // as the zstd tool writes
  }
  ~ZstdEncoder() override { ZSTD_freeCCtx(cctx_); }
  ZstdEncoder(const ZstdEncoder&) = delete;
  ZstdEncoder& operator=(const ZstdEncoder&) = delete;

  Status step(std::string_view& in, IoBuffer& out, bool last) override {
    for (;;) {
      if (done_) return Status::Done;
      if (out.size() == out.capacity()) return Status::OutputFull;
      if (in.empty() && !last) return Status::NeedInput;
      Windows w = aim(in, out);
      std::size_t left =
          ZSTD_compressStream2(cctx_, &w.out, &w.in, last ? ZSTD_e_end : ZSTD_e_continue);
      advance(w, in, out);
      if (ZSTD_isError(left)) return fail(std::string("zstd: ") + ZSTD_getErrorName(left));
      if (last && left == 0 && in.empty()) done_ = true;
    }
  }

 private:
  ZSTD_CCtx* cctx_;
  bool done_ = false;
};

class ZstdDecoder final : public StreamCodec {
 public:
  ZstdDecoder() : dctx_(ZSTD_createDCtx()) {
    if (!dctx_) throw std::bad_alloc();
  }
  ~ZstdDecoder() override { ZSTD_freeDCtx(dctx_); }
  ZstdDecoder(const ZstdDecoder&) = delete;
  ZstdDecoder& operator=(const ZstdDecoder&) = delete;

  Status step(std::string_view& in, IoBuffer& out, bool last) override {
    for (;;) {
      if (out.size() == out.capacity()) return Status::OutputFull;
      if (in.empty() && !last) return Status::NeedInput;
      if (in.empty() && !in_frame_) return Status::Done;
      Windows w = aim(in, out);
      // 0: a frame is complete and flushed; otherwise more is to come.
      std::size_t hint = ZSTD_decompressStream(dctx_, &w.out, &w.in);
      bool moved = advance(w, in, out);
      if (ZSTD_isError(hint))
        return fail(std::string("corrupt zstd data (") + ZSTD_getErrorName(hint) + ")");
      in_frame_ = hint != 0;
      if (!moved && in.empty()) return fail("truncated zstd data (unexpected end of file)");
      if (!moved) return fail("zstd made no progress");
    }
  }

 private:
  ZSTD_DCtx* dctx_;
  bool in_frame_ = false;
};

}  // namespace

std::unique_ptr<StreamCodec> make_zstd_encoder(int level) {
  return std::make_unique<ZstdEncoder>(level);
}
std::unique_ptr<StreamCodec> make_zstd_decoder() {
  return std::make_unique<ZstdDecoder>();
}

}  // namespace sluice::detail
