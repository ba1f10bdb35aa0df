#include "executors/process_task.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "executors/local_process_runner.hpp"
#include "executors/output_file.hpp"
#include "executors/stream_links.hpp"
#include "runtime/open_user_file.hpp"
#include "spec/arithmetic_value.hpp"

namespace sluice::detail {
namespace {

std::string signal_text(int sig) { return "signal " + std::to_string(sig); }

/// A task's additions to the shared base environment: NAME=VALUE, a later
/// NAME replacing an earlier one. A handful of entries: a linear search beats
/// hashing, and the base itself is never copied (SpawnRequest::base_env).
class EnvAdditions {
 public:
  void set(const std::string& name, const std::string& value) {
    for (auto& e : env_) {
      if (e.size() > name.size() && e[name.size()] == '=' && e.compare(0, name.size(), name) == 0) {
        e.replace(name.size() + 1, std::string::npos, value);
        return;
      }
    }
    env_.push_back(name + "=" + value);
  }
  std::vector<std::string> take() { return std::move(env_); }

 private:
  std::vector<std::string> env_;
};

}  // namespace

ProcessTask::ProcessTask(LocalProcessRunner& runner, TaskId id, int attempt)
    : runner_(runner),
      task_(runner.pipeline_.tasks.at(id)),
      id_(id),
      attempt_(attempt),
      outputs_(task_.outputs),
      streams_(runner.loop_,
               [this](bool full) {
                 files_full_ = full;
                 apply_reading();
               }),
      out_lines_(runner.options_.line_cap),
      err_lines_(runner.options_.line_cap),
      defer_(runner.loop_),
      tee_timer_(runner.loop_) {}

ProcessTask::~ProcessTask() {
  proc_.reset();  // kills and reaps a child still running
  if (!output_file_.empty() && !output_consumed_) ::unlinkat(runner_.output_dir_fd(), output_name(), 0);
}

bool ProcessTask::build_env(const Script* script, SpawnRequest& spawn, std::string& error) const {
  EnvAdditions b;
  for (const auto& [name, value] : task_.env) {
    auto v = runner_.values_.resolve(value, error);
    if (!v) return false;
    b.set(name, *v);
  }
  if (script) {
    for (const auto& [name, value] : script->values) {
      auto v = runner_.values_.resolve(value, error);
      if (!v) return false;
      // A task output in shell arithmetic must be an integer (SPEC §1.3).
      for (const auto& [arith, ref] : task_.extras().arithmetic_values) {
        if (arith == name && !is_shell_integer(*v)) {
          error = arithmetic_value_error(ref, *v);
          return false;
        }
      }
      b.set(name, *v);
    }
  }
  for (const auto& [name, value] : runner_.options_.secrets) b.set(name, value);
  if (!output_file_.empty()) b.set("SLUICE_OUTPUT", output_file_);
  spawn.env = b.take();
  spawn.base_env = &runner_.base_env_;
  return true;
}

std::unique_ptr<Subprocess> ProcessTask::make_subprocess() {
  return std::make_unique<Subprocess>(
      runner_.loop_, runner_.supervisor_, runner_.buffer_,
      Subprocess::Callbacks{
          [this](OutputStream s, std::string_view chunk) { on_output(s, chunk); },
          [this](const ExitStatus& st) {
            if (phase_ == Phase::If)
              on_if_finished(st);
            else
              on_action_finished(st);
          }});
}

void ProcessTask::start() {
  AttemptOutcome fail;
  fail.spawn_failed = true;
  const bool runs_if = attempt_ == 1 && task_.extras().if_cmd;
  if (!task_.is_process() && !runs_if) {
    fail.error = "not a process task";
    finish_later(fail);
    return;
  }
  if (task_.is_process()) {
    if (std::string e = outputs_.create_parents(); !e.empty()) {
      fail.error = e;
      finish_later(fail);
      return;
    }
    output_file_ = runner_.next_output_path(fail.error);
    if (output_file_.empty()) {
      finish_later(fail);
      return;
    }
  }

  if (runs_if) {
    SubprocessOptions opts;
    std::string error;
    if (!build_env(&*task_.extras().if_cmd, opts.spawn, error)) {
      fail.error = "if: " + error;
      finish_later(fail);
      return;
    }
    opts.spawn.argv = task_.shell;  // the loader's default, when the file names none
    opts.spawn.argv.push_back(task_.extras().if_cmd->text);
    opts.spawn.working_dir = task_.working_dir;
    opts.spawn.nofile_soft_limit = runner_.options_.child_nofile_soft;
    opts.spawn.reset_signals = runner_.reset_signals_;
    opts.capture = false;  // the condition's own output is discarded
    for (int& fd : opts.spawn.stdio) fd = runner_.dev_null_.get();
    phase_ = Phase::If;
    proc_ = make_subprocess();
    if (auto err = proc_->start(std::move(opts))) {
      proc_.reset();
      fail.error = "if: " + err->message;
      finish_later(fail);
    }
    return;
  }
  start_action();
}

void ProcessTask::on_if_finished(const ExitStatus& st) {
  // Still inside its own callback: parked, destroyed with this task.
  if_proc_ = std::move(proc_);
  AttemptOutcome out;
  out.cpu_ms = st.cpu_ms;
  out.max_rss_kb = st.max_rss_kb;
  if (st.exit_code == 0) {
    if (!task_.is_process()) {  // another runner's task: only its `if` ran here
      out.condition_passed = true;
      finish(out);
      return;
    }
    start_action();
    return;
  }
  if (st.exit_code && *st.exit_code >= 1 && *st.exit_code <= 125) {
    out.skipped_by_if = true;
    out.exit_code = st.exit_code;
    finish(out);
    return;
  }
  out.exit_code = st.exit_code;
  out.signal = st.signal;
  out.error = st.exit_code ? "if: exit " + std::to_string(*st.exit_code)
                           : st.signal ? "if: " + signal_text(*st.signal) : "if: exit status lost";
  finish(out);
}

void ProcessTask::start_action() {
  AttemptOutcome fail;
  fail.spawn_failed = true;
  SubprocessOptions opts;
  std::string error;
  const Script* script = task_.action == ActionKind::Run ? &task_.run : nullptr;
  if (!build_env(script, opts.spawn, error)) {
    fail.error = error;
    finish_later(fail);
    return;
  }
  if (task_.action == ActionKind::Run) {
    opts.spawn.argv = task_.shell;
    opts.spawn.argv.push_back(task_.run.text);
  } else {
    for (const auto& arg : task_.cmd) {
      auto v = runner_.values_.resolve(arg, error);
      if (!v) {
        fail.error = error;
        finish_later(fail);
        return;
      }
      opts.spawn.argv.push_back(std::move(*v));
    }
  }
  opts.spawn.working_dir = task_.working_dir;
  opts.spawn.nofile_soft_limit = runner_.options_.child_nofile_soft;
  opts.spawn.reset_signals = runner_.reset_signals_;
  opts.drain_grace = runner_.options_.drain_grace;
  opts.drain_cap = runner_.options_.drain_cap;
  // More tasks than cores: the exiting child may wait for a CPU, and a spin
  // for its exit would only take that CPU from it (W2 at -j8 was 8 % slower).
  if (runner_.running() > runner_.cpus_) opts.exit_wait = std::chrono::microseconds{0};
  if (task_.interactive) {
    opts.capture = false;
    opts.spawn.new_process_group = false;
    opts.spawn.stdio[0] = 0;
    opts.spawn.stdio[1] = runner_.options_.interactive_stdout;
    opts.spawn.stdio[2] = 2;
  } else {
    switch (task_.extras().stdin_spec.kind) {
      case StdinSpec::Kind::Null:
        opts.spawn.stdio[0] = runner_.dev_null_.get();  // -1 (spawn opens one) if it failed
        break;
      case StdinSpec::Kind::Text: {
        auto text = runner_.values_.resolve(task_.extras().stdin_spec.text, error);
        if (!text) {
          fail.error = error;
          finish_later(fail);
          return;
        }
        // A memfd holds any size without a writer on the loop.
        stdin_fd_.reset(::memfd_create("sluice-stdin", MFD_CLOEXEC));
        bool ok = stdin_fd_.valid();
        for (std::size_t off = 0; ok && off < text->size();) {
          ssize_t n = ::write(stdin_fd_.get(), text->data() + off, text->size() - off);
          if (n < 0 && errno == EINTR) continue;
          ok = n > 0;
          off += n > 0 ? static_cast<std::size_t>(n) : 0;
        }
        if (!ok || ::lseek(stdin_fd_.get(), 0, SEEK_SET) != 0) {
          fail.error = std::string("stdin: ") + std::strerror(errno);
          finish_later(fail);
          return;
        }
        opts.spawn.stdio[0] = stdin_fd_.get();
        break;
      }
      case StdinSpec::Kind::File:
        // The file itself becomes the child's stdin: streamed by the kernel.
        stdin_fd_ = open_user_file(task_.extras().stdin_spec.path, O_RDONLY, 0, error);
        if (!stdin_fd_.valid()) {
          fail.error = "stdin file " + task_.extras().stdin_spec.path + ": " + error;
          finish_later(fail);
          return;
        }
        opts.spawn.stdio[0] = stdin_fd_.get();
        break;
      case StdinSpec::Kind::Task:
        break;  // connect_streams
    }
    if (!connect_streams(opts, fail)) return;
  }
  if (std::string e = streams_.open(task_, attempt_); !e.empty()) {
    fail.error = std::move(e);
    finish_later(fail);
    return;
  }
  phase_ = Phase::Action;
  proc_ = make_subprocess();
  apply_reading();
  if (bounded_drain_) proc_->bound_drain();
  if (auto err = proc_->start(std::move(opts))) {
    proc_.reset();
    stdin_fd_.reset();
    stdout_fd_.reset();
    fail.error = err->message;
    finish_later(fail);
    return;
  }
  stdin_fd_.reset();  // the child has its copies
  stdout_fd_.reset();
  runner_.task_started(id_, proc_->pid());
}

bool ProcessTask::connect_streams(SubprocessOptions& opts, AttemptOutcome& fail) {
  StreamLinks* links = runner_.links_.get();
  if (task_.extras().stdin_spec.kind == StdinSpec::Kind::Task) {
    std::string error = "stdin: stream edges are not set up for this run";
    if (links) stdin_fd_ = links->take_stdin(id_, error);
    if (!stdin_fd_.valid()) {
      fail.error = std::move(error);
      finish_later(fail);
      return false;
    }
    opts.spawn.stdio[0] = stdin_fd_.get();
  }
  if (!links || !links->is_producer(id_)) return true;
  producer_ = true;
  // A shell pipe's writer dies of SIGPIPE when its reader leaves, whatever
  // sluice inherited: else `yes` into `head` would fail on EPIPE.
  opts.spawn.reset_signals = runner_.producer_reset_signals_;
  std::string error;
  std::vector<UniqueFd> ends = links->take_stdout(id_, error);
  if (ends.empty()) {
    fail.error = std::move(error);
    finish_later(fail);
    return false;
  }
  if (links->plain(id_)) {
    stdout_fd_ = std::move(ends.front());
    opts.capture_stdout = false;
    opts.spawn.stdio[1] = stdout_fd_.get();
    return true;
  }
  watch_stdout_ = links->watched(id_);
  tee_ = std::make_unique<StreamTee>(
      runner_.loop_, std::move(ends),
      [this](bool blocked) {
        tee_blocked_ = blocked;
        apply_reading();
      },
      [this] {
        // Nobody reads any more: closing stdout gives the producer SIGPIPE.
        // Not from inside the reader's own callback.
        if (!watch_stdout_)
          tee_timer_.start(std::chrono::milliseconds(0), [this] {
            if (proc_) proc_->close_stdout();  // may finish this task
          });
      });
  return true;
}

void ProcessTask::abandon_tee() {
  if (!tee_) return;
  tee_->abandon();  // a stopped producer's consumers get EOF now
  if (delivering_ && phase_ != Phase::Done) finish_later(*delivering_);
}

void ProcessTask::apply_reading() {
  if (!proc_) return;
  if (paused_ || tee_blocked_ || files_full_)
    proc_->pause_reading();
  else
    proc_->resume_reading();
}

void ProcessTask::forgive_sigpipe(AttemptOutcome& out) const {
  if (!producer_ || signalled_) return;
  const bool sigpipe = (out.signal && *out.signal == SIGPIPE) ||
                       (task_.action == ActionKind::Run && out.exit_code &&
                        *out.exit_code == 128 + SIGPIPE);
  if (!sigpipe) return;
  out.signal.reset();
  out.exit_code = 0;
}

void ProcessTask::on_output(OutputStream stream, std::string_view chunk) {
  if (tee_ && stream == OutputStream::Stdout) {
    tee_->write(chunk);
    if (!watch_stdout_) return;
  }
  StreamKind kind = stream == OutputStream::Stdout ? StreamKind::Stdout : StreamKind::Stderr;
  LineSplitter& split = stream == OutputStream::Stdout ? out_lines_ : err_lines_;
  split.feed(chunk, [&](std::string_view lines) { emit_lines(kind, lines); });
}

void ProcessTask::on_action_finished(const ExitStatus& st) {
  out_lines_.finish([&](std::string_view l) { emit_lines(StreamKind::Stdout, l); });
  err_lines_.finish([&](std::string_view l) { emit_lines(StreamKind::Stderr, l); });
  AttemptOutcome out;
  out.exit_code = st.exit_code;
  out.signal = st.signal;
  out.cpu_ms = st.cpu_ms;
  out.max_rss_kb = st.max_rss_kb;
  if (!st.exit_code && !st.signal) out.error = "exit status lost (reaped elsewhere)";
  forgive_sigpipe(out);
  streams_.finish([this, out = std::move(out)](std::string stream_error) mutable {
    if (out.succeeded()) out.error = std::move(stream_error);
    check_outputs(std::move(out));
  });
}

void ProcessTask::check_outputs(AttemptOutcome out) {
  if (out.succeeded()) {
    if (auto missing = outputs_.first_missing()) out.error = "output not created: " + *missing;
  }
  if (out.succeeded()) {
    OutputFile file = parse_output_file(take_output_file());
    if (!file.error.empty()) {
      out.error = "$SLUICE_OUTPUT " + file.error;
    } else if (!file.values.empty()) {
      runner_.values_.store(task_.name, std::move(file.values));
    }
  }
  if (!out.succeeded() || signalled_) outputs_.remove_changed();
  if (tee_) {
    // The consumers get what is still pending, then EOF; the attempt ends
    // once its output is delivered.
    delivering_ = out;
    tee_->close([this] { finish(*delivering_); });
    return;
  }
  finish(out);
}

void ProcessTask::emit_lines(StreamKind stream, std::string_view lines) {
  streams_.write(stream, lines);  // the task's own data: unmasked
  runner_.task_output(id_, stream, lines);
}

const char* ProcessTask::output_name() const {
  return output_file_.c_str() + output_file_.rfind('/') + 1;
}

std::string ProcessTask::take_output_file() {
  std::string text;
  UniqueFd fd(::openat(runner_.output_dir_fd(), output_name(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    // ENOENT: the task wrote no outputs (the common case, one syscall).
    output_consumed_ = errno == ENOENT;
    return text;
  }
  char buf[16 * 1024];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  output_consumed_ = ::unlinkat(runner_.output_dir_fd(), output_name(), 0) == 0;
  return text;
}

void ProcessTask::finish_later(AttemptOutcome outcome) {
  phase_ = Phase::Done;
  defer_.start(std::chrono::milliseconds(0), [this, outcome = std::move(outcome)] { finish(outcome); });
}

void ProcessTask::finish(AttemptOutcome outcome) {
  phase_ = Phase::Done;
  runner_.task_finished(id_, std::move(outcome));  // destroys this object later, not now
}

// A task sluice stops (timeout, cancel) must end even when a reader of its
// output stalled: what it has not taken after the drain cap is dropped.
void ProcessTask::terminate() {
  signalled_ = true;
  abandon_tee();
  bound_drain();
  if (proc_) proc_->terminate();
}

void ProcessTask::kill() {
  signalled_ = true;
  abandon_tee();
  bound_drain();
  if (proc_) proc_->kill();
}

void ProcessTask::suspend() {
  if (proc_) proc_->suspend();
}

void ProcessTask::resume() {
  if (proc_) proc_->resume();
}

void ProcessTask::pause_reading() {
  paused_ = true;
  apply_reading();
}

void ProcessTask::bound_drain() {
  bounded_drain_ = true;
  if (proc_) proc_->bound_drain();
}

void ProcessTask::resume_reading() {
  paused_ = false;
  apply_reading();
}

}  // namespace sluice::detail
