#include "actions/codec_pass.hpp"

#include "actions/atomic_file.hpp"
#include "runtime/write_all.hpp"

namespace sluice::detail {

CodecPass::CodecPass(SharedFd in, std::string in_path, SharedFd out, std::string out_path,
                     std::size_t chunk, std::unique_ptr<StreamCodec> codec)
    : in_(std::move(in), std::move(in_path), chunk),
      out_(std::move(out)),
      out_path_(std::move(out_path)),
      codec_(std::move(codec)),
      output_(std::max<std::size_t>(chunk, 1)) {}

PassStatus CodecPass::fail(std::string message, bool stream) {
  error_ = std::move(message);
  stream_error_ = stream;
  return PassStatus::Failed;
}

bool CodecPass::flush() {
  if (int err = write_all(out_->get(), output_.view())) {
    error_ = IoError::from(err, "write", out_path_).message;
    return false;
  }
  written_ += output_.size();
  output_.resize(0);
  return true;
}

PassStatus CodecPass::run(std::size_t budget, const std::stop_token& stop) {
  std::uint64_t from = written_;
  PassStatus status = code(budget, stop);
  AtomicFile::start_writeback(out_->get(), static_cast<std::int64_t>(from),
                              static_cast<std::int64_t>(written_ - from));
  return status;
}

PassStatus CodecPass::code(std::size_t budget, const std::stop_token& stop) {
  using Status = StreamCodec::Status;
  std::uint64_t start = in_.bytes_read() + written_;
  while (in_.bytes_read() + written_ - start < budget) {
    if (stop.stop_requested()) return PassStatus::More;
    if (window_.empty() && !eof_) {
      if (!in_.next(window_)) return fail(in_.error().message, false);
      eof_ = window_.empty();
      if (!codec_) {
        auto format = detect_format(window_);
        if (!format) return fail(unknown_format_message(window_), true);
        codec_ = make_decompressor(*format);
      }
    }
    Status status = codec_->step(window_, output_, eof_);
    if (status == Status::Failed) return fail(codec_->error(), true);
    if ((status == Status::OutputFull || status == Status::Done) && !output_.empty() && !flush())
      return PassStatus::Failed;
    if (status == Status::Done) return PassStatus::End;
  }
  return PassStatus::More;
}

}  // namespace sluice::detail
