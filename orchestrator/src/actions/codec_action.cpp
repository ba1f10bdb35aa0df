// compress and decompress: ChunkReader -> CodecStream on the pool -> ChunkWriter
// into the temporary output, the three overlapping: a job takes at most a
// trip (kTripBytes) of the kReadBytes the reader keeps out, so reads go on
// meanwhile, and the writer writes what earlier jobs made. The next job is
// queued on the stream's strand while one runs (kJobsAhead), so the pool
// thread goes on without waiting for the loop thread. Memory stays bounded
// whatever the ratio: a job makes at most a trip of output, and no job is
// queued while the output waiting and to come would pass kJobsAhead trips.
#include <deque>

#include "actions/action_base.hpp"
#include "actions/codec_work.hpp"
#include "runtime/chunk_reader.hpp"
#include "runtime/chunk_writer.hpp"

namespace sluice::detail {
namespace {

constexpr std::size_t kReadBytes = 4 * kTripBytes;
constexpr unsigned kWriteDepth = 2;
constexpr std::size_t kJobsAhead = 2;

class CodecAction final : public ActionBase,
                          public ChunkReader::Listener,
                          public ChunkWriter::Listener {
 public:
  CodecAction(const Task& task, FileActionContext context, OnDone on_done)
      : ActionBase(std::move(context), std::move(on_done), task.extras().file.to),
        patterns_(task.extras().file.from),
        compress_(task.action == ActionKind::Compress),
        format_name_(task.extras().file.format),
        level_(task.extras().file.level),
        max_ready_(chunks_in(kTripBytes, ctx_.chunk_size)),
        stream_(std::make_shared<CodecStream>()) {}

  void start() override {
    if (compress_ && !make_compressor_from_task()) return;
    expand_one(patterns_, verb(), [this](std::string path) {
      path_ = std::move(path);
      open_input(path_, [this](OpenedFile opened) {
        auto fd = std::make_shared<const UniqueFd>(std::move(opened.fd));
        std::int64_t size = opened.size;
        create_output([this, fd, size] { begin(fd, size); });
      });
    });
  }

 private:
  const char* verb() const { return compress_ ? "compress" : "decompress"; }
  std::string about_input(const std::string& why) const {
    return std::string(verb()) + " \"" + path_ + "\": " + why;
  }

  bool make_compressor_from_task() {
    auto format = parse_compress_format(format_name_);
    if (!format) {
      fail("compress: unknown format '" + format_name_ + "' (expected gzip or zstd)");
      return false;
    }
    auto level = compress_level(*format, level_);
    if (!level) {
      fail("compress: level " + std::to_string(level_) +
           " is out of range: " + level_range_message(*format));
      return false;
    }
    stream_->codec = make_compressor(*format, *level);
    return true;
  }

  void begin(const SharedFd& fd, std::int64_t size) {
    reader_ = std::make_unique<ChunkReader>(ctx_.loop, fd, path_, size, ctx_.chunk_size,
                                            chunks_in(kReadBytes, ctx_.chunk_size), *this);
    writer_ = std::make_unique<ChunkWriter>(ctx_.loop, output_->fd(), output_->target(), 0,
                                            kWriteDepth, *this);
    reader_->start();
  }

  void on_chunk(ChunkReader&, IoBuffer chunk) override {
    if (!stream_->codec) {
      auto format = detect_format(chunk.view());
      if (!format) return fail(about_input(unknown_format_message(chunk.view())));
      stream_->codec = make_decompressor(*format);
    }
    inbox_.push_back(std::move(chunk));
    pump();
  }
  void on_end(ChunkReader&) override {
    if (!stream_->codec) return fail(about_input(unknown_format_message({})));
    input_ended_ = true;
    pump();
  }
  void on_error(ChunkReader&, IoError error) override { fail(error.message); }
  void on_written(ChunkWriter&, IoBuffer buffer) override {
    if (spare_.size() < max_ready_) spare_.push_back(std::move(buffer));
    pump();
  }
  void on_error(ChunkWriter&, IoError error) override { fail(error.message); }

  void pump() {
    if (finishing()) return;
    while (!ready_.empty() && !writer_->full()) {
      std::vector<IoBuffer> trip;  // one write
      while (!ready_.empty() && trip.size() < max_ready_) {
        trip.push_back(std::move(ready_.front()));
        ready_.pop_front();
      }
      writer_->write(std::move(trip));
    }
    if (ended_) {
      if (jobs_.empty() && ready_.empty() && writer_->idle()) {
        result_.bytes_read = reader_->bytes_read();
        result_.bytes_written = writer_->bytes_written();
        commit();
      }
      return;
    }
    while (jobs_.size() < kJobsAhead &&
           ready_.size() + jobs_.size() * max_ready_ < kJobsAhead * max_ready_) {
      // A job takes a whole trip of input (the reader's reads are trips), or
      // the end; one with no new input only goes on where the last stopped.
      bool input = inbox_.size() >= max_ready_ || (input_ended_ && !last_sent_) ||
                   (more_ && jobs_.empty());
      if (!input) return;
      submit();
    }
  }

  void submit() {
    auto batch = std::make_shared<CodecBatch>();
    while (!inbox_.empty() && batch->input.size() < max_ready_) {
      batch->input.push_back(std::move(inbox_.front()));
      inbox_.pop_front();
    }
    batch->last = last_sent_ = input_ended_ && inbox_.empty();
    batch->spare = std::move(spare_);
    spare_.clear();
    more_ = false;
    jobs_.push_back(ctx_.pool.submit(
        [stream = stream_, batch, chunk = ctx_.chunk_size, most = max_ready_](
            std::stop_token stop) { stream->run(*batch, chunk, most, stop); },
        [this, batch](PoolJob::Outcome) { after_job(*batch); }, stream_.get()));
  }

  void after_job(CodecBatch& batch) {
    if (!jobs_.empty()) jobs_.pop_front();  // the strand's jobs end in order
    if (finishing()) return;
    if (!batch.error.empty()) return fail(about_input(batch.error));
    reader_->recycle(batch.spent);
    for (auto& chunk : batch.ready) ready_.push_back(std::move(chunk));
    for (auto& buffer : batch.spare) spare_.push_back(std::move(buffer));
    ended_ = batch.done;
    more_ = batch.more;
    pump();
  }

  void stop_work() override {
    jobs_.clear();
    if (reader_) reader_->stop();
    if (writer_) writer_->stop();
  }

  std::vector<std::string> patterns_;
  bool compress_;
  std::string format_name_;
  int level_;
  std::size_t max_ready_;  ///< chunks: a job's input, and its output at most
  std::string path_;
  std::shared_ptr<CodecStream> stream_;  ///< the pool's once the first job is submitted
  std::unique_ptr<ChunkReader> reader_;
  std::unique_ptr<ChunkWriter> writer_;
  std::deque<PoolJob> jobs_;  ///< in the strand's order
  std::deque<IoBuffer> inbox_;  ///< read, not yet handed to the pool
  std::deque<IoBuffer> ready_;  ///< made, not yet handed to the writer
  std::vector<IoBuffer> spare_;
  bool input_ended_ = false;
  bool last_sent_ = false;  ///< a job was given the end of the input
  bool more_ = false;       ///< the last job stopped at its output cap
  bool ended_ = false;      ///< the stream is complete
};

}  // namespace

std::unique_ptr<FileActionRun> make_codec_action(const Task& task, FileActionContext context,
                                                 FileActionRun::OnDone on_done) {
  return std::make_unique<CodecAction>(task, std::move(context), std::move(on_done));
}

}  // namespace sluice::detail
