// compress and decompress: ChunkReader -> CodecWork on the pool -> ChunkWriter
// into the temporary output, the three overlapping: a job takes at most
// kJobChunks of the kReadDepth chunks the reader keeps out, so reads go on
// meanwhile, and the writer writes what earlier jobs made. Memory stays
// bounded whatever the ratio: a job makes at most kMaxReady chunks of
// output, and no job starts while that much waits for the writer.
#include <deque>

#include "actions/action_base.hpp"
#include "actions/codec_work.hpp"
#include "runtime/chunk_reader.hpp"
#include "runtime/chunk_writer.hpp"

namespace sluice::detail {
namespace {

constexpr unsigned kReadDepth = 16;
constexpr std::size_t kJobChunks = 4;
constexpr unsigned kWriteDepth = 4;
constexpr std::size_t kMaxReady = 4;

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
        work_(std::make_shared<CodecWork>()) {}

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
    work_->codec = make_compressor(*format, *level);
    return true;
  }

  void begin(const SharedFd& fd, std::int64_t size) {
    reader_ = std::make_unique<ChunkReader>(ctx_.loop, fd, path_, size, ctx_.chunk_size, kReadDepth,
                                            *this);
    writer_ = std::make_unique<ChunkWriter>(ctx_.loop, output_->fd(), output_->target(), 0,
                                            kWriteDepth, *this);
    reader_->start();
  }

  void on_chunk(ChunkReader&, IoBuffer chunk) override {
    if (!work_->codec) {
      auto format = detect_format(chunk.view());
      if (!format) return fail(about_input(unknown_format_message(chunk.view())));
      work_->codec = make_decompressor(*format);
    }
    inbox_.push_back(std::move(chunk));
    pump();
  }
  void on_end(ChunkReader&) override {
    if (!work_->codec) return fail(about_input(unknown_format_message({})));
    input_ended_ = true;
    pump();
  }
  void on_error(ChunkReader&, IoError error) override { fail(error.message); }
  void on_written(ChunkWriter&, IoBuffer buffer) override {
    if (spare_.size() < kMaxReady) spare_.push_back(std::move(buffer));
    pump();
  }
  void on_error(ChunkWriter&, IoError error) override { fail(error.message); }

  void pump() {
    if (finishing()) return;
    while (!ready_.empty() && !writer_->full()) {
      writer_->write(std::move(ready_.front()));
      ready_.pop_front();
    }
    if (job_.pending()) return;
    if (work_->done) {
      if (ready_.empty() && writer_->idle()) {
        result_.bytes_read = reader_->bytes_read();
        result_.bytes_written = writer_->bytes_written();
        commit();
      }
      return;
    }
    bool input = !inbox_.empty() || !work_->input.empty() || input_ended_;
    if (ready_.size() >= kMaxReady || !input) return;
    submit();
  }

  void submit() {
    while (!inbox_.empty() && work_->input.size() < kJobChunks) {
      work_->input.push_back(std::move(inbox_.front()));
      inbox_.pop_front();
    }
    work_->last = input_ended_ && inbox_.empty();
    for (auto& buffer : spare_) work_->spare.push_back(std::move(buffer));
    spare_.clear();
    job_ = ctx_.pool.submit([work = work_, chunk = ctx_.chunk_size](
                                std::stop_token stop) { work->run(chunk, kMaxReady, stop); },
                            [this](PoolJob::Outcome) { after_job(); });
  }

  void after_job() {
    if (finishing()) return;
    if (!work_->error.empty()) return fail(about_input(work_->error));
    for (auto& buffer : work_->spent) reader_->recycle(std::move(buffer));
    work_->spent.clear();
    for (auto& chunk : work_->ready) ready_.push_back(std::move(chunk));
    work_->ready.clear();
    pump();
  }

  void stop_work() override {
    job_.reset();
    if (reader_) reader_->stop();
    if (writer_) writer_->stop();
  }

  std::vector<std::string> patterns_;
  bool compress_;
  std::string format_name_;
  int level_;
  std::string path_;
  std::shared_ptr<CodecWork> work_;  ///< the pool's while job_ is pending
  std::unique_ptr<ChunkReader> reader_;
  std::unique_ptr<ChunkWriter> writer_;
  PoolJob job_;
  std::deque<IoBuffer> inbox_;  ///< read, not yet handed to the pool
  std::deque<IoBuffer> ready_;  ///< made, not yet handed to the writer
  std::vector<IoBuffer> spare_;
  bool input_ended_ = false;
};

}  // namespace

std::unique_ptr<FileActionRun> make_codec_action(const Task& task, FileActionContext context,
                                                 FileActionRun::OnDone on_done) {
  return std::make_unique<CodecAction>(task, std::move(context), std::move(on_done));
}

}  // namespace sluice::detail
