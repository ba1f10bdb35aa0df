// `sluice run [TASK|OUTPUT...]`: loads the pipeline, runs it through the
// library with the console on stdout, and maps the result to SPEC §4's exit
// codes. After an interrupted run sluice dies by the same signal, as make
// does, so a calling shell loop stops too.
#include <csignal>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <thread>

#include "commands.hpp"
#include "sluice/process_guards.hpp"
#include "sluice/run.hpp"

namespace sluice::cli {

namespace {

struct RunFlags {
  std::vector<std::string> targets;
  int jobs = 0;
  int threads = 0;  ///< 0: one per CPU
  bool keep_going = false;
  bool dry_run = false;
  bool force = false;
  bool verbose = false;
  bool quiet = false;
  std::string output = "prefixed";
  std::string color = "auto";
  std::string events;
  std::string executor = "local";
  // SPEC §4 options whose capability is not built: parsed so that they can
  // be refused by name (never accepted and ignored).
  bool checksum = false;
  std::string log_dir, report, trace, serve, state_dir;
};

OutputMode parse_output(const std::string& s) {
  if (s == "grouped") return OutputMode::Grouped;
  if (s == "interleaved") return OutputMode::Interleaved;
  if (s == "quiet") return OutputMode::Quiet;
  return OutputMode::Prefixed;
}

ColorMode parse_color(const std::string& s) {
  if (s == "always") return ColorMode::Always;
  if (s == "never") return ColorMode::Never;
  return ColorMode::Auto;
}

/// The first option given whose capability is not built, with why, or "".
std::string unsupported(const RunFlags& f) {
  if (f.checksum) return "--checksum (up-to-date checks are not built yet)";
  if (!f.log_dir.empty()) return "--log-dir (task log files are not built yet)";
  if (!f.report.empty()) return "--report (the HTML report is not built yet)";
  if (!f.trace.empty()) return "--trace (the trace file is not built yet)";
  if (!f.serve.empty()) return "--serve (the live web page is not built yet)";
  if (!f.state_dir.empty()) return "--state-dir (run state is not built yet)";
  if (f.executor == "slurm") return "--executor slurm (only local execution is built)";
  return {};
}

/// load_checked() on a thread of its own that is gone before the first task
/// starts. Why: loading a 100,000-task file keeps this thread busy for half a
/// second, and Linux's scheduler remembers that in the thread's load history:
/// for the next second or two our short-lived children were placed worse and
/// spawning 2,000 tasks took ~30% longer (-j2, 2 CPUs) than after a small
/// file, with the same CPU time (pinned to one CPU both take the same time;
/// a 500 ms burn before a small run slows it, a sleep after the big load
/// cures it). An exited thread's load history leaves with it. The thread is
/// joined before anything else runs, so the run stays single-threaded. A dry
/// run spawns nothing and loads here: the thread would put the pipeline in a
/// second malloc arena for nothing.
std::optional<Loaded> load_on_own_thread(const Context& ctx) {
  std::optional<Loaded> loaded;
  std::exception_ptr error;
  std::thread loader([&] {
    try {
      loaded = load_checked(ctx);
    } catch (...) {
      error = std::current_exception();
    }
  });
  loader.join();
  if (error) std::rethrow_exception(error);
  return loaded;
}

/// `sluice run x.yaml` with no x.yaml reads as a target; when there is no
/// pipeline file either, the user meant x.yaml: name it, not the default.
std::string missing_file_taken_for_target(const Context& ctx, const RunFlags& f) {
  if (!ctx.file.empty() || f.targets.empty()) return {};
  const std::string& first = f.targets.front();
  if (!has_pipeline_extension(first) || find_default_pipeline()) return {};
  return first;
}

int run(const Context& ctx, const RunFlags& f) {
  if (std::string what = unsupported(f); !what.empty()) {
    std::fprintf(stderr, "sluice run: not supported yet: %s\n", what.c_str());
    return kExitInvalid;
  }
  if (std::string meant = missing_file_taken_for_target(ctx, f); !meant.empty()) {
    std::fprintf(stderr, "sluice: %s: no such file\n", meant.c_str());
    return kExitInvalid;
  }
  std::optional<Loaded> loaded = f.dry_run ? load_checked(ctx) : load_on_own_thread(ctx);
  if (!loaded) return kExitInvalid;

  ProcessGuards guards = install_process_guards();
  RunOptions options;
  options.targets = f.targets;
  options.jobs = f.jobs;
  options.threads = f.threads;
  options.keep_going = f.keep_going;
  options.dry_run = f.dry_run;
  options.force = f.force;
  options.verbose = f.verbose;
  options.quiet = f.quiet;
  options.output = parse_output(f.output);
  options.color = parse_color(f.color);
  options.events_path = f.events;
  options.handle_signals = true;
  options.child_nofile_soft = guards.nofile_soft_before;
  options.child_sigpipe_ignored = guards.sigpipe_ignored_before;

  RunResult result = run_pipeline(loaded->pipeline, loaded->graph, options);
  if (!result.diagnostics.empty()) {
    std::fputs(format(result.diagnostics).c_str(), stderr);
  }
  if (!result.start_error.empty()) {
    std::fprintf(stderr, "sluice: cannot start the run: %s\n", result.start_error.c_str());
  }
  int code = exit_code(result);
  if (result.status == RunStatus::Interrupted && result.signal > 0) {
    std::fflush(stdout);
    std::fflush(stderr);
    std::signal(result.signal, SIG_DFL);
    std::raise(result.signal);
  }
  return code;
}

}  // namespace

void add_run_command(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("run", "run the pipeline, or only these tasks and what they need");
  auto f = std::make_shared<RunFlags>();
  sub->add_option("targets", f->targets,
                  "tasks, matrix tasks or output files (default: the pipeline's default_targets, "
                  "else every task)")
      ->type_name("TASK|OUTPUT");
  add_pipeline_options(*sub, ctx);
  sub->add_option("-j,--jobs", f->jobs, "run at most N tasks at once (default: max_parallel)")
      ->type_name("N")
      ->check(whole_number(1));
  sub->add_option("--threads", f->threads,
                  "threads for hashing and (de)compression (default: one per CPU)")
      ->type_name("N")
      ->check(whole_number(1));
  sub->add_flag("-k,--keep-going", f->keep_going, "go on with independent tasks after a failure");
  sub->add_flag("-n,--dry-run", f->dry_run, "print what would run, in order, touching nothing");
  // Every run runs every selected task (no up-to-date checks yet), which is
  // what -B asks for: accepted, and true to its word.
  sub->add_flag("-B,--force", f->force,
                "run the tasks even if up to date (every run does, for now)");
  sub->add_option("--output", f->output, "console output")
      ->check(one_of({"prefixed", "grouped", "interleaved", "quiet"}));
  sub->add_option("--color", f->color, "colours")->check(one_of({"auto", "always", "never"}));
  sub->add_option("--events", f->events, "write JSON-lines events to FILE (- = stdout)")
      ->type_name("FILE")
      ->check([](const std::string& s) {
        return s.empty() ? std::string("expected a file name (or - for stdout), got ''")
                         : std::string();
      });
  sub->add_flag("-v,--verbose", f->verbose, "a line per task start and end");
  sub->add_flag("-q,--quiet", f->quiet, "no summary table");
  sub->add_option("--executor", f->executor, "where process tasks run (only local for now)")
      ->check(one_of({"local", "slurm"}));
  const char* later = "Not yet available";
  sub->add_flag("--checksum", f->checksum, "compare content hashes instead of mtimes")
      ->group(later);
  sub->add_option("--log-dir", f->log_dir, "write task logs under DIR")
      ->type_name("DIR")
      ->group(later);
  sub->add_option("--report", f->report, "write an HTML report")
      ->type_name("FILE.html")
      ->group(later);
  sub->add_option("--trace", f->trace, "write a Chrome trace")
      ->type_name("FILE.json")
      ->group(later);
  sub->add_option("--serve", f->serve, "serve a live web page")
      ->type_name("ADDR:PORT")
      ->group(later);
  sub->add_option("--state-dir", f->state_dir, "state directory")->type_name("DIR")->group(later);
  sub->callback([&ctx, f] { ctx.action = [&ctx, f] { return run(ctx, *f); }; });
}

}  // namespace sluice::cli
