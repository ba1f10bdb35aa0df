// copy and concat: bytes moved unchanged, so the kernel moves them
// (RangeCopier: copy_file_range, or read/write where it refuses), a step of
// at most kStepBytes (action_base.hpp) per trip to an fs thread. The step polls the action's
// stop token between chunks: a cancel waits for at most one chunk.
#include <algorithm>

#include "actions/action_base.hpp"
#include "actions/range_copier.hpp"

namespace sluice::detail {
namespace {

class TransferAction final : public ActionBase {
 public:
  TransferAction(const Task& task, FileActionContext context, OnDone on_done)
      : ActionBase(std::move(context), std::move(on_done), task.extras().file.to),
        patterns_(task.extras().file.from),
        concat_(task.action == ActionKind::Concat) {}

  void start() override {
    if (concat_) {
      expand(patterns_, [this](std::vector<std::string> paths) {
        inputs_ = std::move(paths);
        next_input();
      });
    } else {
      expand_one(patterns_, "copy", [this](std::string path) {
        inputs_ = {std::move(path)};
        next_input();
      });
    }
  }

 private:
  void next_input() {
    if (index_ == inputs_.size()) {
      if (output_->fd()) return commit();
      return create_output([this] { commit(); });
    }
    open_input(inputs_[index_], [this](OpenedFile opened) {
      input_ = std::make_shared<const UniqueFd>(std::move(opened.fd));
      if (output_->fd()) return begin_copy();
      create_output([this] { begin_copy(); });
    });
  }

  void begin_copy() {
    copier_ = std::make_shared<RangeCopier>(input_->get(), inputs_[index_], output_->fd()->get(),
                                            output_->target(), offset_, ctx_.chunk_size);
    step();
  }

  void step() {
    auto status = std::make_shared<RangeCopier::Status>();
    // The work holds the copier and both fds: it may outlive the action.
    blocking(
        [copier = copier_, in = input_, out = output_->fd(), status, stop = stop_.get_token(),
         budget = std::max(kStepBytes, ctx_.chunk_size)] { *status = copier->run(budget, stop); },
        [this, status] { after_step(*status); });
  }

  void after_step(RangeCopier::Status status) {
    result_.bytes_read = done_bytes_ + copier_->copied();
    result_.bytes_written = result_.bytes_read;
    if (status == RangeCopier::Status::Failed) return fail(copier_->error().message);
    if (status == RangeCopier::Status::More) return step();
    done_bytes_ += copier_->copied();
    offset_ = copier_->out_offset();
    copier_.reset();
    input_.reset();
    ++index_;
    next_input();
  }

  std::vector<std::string> patterns_;
  bool concat_;
  std::vector<std::string> inputs_;
  std::size_t index_ = 0;
  SharedFd input_;
  std::shared_ptr<RangeCopier> copier_;
  std::int64_t offset_ = 0;
  std::uint64_t done_bytes_ = 0;
};

}  // namespace

std::unique_ptr<FileActionRun> make_transfer_action(const Task& task, FileActionContext context,
                                                    FileActionRun::OnDone on_done) {
  return std::make_unique<TransferAction>(task, std::move(context), std::move(on_done));
}

}  // namespace sluice::detail
