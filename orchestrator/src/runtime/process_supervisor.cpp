#include "runtime/process_supervisor.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace sluice::detail {
namespace {

constexpr std::chrono::milliseconds kReapInterval{20};
constexpr std::int64_t kGiveUpMs = 5000;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool read_file(const std::string& path, std::string& out, std::size_t limit) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out.clear();
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() >= limit) break;
  }
  ::close(fd);
  return true;
}

struct StatLine {
  int ppid = 0;
  int pgrp = 0;
};

std::optional<StatLine> read_stat(int pid) {
  std::string text;
  if (!read_file("/proc/" + std::to_string(pid) + "/stat", text, 4096)) return std::nullopt;
  // "pid (comm) S ppid pgrp ...": comm may hold spaces and ')'.
  std::size_t close = text.rfind(')');
  if (close == std::string::npos || close + 4 >= text.size()) return std::nullopt;
  StatLine out;
  if (std::sscanf(text.c_str() + close + 2, "%*c %d %d", &out.ppid, &out.pgrp) != 2) return std::nullopt;
  return out;
}

bool has_token(int pid, const std::string& entry) {
  std::string env;
  if (!read_file("/proc/" + std::to_string(pid) + "/environ", env, 1u << 20)) return false;
  env.insert(env.begin(), '\0');
  env.push_back('\0');
  return env.find(entry) != std::string::npos;
}

void parse_pids(const std::string& text, std::vector<int>& out) {
  const char* p = text.c_str();
  char* end = nullptr;
  for (;;) {
    long v = std::strtol(p, &end, 10);
    if (end == p) break;
    out.push_back(static_cast<int>(v));
    p = end;
  }
}

}  // namespace

ProcessSupervisor::ProcessSupervisor(Loop& loop) : loop_(loop), timer_(loop) {
  int flag = 0;
  subreaper_ = ::prctl(PR_GET_CHILD_SUBREAPER, &flag, 0, 0, 0) == 0 && flag != 0;
  pid_ = ::getpid();
  auto t = std::chrono::steady_clock::now().time_since_epoch().count();
  prefix_ = std::to_string(pid_) + "." + std::to_string(t) + ".";
}

ProcessSupervisor::~ProcessSupervisor() {
  for (const Orphan& o : pending_) {
    ::kill(o.pid, SIGKILL);
    while (::waitpid(o.pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  if (!subreaper_) kill_escapees();
}

void ProcessSupervisor::child_started(int pid, int pgid) {
  live_.insert(pid);
  if (watchdog_ && pgid > 0) watchdog_->add_group(pgid);
}

void ProcessSupervisor::child_reaped(int pid) {
  live_.erase(pid);
  // Reaped, its pid may be reused: the group number must not stay recorded.
  // Members still in the group carry the token, which the watchdog scans for.
  if (watchdog_) watchdog_->remove_group(pid);
}

std::string ProcessSupervisor::new_token() { return prefix_ + std::to_string(++counter_); }

int ProcessSupervisor::kill_escapees() {
  // A prefix of the entry: no NUL after it.
  std::string entry = std::string(1, '\0') + kTokenVariable + "=" + prefix_;
  std::unordered_set<int> killed;
  // A process may fork between the scan and the kill: scan again until a
  // pass finds nobody new (a killed process cannot fork any more).
  for (int pass = 0; pass < 4; ++pass) {
    DIR* proc = ::opendir("/proc");
    if (!proc) break;
    std::size_t before = killed.size();
    while (dirent* d = ::readdir(proc)) {
      char* end = nullptr;
      long pid = std::strtol(d->d_name, &end, 10);
      if (pid <= 0 || *end != '\0' || pid == pid_ || killed.count(static_cast<int>(pid))) continue;
      if (!has_token(static_cast<int>(pid), entry)) continue;  // a zombie's environ is empty
      std::optional<StatLine> st = read_stat(static_cast<int>(pid));
      if (st && st->pgrp == pid && st->pgrp != ::getpgrp()) ::kill(-static_cast<int>(pid), SIGKILL);
      ::kill(static_cast<int>(pid), SIGKILL);
      killed.insert(static_cast<int>(pid));
    }
    ::closedir(proc);
    if (killed.size() == before) break;
  }
  return static_cast<int>(killed.size());
}

std::vector<int> ProcessSupervisor::list_children() {
  std::vector<int> out;
  DIR* dir = ::opendir("/proc/self/task");
  if (!dir) return out;
  std::string text;
  while (dirent* e = ::readdir(dir)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    if (read_file(std::string("/proc/self/task/") + e->d_name + "/children", text, 1u << 20))
      parse_pids(text, out);
  }
  ::closedir(dir);
  return out;
}

int ProcessSupervisor::sweep(int pgid, const std::string& token) {
  if (pgid > 0) ::kill(-pgid, SIGKILL);
  if (!subreaper_) return 0;
  return sweep_orphans(pgid, token);
}

std::vector<int>& ProcessSupervisor::orphan_candidates() {
  candidates_.clear();
  if (!children_fd_.valid()) {
    std::string path = "/proc/self/task/" + std::to_string(::getpid()) + "/children";
    children_fd_.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!children_fd_.valid()) {
      candidates_ = list_children();
      return candidates_;
    }
  }
  // A seq_file read from offset 0 starts over: one pread per sweep instead
  // of opendir + getdents + open + read per thread. Usually it lists only
  // live task leaders, and the sweep ends without another system call.
  text_.clear();
  char buf[4096];
  for (;;) {
    ssize_t n = ::pread(children_fd_.get(), buf, sizeof buf, static_cast<off_t>(text_.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      children_fd_.reset();
      candidates_ = list_children();
      return candidates_;
    }
    text_.append(buf, static_cast<std::size_t>(n));
    if (static_cast<std::size_t>(n) < sizeof buf) break;
  }
  parse_pids(text_, candidates_);
  return candidates_;
}

int ProcessSupervisor::sweep_orphans(int pgid, const std::string& token) {
  int found = 0;
  std::string entry;
  for (int pid : orphan_candidates()) {
    if (live_.count(pid) || (watchdog_ && pid == watchdog_->pid())) continue;
    bool known = false;
    for (const Orphan& o : pending_) known = known || o.pid == pid;
    if (known) continue;
    std::optional<StatLine> st = read_stat(pid);
    if (!st) continue;
    if (entry.empty()) entry = std::string(1, '\0') + kTokenVariable + "=" + token + '\0';
    bool ours = (pgid > 0 && st->pgrp == pgid) || (!token.empty() && has_token(pid, entry));
    if (!ours) continue;
    // A leader of its own group (setsid) takes its group down with it.
    if (st->pgrp == pid && st->pgrp != ::getpgrp()) ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
    pending_.push_back(Orphan{pid, pgid, token, now_ms() + kGiveUpMs});
    ++found;
  }
  if (!pending_.empty() && !timer_.active())
    timer_.start(kReapInterval, [this] { reap_pending(); }, kReapInterval);
  return found;
}

void ProcessSupervisor::reap_pending() {
  std::vector<Orphan> done;
  std::int64_t now = now_ms();
  for (std::size_t i = 0; i < pending_.size();) {
    Orphan& o = pending_[i];
    int rc = ::waitpid(o.pid, nullptr, WNOHANG);
    if (rc == o.pid || (rc < 0 && errno == ECHILD) || now > o.deadline_ms) {
      done.push_back(std::move(o));
      pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
  // Their children were just re-parented to us.
  for (const Orphan& o : done) sweep_orphans(o.pgid, o.token);
  if (pending_.empty()) timer_.stop();
}

}  // namespace sluice::detail
