// hash: several files at once (one per pool thread), each read by its own
// ChunkReader and fed to its Hasher on the pool a trip (kTripBytes) per
// job, so that reads go on while a job hashes. A file's jobs run on one
// strand, the next queued while one runs (kJobsAhead), so the pool thread
// goes on without waiting for the loop thread. The lines are kept in the
// order of `files` and written at the end.
#include <algorithm>
#include <deque>

#include "actions/action_base.hpp"
#include "actions/hasher.hpp"
#include "runtime/chunk_reader.hpp"
#include "runtime/chunk_writer.hpp"

namespace sluice::detail {
namespace {

/// Per file: read ahead up to 4 trips; a job hashes 1 trip.
constexpr std::size_t kReadBytes = 4 * kTripBytes;
constexpr std::size_t kJobsAhead = 2;

/// One file being hashed. `hasher` is the pool's while jobs are queued.
struct Unit {
  std::size_t index = 0;
  std::unique_ptr<ChunkReader> reader;
  std::shared_ptr<Hasher> hasher;
  std::deque<PoolJob> jobs;  ///< in the strand's order
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
      unit.hasher = make_hasher(algo_);
      unit.ended = false;
      unit.reader = std::make_unique<ChunkReader>(
          ctx_.loop, std::make_shared<const UniqueFd>(std::move(opened.fd)), files_[unit.index],
          opened.size, ctx_.chunk_size, chunks_in(kReadBytes, ctx_.chunk_size), *this);
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
    if (finishing()) return;
    std::size_t trip = chunks_in(kTripBytes, ctx_.chunk_size);
    // A job takes a whole trip (the reader's reads are trips), or the rest.
    while (unit.jobs.size() < kJobsAhead &&
           (unit.inbox.size() >= trip || (unit.ended && !unit.inbox.empty()))) {
      auto batch = std::make_shared<std::vector<IoBuffer>>();
      while (!unit.inbox.empty() && batch->size() < trip) {
        batch->push_back(std::move(unit.inbox.front()));
        unit.inbox.pop_front();
      }
      unit.jobs.push_back(ctx_.pool.submit(
          [hasher = unit.hasher, batch](std::stop_token stop) {
            for (const auto& chunk : *batch) {
              if (stop.stop_requested()) return;
              hasher->update(chunk.view());
            }
          },
          [this, &unit, batch](PoolJob::Outcome) {
            unit.jobs.pop_front();  // the strand's jobs end in order
            if (finishing()) return;
            unit.reader->recycle(*batch);
            pump(unit);
          },
          unit.hasher.get()));
    }
    if (unit.ended && unit.inbox.empty() && unit.jobs.empty()) finish_file(unit);
  }

  void finish_file(Unit& unit) {
    // The digest is a block or two of work: the loop thread does it.
    lines_[unit.index] =
        checksum_line(algo_, unit.hasher->hex_digest(), display(files_[unit.index]));
    result_.bytes_read += unit.reader->bytes_read();
    unit.hasher.reset();
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
      unit->jobs.clear();
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
