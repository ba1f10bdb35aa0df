// hash: several files at once (one per pool thread), each read by its own
// ChunkReader and fed to its Hasher on the pool a few chunks per job, so
// that reads go on while a job hashes. The lines are kept in the order of
// `files` and written at the end.
#include <algorithm>
#include <deque>

#include "actions/action_base.hpp"
#include "actions/hasher.hpp"
#include "runtime/chunk_reader.hpp"
#include "runtime/chunk_writer.hpp"

namespace sluice::detail {
namespace {

constexpr unsigned kReadDepth = 16;
constexpr std::size_t kJobChunks = 8;

/// One file being hashed. `hasher` and `chunks` are the pool's while `job`
/// is pending, the loop's otherwise.
struct HashWork {
  std::unique_ptr<Hasher> hasher;
  std::vector<IoBuffer> chunks;
};

struct Unit {
  std::size_t index = 0;
  std::unique_ptr<ChunkReader> reader;
  std::shared_ptr<HashWork> work;
  PoolJob job;
  std::deque<IoBuffer> inbox;
  bool ended = false;
  bool busy = false;
};

class HashAction final : public ActionBase,
                         public ChunkReader::Listener,
                         public ChunkWriter::Listener {
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

  Unit& unit_of(const ChunkReader& reader) {
    return **std::find_if(units_.begin(), units_.end(),
                          [&](const auto& u) { return u->reader.get() == &reader; });
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
      unit.work = std::make_shared<HashWork>();
      unit.work->hasher = make_hasher(algo_);
      unit.ended = false;
      unit.reader = std::make_unique<ChunkReader>(
          ctx_.loop, std::make_shared<const UniqueFd>(std::move(opened.fd)), files_[unit.index],
          opened.size, ctx_.chunk_size, kReadDepth, *this);
      unit.reader->start();
    });
  }

  void on_chunk(ChunkReader& reader, IoBuffer chunk) override {
    Unit& unit = unit_of(reader);
    unit.inbox.push_back(std::move(chunk));
    pump(unit);
  }
  void on_end(ChunkReader& reader) override {
    Unit& unit = unit_of(reader);
    unit.ended = true;
    pump(unit);
  }
  void on_error(ChunkReader&, IoError error) override { fail(error.message); }

  void pump(Unit& unit) {
    if (finishing() || unit.job.pending()) return;
    if (unit.inbox.empty()) {
      if (unit.ended) finish_file(unit);
      return;
    }
    while (!unit.inbox.empty() && unit.work->chunks.size() < kJobChunks) {
      unit.work->chunks.push_back(std::move(unit.inbox.front()));
      unit.inbox.pop_front();
    }
    unit.job = ctx_.pool.submit(
        [work = unit.work](std::stop_token stop) {
          for (const auto& chunk : work->chunks) {
            if (stop.stop_requested()) return;
            work->hasher->update(chunk.view());
          }
        },
        [this, &unit](PoolJob::Outcome) {
          if (finishing()) return;
          for (auto& chunk : unit.work->chunks) unit.reader->recycle(std::move(chunk));
          unit.work->chunks.clear();
          pump(unit);
        });
  }

  void finish_file(Unit& unit) {
    // The digest is a block or two of work: the loop thread does it.
    lines_[unit.index] =
        checksum_line(algo_, unit.work->hasher->hex_digest(), display(files_[unit.index]));
    result_.bytes_read += unit.reader->bytes_read();
    unit.work.reset();
    next_file(unit);  // replaces unit.reader later, outside its callbacks
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
    for (auto& unit : units_) {
      unit->job.reset();
      if (unit->reader) unit->reader->stop();
    }
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
