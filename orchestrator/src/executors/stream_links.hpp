/// StreamLinks: the pipes of a run's stream edges (`stdin: {task: P}`, both
/// ends selected), one pipe per edge, made when either end starts first
/// (the scheduler starts a group's members in one go, in any order).
///
/// - Plain: a producer with one consumer whose stdout nobody else watches
///   (no `stdout: {file}`, no `stdout: {console: true}` written) gets the
///   pipe's write end as its stdout, the consumer the read end as its stdin:
///   sluice holds neither after the spawns, the kernel moves the bytes.
/// - Tee: otherwise sluice reads the producer's stdout itself and writes it
///   to each consumer's pipe (StreamTee); the write ends are sluice's.
/// A consumed producer's stdout reaches the console only when its
/// `stdout: {console: true}` is written (a shell pipe shows nothing either).
///
/// An end not taken when its task's attempt ends (a spawn that failed,
/// a task cancelled first) is closed by release(), so the other side sees
/// EOF or EPIPE instead of waiting forever. Owned by LocalProcessRunner;
/// loop thread only.
#pragma once

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "runtime/unique_fd.hpp"
#include "sluice/pipeline.hpp"

namespace sluice::detail {

class StreamLinks {
 public:
  /// `edges`: (producer, consumer) pairs of the run.
  StreamLinks(const Pipeline& pipeline, std::vector<std::pair<TaskId, TaskId>> edges);

  bool is_producer(TaskId t) const { return by_producer_.count(t) != 0; }
  /// Whether producer `t` writes straight into its one consumer's pipe.
  bool plain(TaskId t) const;
  /// Whether sluice reads producer `t`'s stdout for someone besides its
  /// consumers (the console or a file).
  bool watched(TaskId t) const;

  /// The consumer's stdin (a pipe's read end), or invalid with `error`.
  UniqueFd take_stdin(TaskId consumer, std::string& error);
  /// The producer's pipe write ends, one per consumer; empty with `error`.
  std::vector<UniqueFd> take_stdout(TaskId producer, std::string& error);
  /// `t`'s attempt is over: ends still held for it are closed.
  void release(TaskId t);

 private:
  struct Link {
    TaskId producer, consumer;
    UniqueFd read_end, write_end;
    bool made = false;
  };
  bool make(Link& link, std::string& error);

  const Pipeline& pipeline_;
  std::vector<Link> links_;
  std::unordered_map<TaskId, std::vector<std::size_t>> by_producer_;
  std::unordered_map<TaskId, std::size_t> by_consumer_;
};

}  // namespace sluice::detail
