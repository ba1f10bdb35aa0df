// StreamLinks (see stream_links.hpp).
#include "executors/stream_links.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sluice::detail {

StreamLinks::StreamLinks(const Pipeline& pipeline, std::vector<std::pair<TaskId, TaskId>> edges)
    : pipeline_(pipeline) {
  links_.reserve(edges.size());
  for (auto [producer, consumer] : edges) {
    by_producer_[producer].push_back(links_.size());
    by_consumer_[consumer] = links_.size();
    links_.push_back(Link{producer, consumer, {}, {}, false});
  }
}

bool StreamLinks::watched(TaskId t) const {
  const StreamSpec& out = pipeline_.tasks[t].extras().stdout_spec;
  return !out.file.empty() || (out.console_set && out.console);
}

bool StreamLinks::plain(TaskId t) const {
  auto it = by_producer_.find(t);
  return it != by_producer_.end() && it->second.size() == 1 && !watched(t);
}

bool StreamLinks::make(Link& link, std::string& error) {
  if (link.made) return true;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    error = std::string("stream pipe: ") + std::strerror(errno);
    return false;
  }
  link.read_end.reset(fds[0]);
  link.write_end.reset(fds[1]);
  link.made = true;
  // A relayed stream: a bigger pipe means fewer wakeups on both sides
  // (best effort; the kernel may refuse beyond its limit).
  if (!plain(link.producer)) ::fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
  return true;
}

UniqueFd StreamLinks::take_stdin(TaskId consumer, std::string& error) {
  auto it = by_consumer_.find(consumer);
  if (it == by_consumer_.end()) {
    error = "stdin: the task '" + pipeline_.tasks[consumer].extras().stdin_spec.path +
            "' it reads is not part of this run";
    return {};
  }
  Link& link = links_[it->second];
  if (!make(link, error)) return {};
  if (!link.read_end.valid()) error = "stdin: the stream was already closed";
  return std::move(link.read_end);
}

std::vector<UniqueFd> StreamLinks::take_stdout(TaskId producer, std::string& error) {
  std::vector<UniqueFd> ends;
  auto it = by_producer_.find(producer);
  if (it == by_producer_.end()) return ends;
  for (std::size_t i : it->second) {
    Link& link = links_[i];
    if (!make(link, error)) return {};
    ends.push_back(std::move(link.write_end));
  }
  return ends;
}

void StreamLinks::release(TaskId t) {
  if (auto it = by_consumer_.find(t); it != by_consumer_.end()) {
    Link& link = links_[it->second];
    link.made = true;  // a pipe made after this would have no reader
    link.read_end.reset();
  }
  if (auto it = by_producer_.find(t); it != by_producer_.end())
    for (std::size_t i : it->second) {
      links_[i].made = true;
      links_[i].write_end.reset();
    }
}

}  // namespace sluice::detail

