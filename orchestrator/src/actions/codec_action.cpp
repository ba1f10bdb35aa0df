// compress and decompress: a CodecPass reads, (de)compresses and writes on
// a pool thread, a step (kStepBytes of input and output) per job, into the
// temporary output. The loop thread only starts the steps and ends the
// action.
#include "actions/action_base.hpp"
#include "actions/codec_pass.hpp"

namespace sluice::detail {
namespace {

class CodecAction final : public ActionBase {
 public:
  CodecAction(const Task& task, FileActionContext context, OnDone on_done)
      : ActionBase(std::move(context), std::move(on_done), task.extras().file.to),
        patterns_(task.extras().file.from),
        compress_(task.action == ActionKind::Compress),
        format_name_(task.extras().file.format),
        level_(task.extras().file.level) {}

  void start() override {
    if (compress_ && !(codec_ = make_compressor_from_task())) return;
    expand_one(patterns_, verb(), [this](std::string path) {
      path_ = std::move(path);
      open_input(path_, [this](OpenedFile opened) {
        auto fd = std::make_shared<const UniqueFd>(std::move(opened.fd));
        create_output([this, fd] {
          pass_ = std::make_shared<CodecPass>(fd, path_, output_->fd(), output_->target(),
                                              ctx_.chunk_size, std::move(codec_));
          step();
        });
      });
    });
  }

 private:
  const char* verb() const { return compress_ ? "compress" : "decompress"; }

  std::unique_ptr<StreamCodec> make_compressor_from_task() {
    auto format = parse_compress_format(format_name_);
    if (!format) {
      fail("compress: unknown format '" + format_name_ + "' (expected gzip or zstd)");
      return nullptr;
    }
    auto level = compress_level(*format, level_);
    if (!level) {
      fail("compress: level " + std::to_string(level_) +
           " is out of range: " + level_range_message(*format));
      return nullptr;
    }
    return make_compressor(*format, *level);
  }

  void step() {
    auto status = std::make_shared<PassStatus>();
    pooled([pass = pass_, status, budget = std::max(kStepBytes, 2 * ctx_.chunk_size)](
               std::stop_token stop) { *status = pass->run(budget, stop); },
           [this, status] {
             result_.bytes_read = pass_->bytes_read();
             result_.bytes_written = pass_->bytes_written();
             if (*status == PassStatus::Failed) {
               if (!pass_->stream_error()) return fail(pass_->error());
               return fail(std::string(verb()) + " \"" + path_ + "\": " + pass_->error());
             }
             if (*status == PassStatus::More) return step();
             commit();
           });
  }

  std::vector<std::string> patterns_;
  bool compress_;
  std::string format_name_;
  int level_;
  std::string path_;
  std::unique_ptr<StreamCodec> codec_;  ///< the compressor, until the pass takes it
  std::shared_ptr<CodecPass> pass_;
};

}  // namespace

std::unique_ptr<FileActionRun> make_codec_action(const Task& task, FileActionContext context,
                                                 FileActionRun::OnDone on_done) {
  return std::make_unique<CodecAction>(task, std::move(context), std::move(on_done));
}

}  // namespace sluice::detail
