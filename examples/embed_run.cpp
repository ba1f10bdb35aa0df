// An embedding program: loads a pipeline from a string, runs it through the
// library with no console, and follows it with a RunObserver that prints
// each task's output and counts what happened from the typed events.
//
//   build/release/examples/sluice_embed_run
#include <cstdio>
#include <string>
#include <variant>

#include "sluice/observer.hpp"
#include "sluice/pipeline.hpp"
#include "sluice/run.hpp"

namespace {

/// Sees every event of the run, on the run's thread, as it happens.
class PrintOutput final : public sluice::RunObserver {
 public:
  void on_event(const sluice::Event& e) override {
    if (const auto* out = std::get_if<sluice::TaskOutput>(&e)) {
      std::printf("[%.*s] %.*s", static_cast<int>(out->name.size()), out->name.data(),
                  static_cast<int>(out->lines.size()), out->lines.data());
      ++batches;
    }
  }
  int batches = 0;
};

constexpr const char* kPipeline = R"yaml(
tasks:
  hello:
    cmd: [echo, "hello from ${{ task.name }}"]
  shout:
    run: echo "$(echo loud | tr a-z A-Z)"
    needs: [hello]
)yaml";

}  // namespace

int main() {
  sluice::LoadResult loaded = sluice::load_pipeline_string(kPipeline, "embedded.yaml");
  if (!loaded.ok()) {
    std::fputs(sluice::format(loaded.diagnostics).c_str(), stderr);
    return 2;
  }
  PrintOutput printer;
  sluice::RunOptions options;  // output None: the library prints nothing
  options.observers.push_back(&printer);
  sluice::RunResult result = sluice::run_pipeline(loaded.pipeline, options);
  std::printf("%s: %zu succeeded, %d output batches\n",
              std::string(sluice::to_string(result.status)).c_str(), result.summary.succeeded,
              printer.batches);
  return sluice::exit_code(result);
}
