/// raw_syscall(): a Linux system call made without libc, for code that runs
/// in a child sharing our memory and the calling thread's TLS: spawn's
/// vfork-style child, and the watchdog (watchdog.hpp), which runs beside
/// sluice for the whole run. libc's syscall() would write errno, which is
/// that thread's variable; an interceptor of a sanitizer would touch its
/// thread state. So: no errno (a failure comes back as -errno), no locks, no
/// allocation. raw_clone_vm() starts such a child without going through
/// libc's clone(), which ThreadSanitizer intercepts with fork-time
/// bookkeeping of its own that must not run in a child sharing our memory.
/// Functions that run in such a child are marked
/// SLUICE_CHILD_CODE: no sanitizer instrumentation, no stack protector, and
/// no loop turned into a call to memset/memcpy.
#pragma once

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#if defined(__clang__)
#define SLUICE_CHILD_CODE \
  __attribute__((disable_sanitizer_instrumentation, no_stack_protector, no_builtin, noinline))
#else
#define SLUICE_CHILD_CODE                                                                  \
  __attribute__((no_sanitize("address", "undefined", "thread"), no_stack_protector, noinline, \
                 optimize("no-tree-loop-distribute-patterns")))
#endif

namespace sluice::detail {

/// clone(flags) with a new stack (`stack_top`, 16-byte aligned by the
/// callee): the child calls fn(arg) there and exits with its result; the
/// parent gets the pid or -errno. Only where kRawSyscalls.
extern "C" long sluice_raw_clone_vm(unsigned long flags, void* stack_top, int (*fn)(void*), void* arg);

#if defined(__x86_64__)

inline constexpr bool kRawSyscalls = true;

__attribute__((always_inline)) inline long raw_syscall(long n, long a = 0, long b = 0, long c = 0,
                                                       long d = 0, long e = 0, long f = 0) {
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  long ret;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
}

#elif defined(__aarch64__)

inline constexpr bool kRawSyscalls = true;

__attribute__((always_inline)) inline long raw_syscall(long n, long a = 0, long b = 0, long c = 0,
                                                       long d = 0, long e = 0, long f = 0) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  register long x4 __asm__("x4") = e;
  register long x5 __asm__("x5") = f;
  __asm__ volatile("svc 0"
                   : "+r"(x0)
                   : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                   : "memory");
  return x0;
}

#else

/// Elsewhere there is no errno-free path: the watchdog is not started
/// (see watchdog.hpp), and spawn's child, whose parent is suspended while it
/// runs, uses libc's syscall().
inline constexpr bool kRawSyscalls = false;

inline long raw_syscall(long n, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0,
                        long f = 0) {
  long rc = ::syscall(n, a, b, c, d, e, f);
  return rc < 0 ? -errno : rc;
}

#endif

/// The kernel's sigaction layout (glibc's struct differs).
struct KernelSigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)();
  std::uint64_t mask;
};

/// The kernel's getdents64 record.
struct LinuxDirent64 {
  std::uint64_t ino;
  std::int64_t off;
  unsigned short reclen;
  unsigned char type;
  char name[1];
};

/// Calls fn(name) for each entry of the directory open as `dir`; returns 0
/// at its end or -errno. Inlined into SLUICE_CHILD_CODE callers, as `fn`
/// must be (mark it always_inline).
template <typename Fn>
__attribute__((always_inline)) inline long for_each_dir_entry(long dir, Fn&& fn) {
  alignas(8) char buf[2048];
  for (;;) {
    long n = raw_syscall(SYS_getdents64, dir, reinterpret_cast<long>(buf), sizeof buf);
    if (n <= 0) return n;
    for (long at = 0; at < n;) {
      auto* d = reinterpret_cast<LinuxDirent64*>(buf + at);
      at += d->reclen;
      fn(static_cast<const char*>(d->name));
    }
  }
}

}  // namespace sluice::detail
