// spawn_pipes.c - the spawn limit with output captured, as sluice captures it.
//
// ../shared/bench/spawn_limit.c lets its children inherit stdout and stderr;
// make and ninja's console pool do too. sluice gives every task two pipes
// (stdout and stderr apart, SPEC §2), and that has a kernel cost of its own:
// two pipe2, two dup2 in the child, and four closes. This loop adds exactly
// that to spawn_limit's posix_spawn loop, and nothing else (no event loop, no
// reads: a /bin/true writes nothing), so that the cost of capture can be told
// from the cost of sluice.
//
//   spawn_pipes N K [PROGRAM]
//
// Build: gcc -O2 -Wall -o spawn_pipes spawn_pipes.c
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct Child {
  pid_t pid;
  int out, err;  // our read ends
};

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int spawn_captured(char *prog, struct Child *c) {
  char *argv[] = {prog, NULL};
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) return errno;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  int rc = posix_spawn(&c->pid, prog, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(out[1]);
  close(err[1]);
  c->out = out[0];
  c->err = err[0];
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s N K [PROGRAM]\n", argv[0]);
    return 2;
  }
  long n = atol(argv[1]);
  long k = atol(argv[2]);
  char *prog = argc > 3 ? argv[3] : "/bin/true";
  struct Child *running = calloc((size_t)k, sizeof *running);
  if (!running || k < 1) return 2;

  long started = 0, done = 0, inflight = 0, failed = 0;
  double t0 = now();
  while (done < n) {
    while (inflight < k && started < n) {
      int rc = spawn_captured(prog, &running[inflight]);
      if (rc != 0) {
        fprintf(stderr, "spawn: %s\n", strerror(rc));
        return 1;
      }
      started++;
      inflight++;
    }
    int st;
    pid_t w = waitpid(-1, &st, 0);
    if (w < 0) {
      if (errno == EINTR) continue;
      perror("waitpid");
      return 1;
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) failed++;
    for (long i = 0; i < inflight; ++i) {
      if (running[i].pid != w) continue;
      close(running[i].out);
      close(running[i].err);
      running[i] = running[--inflight];
      break;
    }
    done++;
  }
  double dt = now() - t0;
  fprintf(stderr, "spawn_pipes N=%ld K=%ld: %.3f s, %.0f nodes/s, %.3f ms/node, failed=%ld\n", n, k, dt,
          n / dt, dt * 1e3 / n, failed);
  free(running);
  return failed ? 1 : 0;
}
