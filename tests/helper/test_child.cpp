/// sluice_test_child: a small deterministic child for runtime and end-to-end
/// tests (no shell, no timing). One subcommand per invocation:
///
///   exit N                       exit with status N
///   write N BYTE [out|err]       write N copies of BYTE (a number 0-255) to stdout/stderr
///   lines N                      print "line 1\n" ... "line N\n"
///   alloc MIB                    allocate MIB MiB, write to every page, exit 0
///   print TEXT                   print TEXT as is (no newline added)
///   echo-stdin                   copy stdin to stdout until EOF
///   ignore-term                  ignore SIGTERM, print "ready\n", wait for SIGKILL
///   print-ready                  print "ready\n", then wait for any signal
///   fork-grandchild hold|free [wait]
///                                fork a child that sleeps 300 s (holding our
///                                stdout/stderr, or with them closed), print its pid
///                                and exit 0, or with `wait` print "ready\n" and wait
///   setsid-escape                double fork + setsid; the escapee closes its stdio,
///                                sleeps; the middle one prints the escapee's pid; exit 0
///   list-fds                     print the open fds from /proc/self/fd, one per line
///   print-env NAME               print the value of NAME (exit 1 if unset)
///   pwd                          print the working directory
///   touch PATH                   create PATH (empty)
///   append PATH TEXT             append "TEXT\n" to PATH in one O_APPEND write
///   wait-file PATH [EXIT]        wait until PATH exists, then exit EXIT (default 0);
///                                gives up with exit 99 after 30 s so nothing hangs
///   wait-gone PID                wait until PID is gone or a zombie: exit 0, or 1 after 10 s
///   spawn-tree FILE [ignore-term]
///                                fork a grandchild (stdio on /dev/null) that waits
///                                forever, write its pid to FILE (atomically: FILE only
///                                exists once the grandchild does), then wait forever;
///                                with ignore-term both ignore SIGTERM
///   gate LOG N M                 concurrency probe: append "+\n" to LOG, and if this is
///                                start number K (of M in all), wait until start number
///                                min(M, K+N-1) has happened, append "-\n", exit 0. Under
///                                a limit of N the oldest running gate can always leave
///                                (no deadlock) and N are running most of the time; a
///                                scheduler that exceeds N shows more "+" than that
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

void write_all(int fd, const char* data, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, data, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      _exit(3);
    }
    data += n;
    len -= static_cast<size_t>(n);
  }
}

void print(const std::string& s) { write_all(1, s.data(), s.size()); }

[[noreturn]] void wait_forever() {
  for (;;) pause();
}

void nap() { std::this_thread::sleep_for(std::chrono::milliseconds(1)); }

bool deadline_passed(std::chrono::steady_clock::time_point start, int seconds) {
  return std::chrono::steady_clock::now() - start > std::chrono::seconds(seconds);
}

void append_line(const char* path, const std::string& text) {
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) _exit(3);
  std::string line = text + "\n";
  write_all(fd, line.data(), line.size());
  close(fd);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool gone_or_zombie(const std::string& pid) {
  std::string stat = read_file("/proc/" + pid + "/stat");
  if (stat.empty()) return true;
  auto close_paren = stat.rfind(')');
  return close_paren == std::string::npos || close_paren + 2 >= stat.size() ||
         stat[close_paren + 2] == 'Z';
}

int gate(const char* log, long n, long m) {
  int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return 3;
  write_all(fd, "+\n", 2);
  // O_APPEND leaves our offset just after our own line: that is our rank.
  off_t end = lseek(fd, 0, SEEK_CUR);
  std::string before = read_file(log).substr(0, static_cast<size_t>(end));
  long rank = 0;
  for (size_t i = 0; i < before.size(); i += 2) rank += before[i] == '+';
  long need = std::min(m, rank + n - 1);
  auto start = std::chrono::steady_clock::now();
  for (;;) {
    std::string all = read_file(log);
    long starts = 0;
    for (size_t i = 0; i < all.size(); i += 2) starts += all[i] == '+';
    if (starts >= need) break;
    if (deadline_passed(start, 30)) return 99;
    nap();
  }
  write_all(fd, "-\n", 2);
  close(fd);
  return 0;
}

int spawn_tree(const std::string& file, bool ignore_term) {
  if (ignore_term) signal(SIGTERM, SIG_IGN);
  pid_t pid = fork();
  if (pid < 0) return 3;
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    wait_forever();
  }
  std::string tmp = file + ".tmp";
  {
    std::ofstream out(tmp);
    out << pid << "\n";
  }
  if (rename(tmp.c_str(), file.c_str()) != 0) return 3;
  wait_forever();
}

int usage() {
  fprintf(stderr, "usage: sluice_test_child COMMAND [ARGS]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  std::string cmd = argv[1];
  if (cmd == "exit" && argc >= 3) return atoi(argv[2]);
  if (cmd == "write" && argc >= 4) {
    long n = atol(argv[2]);
    int fd = argc >= 5 && std::string(argv[4]) == "err" ? 2 : 1;
    std::vector<char> block(65536, static_cast<char>(atoi(argv[3])));
    while (n > 0) {
      size_t len = n < static_cast<long>(block.size()) ? static_cast<size_t>(n) : block.size();
      write_all(fd, block.data(), len);
      n -= static_cast<long>(len);
    }
    return 0;
  }
  if (cmd == "alloc" && argc >= 3) {
    // Still mapped at the exit, where the kernel takes the peak for the
    // rusage (freed earlier, the peak may be lost); mmap, so that no leak
    // checker minds.
    size_t len = static_cast<size_t>(atol(argv[2])) << 20;
    void* raw = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return 3;
    auto* mem = static_cast<volatile char*>(raw);
    for (size_t i = 0; i < len; i += 4096) mem[i] = 1;
    return mem[len / 2] == 1 ? 0 : 3;
  }
  if (cmd == "lines" && argc >= 3) {
    // Written in 64 KiB batches as they are made: a flood of 100M lines must
    // start at once and not first build gigabytes in memory.
    long n = atol(argv[2]);
    std::string out;
    for (long i = 1; i <= n; ++i) {
      out += "line " + std::to_string(i) + "\n";
      if (out.size() >= 64 * 1024) {
        print(out);
        out.clear();
      }
    }
    print(out);
    return 0;
  }
  if (cmd == "print" && argc >= 3) {
    print(argv[2]);
    return 0;
  }
  if (cmd == "echo-stdin") {
    char buf[65536];
    for (;;) {
      ssize_t n = read(0, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      write_all(1, buf, static_cast<size_t>(n));
    }
    return 0;
  }
  if (cmd == "ignore-term") {
    signal(SIGTERM, SIG_IGN);
    print("ready\n");
    wait_forever();
  }
  if (cmd == "print-ready") {
    print("ready\n");
    wait_forever();
  }
  if (cmd == "fork-grandchild" && argc >= 3) {
    bool hold = std::string(argv[2]) == "hold";
    pid_t pid = fork();
    if (pid == 0) {
      if (!hold) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 1);
        dup2(null, 2);
      }
      sleep(300);
      _exit(0);
    }
    print(std::to_string(pid) + "\n");
    if (argc >= 4 && std::string(argv[3]) == "wait") {
      print("ready\n");
      wait_forever();
    }
    return 0;
  }
  if (cmd == "setsid-escape") {
    int ready[2];
    if (pipe(ready) != 0) return 3;
    pid_t middle = fork();
    if (middle == 0) {
      pid_t escapee = fork();
      if (escapee == 0) {
        setsid();
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        close(ready[0]);
        write_all(ready[1], "x", 1);
        close(ready[1]);
        sleep(300);
        _exit(0);
      }
      char c;
      close(ready[1]);
      // Print only once the escapee has left the group.
      while (read(ready[0], &c, 1) < 0 && errno == EINTR) {
      }
      print(std::to_string(escapee) + "\n");
      _exit(0);
    }
    close(ready[0]);
    close(ready[1]);
    waitpid(middle, nullptr, 0);
    return 0;
  }
  if (cmd == "list-fds") {
    DIR* dir = opendir("/proc/self/fd");
    if (!dir) return 3;
    int own = dirfd(dir);
    std::string out;
    while (dirent* e = readdir(dir)) {
      if (e->d_name[0] == '.') continue;
      if (atoi(e->d_name) == own) continue;
      out += std::string(e->d_name) + "\n";
    }
    closedir(dir);
    print(out);
    return 0;
  }
  if (cmd == "print-env" && argc >= 3) {
    const char* v = getenv(argv[2]);
    if (!v) return 1;
    print(v);
    return 0;
  }
  if (cmd == "pwd") {
    char buf[4096];
    if (!getcwd(buf, sizeof buf)) return 3;
    print(buf);
    return 0;
  }
  if (cmd == "touch" && argc >= 3) {
    int fd = open(argv[2], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return 3;
    close(fd);
    return 0;
  }
  if (cmd == "append" && argc >= 4) {
    append_line(argv[2], argv[3]);
    return 0;
  }
  if (cmd == "wait-file" && argc >= 3) {
    auto start = std::chrono::steady_clock::now();
    struct stat st;
    while (stat(argv[2], &st) != 0) {
      if (deadline_passed(start, 30)) return 99;
      nap();
    }
    return argc >= 4 ? atoi(argv[3]) : 0;
  }
  if (cmd == "wait-gone" && argc >= 3) {
    auto start = std::chrono::steady_clock::now();
    while (!gone_or_zombie(argv[2])) {
      if (deadline_passed(start, 10)) return 1;
      nap();
    }
    return 0;
  }
  if (cmd == "spawn-tree" && argc >= 3) {
    return spawn_tree(argv[2], argc >= 4 && std::string(argv[3]) == "ignore-term");
  }
  if (cmd == "gate" && argc >= 5) return gate(argv[2], atol(argv[3]), atol(argv[4]));
  return usage();
}
