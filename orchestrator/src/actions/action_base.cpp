#include "actions/action_base.hpp"

#include "actions/path_expansion.hpp"

namespace sluice::detail {

ActionBase::ActionBase(FileActionContext context, OnDone on_done, std::string target)
    : ctx_(std::move(context)),
      output_(std::make_shared<AtomicFile>(std::move(target))),
      on_done_(std::move(on_done)),
      requests_(ctx_.loop) {}

// Requests still in flight are forgotten; those that hold the output (a
// create, a commit) keep it alive, and the last holder removes an
// uncommitted temporary file.
ActionBase::~ActionBase() {
  stop_.request_stop();
}

void ActionBase::cancel() {
  if (committing_) return;
  fail("cancelled");
}

void ActionBase::fail(std::string message) {
  if (finishing_) return;
  finishing_ = true;
  result_.error = std::move(message);
  stop_.request_stop();
  stop_work();
  requests_.cancel();
  for (auto& job : jobs_) job.cancel();
  settle();
}

void ActionBase::settle() {
  if (!finishing_ || reported_ || requests_.in_flight() != 0 || !jobs_.empty()) return;
  if (!aborting_ && !output_->committed()) {
    // Even with no temporary file, through the fs threads: the report then
    // never runs inside start() or cancel().
    aborting_ = true;
    requests_.blocking([out = output_] { out->abort(); }, [this](int) { settle(); });
    return;
  }
  reported_ = true;
  OnDone done = std::move(on_done_);
  done(result_);  // may destroy this
}

void ActionBase::resume() {
  suspended_ = false;
  auto held = std::move(held_);
  held_.clear();
  for (auto& next : held) proceed(std::move(next));
}

void ActionBase::proceed(std::function<void()> next) {
  if (finishing_) return settle();
  if (suspended_) return held_.push_back(std::move(next));
  next();
}

void ActionBase::blocking(std::function<void()> work, std::function<void()> next) {
  requests_.blocking(std::move(work),
                     [this, next = std::move(next)](int) mutable { proceed(std::move(next)); });
}

void ActionBase::pooled(ThreadPool::Work work, std::function<void()> next) {
  auto job = jobs_.emplace(jobs_.end());
  *job = ctx_.pool.submit(std::move(work), [this, job, next = std::move(next)](PoolJob::Outcome) {
    jobs_.erase(job);
    proceed(next);
  });
}

void ActionBase::expand(std::vector<std::string> patterns,
                        std::function<void(std::vector<std::string>)> next) {
  auto out = std::make_shared<PathExpansion>();
  blocking([out, patterns = std::move(patterns),
            exclude = output_->target()] { *out = expand_paths(patterns, exclude); },
           [this, out, next = std::move(next)] {
             if (!out->error.empty()) return fail(out->error);
             next(std::move(out->paths));
           });
}

void ActionBase::expand_one(const std::vector<std::string>& patterns, const char* action,
                            std::function<void(std::string)> next) {
  std::string pattern = patterns.empty() ? std::string() : patterns.front();
  expand(patterns, [this, pattern, action, next = std::move(next)](std::vector<std::string> paths) {
    if (paths.size() == 1) return next(std::move(paths.front()));
    fail("\"" + pattern + "\" matches " + std::to_string(paths.size()) + " files, and " + action +
         " reads one");
  });
}

void ActionBase::open_input(std::string path, std::function<void(OpenedFile)> next) {
  auto opened = std::make_shared<OpenedFile>();
  blocking([opened, path = std::move(path)] { *opened = open_regular_for_reading(path); },
           [this, opened, next = std::move(next)] {
             if (opened->error) return fail(opened->error.message);
             next(std::move(*opened));
           });
}

void ActionBase::create_output(std::function<void()> next) {
  auto error = std::make_shared<IoError>();
  blocking([out = output_, error] { *error = out->create(); },
           [this, error, next = std::move(next)] {
             if (*error) return fail(error->message);
             next();
           });
}

void ActionBase::commit() {
  if (committing_ || finishing_) return;
  committing_ = true;
  auto error = std::make_shared<IoError>();
  requests_.blocking([out = output_, error] { *error = out->commit(); },
                     [this, error](int) {
                       // A failed commit has removed its temporary file; a cancel waits for it.
                       finishing_ = true;
                       if (*error) result_.error = error->message;
                       settle();
                     });
}

}  // namespace sluice::detail
