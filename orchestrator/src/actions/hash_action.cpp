// hash: several files at once, one per pool thread, each a HashPass that
// reads and hashes its own chunks on the pool thread, a step (kStepBytes)
// per job. The lines are kept in the order of `files` and written at the end.
#include <algorithm>

#include "actions/action_base.hpp"
#include "actions/hash_pass.hpp"
#include "runtime/chunk_writer.hpp"

namespace sluice::detail {
namespace {

/// One file being hashed: the pool's while a step runs.
struct Unit {
  std::size_t index = 0;
  std::shared_ptr<HashPass> pass;
  bool busy = false;
};

class HashAction final : public ActionBase, public ChunkWriter::Listener {
 public:
  HashAction(const Task& task, FileActionContext context, OnDone on_done)
      : ActionBase(std::move(context), std::move(on_done), task.extras().file.to),
        patterns_(task.extras().file.from),
        algo_name_(task.extras().file.algo),
        dir_(ctx_.working_dir.empty() ? task.working_dir.str() : ctx_.working_dir) {}

  void start() override {
    auto algo = parse_hash_algo(algo_name_.empty() ? "sha256" : algo_name_);
    if (!algo) return fail("hash: unknown algo '" + algo_name_ + "' (expected sha256 or xxh3)");
    algo_ = *algo;
    expand(patterns_, [this](std::vector<std::string> paths) {
      files_ = std::move(paths);
      lines_.resize(files_.size());
      create_output([this] {
        std::size_t n = std::min<std::size_t>(std::max(ctx_.pool.size(), 1u), files_.size());
        for (std::size_t i = 0; i < n; ++i) units_.push_back(std::make_unique<Unit>());
        for (auto& unit : units_) next_file(*unit);
        if (units_.empty()) write_lines();
      });
    });
  }

 private:
  /// The name a line gives `path`: relative to the working directory when below it.
  std::string display(const std::string& path) const {
    if (!dir_.empty() && path.size() > dir_.size() && path.compare(0, dir_.size(), dir_) == 0 &&
        (dir_.back() == '/' || path[dir_.size()] == '/'))
      return path.substr(dir_.size() + (dir_.back() == '/' ? 0 : 1));
    return path;
  }

  void next_file(Unit& unit) {
    if (next_ == files_.size()) {
      unit.busy = false;
      if (std::none_of(units_.begin(), units_.end(), [](const auto& u) { return u->busy; }))
        write_lines();
      return;
    }
    unit.busy = true;
    unit.index = next_++;
    open_input(files_[unit.index], [this, &unit](OpenedFile opened) {
      unit.pass = std::make_shared<HashPass>(std::make_shared<const UniqueFd>(std::move(opened.fd)),
                                             files_[unit.index], ctx_.chunk_size, algo_);
      step(unit);
    });
  }

  void step(Unit& unit) {
    auto status = std::make_shared<PassStatus>();
    pooled([pass = unit.pass, status, budget = std::max(kStepBytes, ctx_.chunk_size)](
               std::stop_token stop) { *status = pass->run(budget, stop); },
           [this, &unit, status] {
             if (*status == PassStatus::Failed) return fail(unit.pass->error().message);
             if (*status == PassStatus::More) return step(unit);
             finish_file(unit);
           });
  }

  void finish_file(Unit& unit) {
    // The digest is a block or two of work: the loop thread does it.
    lines_[unit.index] =
        checksum_line(algo_, unit.pass->hex_digest(), display(files_[unit.index]));
    result_.bytes_read += unit.pass->bytes_read();
    unit.pass.reset();
    next_file(unit);
  }

  void write_lines() {
    std::string text;
    for (const auto& line : lines_) text += line;
    IoBuffer buffer(text.size());
    std::copy(text.begin(), text.end(), buffer.data());
    buffer.resize(text.size());
    writer_ =
        std::make_unique<ChunkWriter>(ctx_.loop, output_->fd(), output_->target(), 0, 1, *this);
    if (buffer.empty()) return commit();
    writer_->write(std::move(buffer));
  }
  void on_written(ChunkWriter& writer, IoBuffer) override {
    result_.bytes_written = writer.bytes_written();
    commit();
  }
  void on_error(ChunkWriter&, IoError error) override { fail(error.message); }

  void stop_work() override {
    if (writer_) writer_->stop();
  }

  std::vector<std::string> patterns_;
  std::string algo_name_;
  std::string dir_;
  HashAlgo algo_ = HashAlgo::Sha256;
  std::vector<std::string> files_;
  std::vector<std::string> lines_;
  std::vector<std::unique_ptr<Unit>> units_;
  std::size_t next_ = 0;
  std::unique_ptr<ChunkWriter> writer_;
};

}  // namespace

std::unique_ptr<FileActionRun> make_hash_action(const Task& task, FileActionContext context,
                                                FileActionRun::OnDone on_done) {
  return std::make_unique<HashAction>(task, std::move(context), std::move(on_done));
}

}  // namespace sluice::detail
