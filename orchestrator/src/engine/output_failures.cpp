// The output-failure policy of a run (see output_failures.hpp).
#include "engine/output_failures.hpp"

#include <cerrno>
#include <csignal>
#include <system_error>

namespace sluice::detail {
namespace {

std::string failure_text(const std::string& what, int err) {
  return "cannot write " + what + ": " + std::generic_category().message(err);
}

}  // namespace

OutputFailures::OutputFailures(Loop& loop, Hooks hooks) : hooks_(std::move(hooks)), react_(loop) {
  react_.unref();  // a run that ends first applies failures in apply()
}

void OutputFailures::describe(Output output, std::string what, bool on_stdout) {
  at(output).what = std::move(what);
  at(output).on_stdout = on_stdout;
}

void OutputFailures::failed(Output output, int err) {
  State& s = at(output);
  if (s.err != 0) return;
  s.err = err;
  if (!react_.active()) react_.start(std::chrono::milliseconds(0), [this] { react(); });
}

bool OutputFailures::broken_pipe() const {
  for (const State& s : outputs_)
    if (s.err == EPIPE && s.on_stdout) return true;
  return false;
}

RunStatus OutputFailures::status(RunStatus run) const {
  if (run != RunStatus::Succeeded || !any()) return run;
  return broken_pipe() ? RunStatus::Interrupted : RunStatus::Failed;
}

void OutputFailures::react() {
  for (Output o : {Output::Console, Output::Events})
    if (failed(o) && hooks_.drop) hooks_.drop(o);
  for (State& s : outputs_) report(s);
  if (broken_pipe() && hooks_.broken_pipe) hooks_.broken_pipe();
}

void OutputFailures::report(State& s) {
  if (s.err == 0 || s.reported) return;
  s.reported = true;
  if (s.err == EPIPE && broken_pipe()) return;  // not an error: the reader is done
  if (hooks_.report) hooks_.report(failure_text(s.what, s.err));
}

void OutputFailures::apply(RunResult& result) {
  for (State& s : outputs_) report(s);
  if (broken_pipe()) {
    result.status = RunStatus::Interrupted;
    if (result.signal == 0) result.signal = SIGPIPE;
  } else {
    for (const State& s : outputs_) {
      if (s.err == 0) continue;
      if (result.output_error.empty()) result.output_error = failure_text(s.what, s.err);
      if (result.status == RunStatus::Succeeded) result.status = RunStatus::Failed;
    }
  }
  result.summary.status = result.status;
}

}  // namespace sluice::detail
