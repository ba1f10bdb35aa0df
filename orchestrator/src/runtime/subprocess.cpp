#include "runtime/subprocess.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sluice::detail {
namespace {

/// The kernel's RSS counters are per-CPU and read approximately (an error of
/// a few hundred KiB on a small machine): what the child inherited may read
/// a little above what we read after its exec.
constexpr std::int64_t kRssSlackKb = 1024;

}  // namespace

Subprocess::Subprocess(Loop& loop, ProcessSupervisor& supervisor, ReadBuffer& buffer,
                       Callbacks callbacks)
    : loop_(loop),
      supervisor_(supervisor),
      buffer_(buffer),
      callbacks_(std::move(callbacks)),
      drain_timer_(loop) {}

Subprocess::~Subprocess() {
  if (alive_) *alive_ = false;
  if (!started_ || finished_) return;
  drain_timer_.stop();
  if (!exited_) {
    signal_group(SIGKILL);
    watcher_.reset();
    reap_child(pid_, true);
    supervisor_.child_reaped(pid_);
  }
  supervisor_.sweep(pgid_, token_);
}

std::optional<SpawnError> Subprocess::start(SubprocessOptions options) {
  options_ = std::move(options);
  token_ = supervisor_.new_token();
  options_.spawn.env.push_back(std::string(ProcessSupervisor::kTokenVariable) + "=" + token_);

  UniqueFd read_end[2], write_end[2];
  if (options_.capture) {
    for (int i = options_.capture_stdout ? 0 : 1; i < 2; ++i) {
      int fds[2];
      if (::pipe2(fds, O_CLOEXEC) != 0)
        return SpawnError{errno, std::string("pipe: ") + std::strerror(errno)};
      read_end[i].reset(fds[0]);
      write_end[i].reset(fds[1]);
    }
    if (options_.capture_stdout) options_.spawn.stdio[1] = write_end[0].get();
    options_.spawn.stdio[2] = write_end[1].get();
  }
  SpawnResult result = spawn_child(options_.spawn);
  if (auto* error = std::get_if<SpawnError>(&result)) return std::move(*error);
  auto& child = std::get<SpawnedChild>(result);
  // Our copies of the write ends must go, or EOF never comes.
  write_end[0].reset();
  write_end[1].reset();

  started_ = true;
  pid_ = child.pid;
  pgid_ = options_.spawn.new_process_group ? child.pid : 0;
  inherited_rss_kb_ = child.inherited_max_rss_kb;
  supervisor_.child_started(pid_, pgid_);
  watcher_ = std::make_unique<ExitWatcher>(loop_, pid_, std::move(child.pidfd),
                                           [this](const ExitStatus& s) { on_exit(s); });
  if (options_.capture) {
    auto reader = [this](OutputStream stream, UniqueFd& fd) {
      return std::make_unique<PipeReader>(
          loop_, fd.release(), buffer_,
          [this, stream](std::string_view chunk) {
            if (callbacks_.on_output) callbacks_.on_output(stream, chunk);
          },
          [this, stream](int) { on_stream_end(stream); });
    };
    if (options_.capture_stdout) out_ = reader(OutputStream::Stdout, read_end[0]);
    err_ = reader(OutputStream::Stderr, read_end[1]);
    if (!paused_) {
      if (out_) out_->start();
      err_->start();
    }
  }
  return std::nullopt;
}

void Subprocess::signal_group(int sig) {
  if (pgid_ > 0)
    ::kill(-pgid_, sig);
  else if (!exited_)
    ::kill(pid_, sig);
}

void Subprocess::terminate() {
  if (!started_ || finished_) return;
  signal_group(SIGTERM);
  signal_group(SIGCONT);
}

void Subprocess::kill() {
  if (!started_ || finished_) return;
  signal_group(SIGKILL);
}

void Subprocess::suspend() {
  if (started_ && !finished_ && pgid_ > 0) ::kill(-pgid_, SIGSTOP);
}

void Subprocess::resume() {
  if (started_ && !finished_ && pgid_ > 0) ::kill(-pgid_, SIGCONT);
}

void Subprocess::close_stdout() {
  if (!out_ || out_->ended()) return;
  out_->close();
  maybe_finish();  // may destroy this object
}

void Subprocess::pause_reading() {
  paused_ = true;
  if (out_) out_->stop();
  if (err_) err_->stop();
}

void Subprocess::resume_reading() {
  paused_ = false;
  if (out_) out_->start();
  if (err_) err_->start();
}

void Subprocess::on_exit(const ExitStatus& status) {
  status_ = status;
  if (status_.max_rss_kb <= inherited_rss_kb_ + kRssSlackKb) status_.max_rss_kb = 0;
  exited_ = true;
  supervisor_.child_reaped(pid_);
  // The exit follows the EOFs, but the poller may not have reported them
  // yet: take them now instead of on another loop turn.
  bool alive = true;
  alive_ = &alive;
  for (PipeReader* reader : {out_.get(), err_.get()}) {
    if (reader) reader->read_ready();  // may finish and destroy us
    if (!alive) return;
  }
  alive_ = nullptr;
  // Paused by a slow consumer: a stream with nothing left in it ends now,
  // so the task's end (a timeout's TERM included) is not held up.
  if (paused_ && end_empty_streams()) return;
  bool open = (out_ && !out_->ended()) || (err_ && !err_->ended());
  if (open)
    drain_timer_.start(options_.drain_grace, [this] { on_drain_grace(); });
  maybe_finish();
}

void Subprocess::on_stream_end(OutputStream) {
  // A child closes its pipes (exit_files) a few microseconds before it turns
  // into a zombie (exit_notify), and each close wakes us on its own: waiting
  // for the exit right here beats sleeping in the loop and being woken twice
  // more. A task that closed its output and runs on costs this once a stream.
  if (!exited_ && watcher_ && options_.exit_wait.count() > 0) {
    watcher_->await_exit(options_.exit_wait);  // its report finishes us, and may destroy us
    return;
  }
  maybe_finish();
}

void Subprocess::on_drain_grace() {
  // Whoever still holds the pipes would outlive the task: kill them now, so
  // EOF follows right after the data they wrote.
  supervisor_.sweep(pgid_, token_);
  draining_to_cap_ = true;
  drain_timer_.start(options_.drain_cap, [this] { on_drain_cap(); });
}

bool Subprocess::end_empty_streams() {
  bool alive = true;
  alive_ = &alive;
  for (PipeReader* reader : {out_.get(), err_.get()}) {
    if (reader) reader->end_if_empty();  // may finish and destroy us
    if (!alive) return true;
  }
  alive_ = nullptr;
  return false;
}

void Subprocess::on_drain_cap() {
  if (paused_ && end_empty_streams()) return;
  if (paused_ && !bounded_drain_) {
    drain_timer_.start(options_.drain_cap, [this] { on_drain_cap(); });
    return;
  }
  if (out_) out_->close();
  if (err_) err_->close();
  maybe_finish();
}

void Subprocess::maybe_finish() {
  if (finished_ || !exited_) return;
  if ((out_ && !out_->ended()) || (err_ && !err_->ended())) return;
  finished_ = true;
  drain_timer_.stop();
  supervisor_.sweep(pgid_, token_);
  auto fn = std::move(callbacks_.on_finished);
  if (fn) fn(status_);  // may destroy this object
}

}  // namespace sluice::detail
