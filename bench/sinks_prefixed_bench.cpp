/// Micro-benchmark (not a test): the prefixed console sink's throughput on
/// 1 GiB of 60-byte lines written to /dev/null, next to a plain memcpy +
/// write of the same bytes (what `| cat` costs at best), and the JSONL sink.
///
/// Build (from the repository root):
///   g++ -std=c++20 -O2 -Iorchestrator/include -Iorchestrator/src
///     bench/sinks_prefixed_bench.cpp orchestrator/src/sinks/*.cpp -o /tmp/sinks_bench
///   /tmp/sinks_bench [GiB]
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "sinks/console_sink.hpp"
#include "sinks/fd_output.hpp"
#include "sinks/jsonl_event_sink.hpp"

using namespace sluice;
using namespace sluice::detail;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  const double gib = argc > 1 ? std::atof(argv[1]) : 1.0;
  const std::string line = "2024-01-01T00:00:00Z INFO node=w3 step=42 msg=some log lin\n";
  std::string batch;
  while (batch.size() + line.size() <= 64 * 1024) batch += line;
  const auto total = static_cast<std::size_t>(gib * 1024 * 1024 * 1024);
  const std::size_t batches = total / batch.size();
  const double gb = static_cast<double>(batches * batch.size()) / 1e9;
  int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);

  {
    std::string buf(batch.size(), '\0');
    auto t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < batches; ++i) {
      std::memcpy(buf.data(), batch.data(), batch.size());
      if (::write(devnull, buf.data(), buf.size()) < 0) return 1;
    }
    double s = seconds_since(t0);
    std::printf("memcpy+write      %.3f s  %.2f GB/s\n", s, gb / s);
  }
  for (auto mode : {OutputMode::Prefixed, OutputMode::Interleaved, OutputMode::Grouped}) {
    FdOutput out(devnull);
    ConsoleOptions o;
    o.mode = mode;
    o.task_names = {"w3", "other_task"};
    ConsoleSink sink(out, o);
    TaskOutput ev{Clock::now(), 0, "w3", StreamKind::Stdout, batch};
    auto t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < batches; ++i) sink.on_event(ev);
    if (mode == OutputMode::Grouped) {
      TaskFinished done;
      done.name = "w3";
      sink.on_event(done);
    }
    double s = seconds_since(t0);
    const char* name = mode == OutputMode::Prefixed ? "prefixed" : mode == OutputMode::Grouped ? "grouped" : "interleaved";
    std::printf("%-17s %.3f s  %.2f GB/s (input bytes)\n", name, s, gb / s);
  }
  {
    FdOutput out(devnull);
    JsonlEventSink sink(out);
    TaskOutput ev{Clock::now(), 0, "w3", StreamKind::Stdout, batch};
    auto t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < batches; ++i) sink.on_event(ev);
    double s = seconds_since(t0);
    std::printf("jsonl             %.3f s  %.2f GB/s (input bytes)\n", s, gb / s);
  }
  ::close(devnull);
  return 0;
}
