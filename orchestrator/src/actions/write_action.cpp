// write: the task's content (templates already expanded by the loader; a
// `${{ tasks.X.outputs.K }}` resolved through the context) into `to`, a
// chunk at a time through a ChunkWriter.
#include <algorithm>

#include "actions/action_base.hpp"
#include "runtime/chunk_writer.hpp"

namespace sluice::detail {
namespace {

constexpr unsigned kWriteDepth = 4;

class WriteAction final : public ActionBase, public ChunkWriter::Listener {
 public:
  WriteAction(const Task& task, FileActionContext context, OnDone on_done)
      : ActionBase(std::move(context), std::move(on_done), task.extras().file.to),
        content_(task.extras().file.content) {}

  void start() override {
    if (!content_.is_literal() && !ctx_.resolve)
      return fail("write \"" + output_->target() + "\": content refers to task outputs, " +
                  "and nothing resolves them here");
    text_ = content_.is_literal() ? content_.text : ctx_.resolve(content_);
    create_output([this] {
      writer_ = std::make_unique<ChunkWriter>(ctx_.loop, output_->fd(), output_->target(), 0,
                                              kWriteDepth, *this);
      pump();
    });
  }

 private:
  void pump() {
    while (next_ < text_.size() && !writer_->full()) {
      std::size_t n = std::min(ctx_.chunk_size, text_.size() - next_);
      IoBuffer chunk(n);
      std::copy_n(text_.data() + next_, n, chunk.data());
      chunk.resize(n);
      next_ += n;
      writer_->write(std::move(chunk));
    }
    if (next_ == text_.size() && writer_->idle()) {
      result_.bytes_written = writer_->bytes_written();
      commit();
    }
  }

  void on_written(ChunkWriter&, IoBuffer) override {
    if (!finishing()) pump();
  }
  void on_error(ChunkWriter&, IoError error) override { fail(error.message); }
  void stop_work() override {
    if (writer_) writer_->stop();
  }

  Template content_;
  std::string text_;
  std::size_t next_ = 0;
  std::unique_ptr<ChunkWriter> writer_;
};

}  // namespace

std::unique_ptr<FileActionRun> make_write_action(const Task& task, FileActionContext context,
                                                 FileActionRun::OnDone on_done) {
  return std::make_unique<WriteAction>(task, std::move(context), std::move(on_done));
}

}  // namespace sluice::detail
