// The outputs of one run behind one fan-out (see run_outputs.hpp).
#include "engine/run_outputs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <system_error>

#include "runtime/write_all.hpp"
#include "sinks/observer_sink.hpp"

namespace sluice::detail {
namespace {

using Output = OutputFailures::Output;

/// How long an interrupted run's outputs may hold its end for a reader
/// that stopped reading (as long as a task's drain cap).
constexpr std::chrono::milliseconds kGiveUp{2000};

bool no_color_env() {
  const char* v = std::getenv("NO_COLOR");
  return v && *v;
}

UniqueFd open_events_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) {
    throw std::runtime_error("cannot open events file " + path + ": " +
                             std::generic_category().message(errno));
  }
  return fd;
}

}  // namespace

RunOutputs::RunOutputs(Loop& loop, const Pipeline& pipeline, const std::vector<TaskId>& selected,
                       const RunOptions& options, std::vector<std::string> secrets, Hooks hooks)
    : loop_(loop),
      pipeline_(pipeline),
      hooks_(std::move(hooks)),
      failures_(loop, OutputFailures::Hooks{[this](Output o) { drop(o); },
                                            [this](const std::string& text) { report(text); },
                                            [this] { broken_pipe(); }}),
      give_up_(std::make_unique<Timer>(loop)) {
  give_up_->unref();
  // The events file first: when it cannot be opened, nothing else is made.
  std::unique_ptr<Sink> events = make_events(options);
  std::unique_ptr<Sink> console = make_console(selected, options);
  // The order of the fan-out is the order in which sinks hear an event.
  if (console) fan_out_.add(std::move(console));
  if (events) fan_out_.add(std::move(events));
  for (RunObserver* observer : options.observers)
    if (observer) fan_out_.add(std::make_unique<ObserverSink>(*observer));
  chain_ = std::make_unique<MaskingSink>(std::move(secrets), fan_out_);
}

RunOutputs::~RunOutputs() = default;

std::unique_ptr<Sink> RunOutputs::make_events(const RunOptions& options) {
  const std::string& path = options.events_path;
  if (path.empty()) return nullptr;
  const bool on_stdout = path == "-";
  events_out_ = on_stdout ? std::make_unique<WriterOutput>(loop_, STDOUT_FILENO)
                          : std::make_unique<WriterOutput>(loop_, open_events_file(path));
  failures_.describe(Output::Events, "events to " + (on_stdout ? std::string("stdout") : path),
                     on_stdout);
  events_out_->writer().set_on_drained([this] { drained(); });
  events_out_->writer().set_on_error([this](int err) { failures_.failed(Output::Events, err); });
  auto sink = std::make_unique<JsonlEventSink>(*events_out_);
  events_ = sink.get();
  return sink;
}

std::unique_ptr<Sink> RunOutputs::make_console(const std::vector<TaskId>& selected,
                                               const RunOptions& options) {
  if (options.output == OutputMode::None) return nullptr;
  // With the event stream on stdout, everything else goes to stderr (SPEC §4).
  const bool events_on_stdout = options.events_path == "-";
  console_out_ = std::make_unique<WriterOutput>(loop_, events_on_stdout ? STDERR_FILENO
                                                                        : STDOUT_FILENO);
  ConsoleOptions c;
  c.mode = options.output;
  c.color = options.color;
  c.no_color_env = no_color_env();
  c.summary = !options.quiet;
  c.verbose = options.verbose;
  c.task_names.reserve(selected.size());
  for (TaskId t : selected) {
    const Task& task = pipeline_.tasks[t];
    c.task_names.push_back(task.name);
    if (task.interactive) {
      c.interactive.resize(pipeline_.tasks.size());
      c.interactive[t] = true;
    }
    const std::uint8_t off = (task.extras().stdout_spec.console ? 0 : 1) |
                             (task.extras().stderr_spec.console ? 0 : 2);
    if (off != 0) {
      c.off_console.resize(pipeline_.tasks.size());
      c.off_console[t] = off;
    }
  }
  auto sink = std::make_unique<ConsoleSink>(*console_out_, std::move(c));
  console_ = sink.get();
  failures_.describe(Output::Console, events_on_stdout ? "to stderr" : "to stdout",
                     !events_on_stdout);
  console_out_->writer().set_on_drained([this] { drained(); });
  console_out_->writer().set_on_error([this](int err) { failures_.failed(Output::Console, err); });
  if (console_out_->is_tty()) {
    tick_ = std::make_unique<Timer>(loop_);
    tick_->start(
        std::chrono::milliseconds(200), [this] { console_->tick(Clock::now()); },
        std::chrono::milliseconds(200));
    tick_->unref();
  }
  return sink;
}

void RunOutputs::emit(const Event& event) {
  const auto* finished = std::get_if<RunFinished>(&event);
  if (!finished) {
    chain_->on_event(event);
    return;
  }
  RunFinished f = *finished;
  f.status = failures_.status(f.status);  // an output failed: the run did not fully succeed
  if (f.status == RunStatus::Interrupted) {
    // A reader that stopped reading must not keep an interrupted run alive:
    // what it has not taken after the drain cap is dropped.
    give_up_->start(kGiveUp, [this] {
      for (WriterOutput* out : {console_out_.get(), events_out_.get()})
        if (out) out->writer().abandon();
    });
  }
  chain_->on_event(f);
}

void RunOutputs::task_output(TaskId task, StreamKind stream, std::string_view lines) {
  chain_->on_event(TaskOutput{Clock::now(), task, pipeline_.tasks[task].name, stream, lines});
}

void RunOutputs::interrupting(int signo, bool killing) {
  if (console_) console_->interrupting(signo, killing);
}

void RunOutputs::drained() {
  fan_out_.pump();
  if (hooks_.flow_changed) hooks_.flow_changed();
}

void RunOutputs::drop(Output output) {
  // A failed sink shows nothing more: closing the console lets go of what it
  // held back (grouped replays), so it can never keep the pipes paused.
  if (output == Output::Console && console_) console_->close();
  if (output == Output::Events && events_) {
    fan_out_.remove(*events_);
    events_ = nullptr;
  }
  if (hooks_.flow_changed) hooks_.flow_changed();
}

void RunOutputs::report(const std::string& text) {
  if (!console_) return;  // a library run without a console prints nothing
  console_->add_problem(text);  // the summary says why the run failed
  console_->clear_status();
  write_all(STDERR_FILENO, "sluice: " + text + "\n");
}

void RunOutputs::broken_pipe() {
  if (!hooks_.cancel_for_broken_pipe || !hooks_.cancel_for_broken_pipe()) return;
  // Only the event stream broke: the console on stderr can still say why.
  if (console_ && !failures_.failed(Output::Console))
    console_->add_problem("stdout was closed by its reader: run cancelled");
}

void RunOutputs::finish(RunResult& result) {
  chain_->close();
  failures_.apply(result);
}

}  // namespace sluice::detail
