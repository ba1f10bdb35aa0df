/// FsRequests: the libuv file requests of one owner (a file action, a
/// reader), issued on the loop thread and run on libuv's fs threads.
///
/// The trap it avoids: libuv writes into a request, its buffer and its fd
/// until the request's callback, even when the owner is long gone. So each
/// request lives in a heap cell that also holds the buffer and a share of
/// the fd (SharedFd): the fd is closed only when the last request using it
/// has called back, so a late read never lands on a reused fd number. The
/// cell is freed in libuv's callback. Destroying the FsRequests (or
/// forget()) uv_cancels what has not started and drops every callback;
/// cancel() only uv_cancels: those requests then call back with
/// UV_ECANCELED, the others complete normally.
///
/// Results are libuv's: bytes (>= 0) or a negative errno. Callbacks run on
/// the loop thread, never from inside the call that issued the request; an
/// exception a callback throws goes to the Loop. Loop thread only.
#pragma once

#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "runtime/io_buffer.hpp"
#include "runtime/loop.hpp"
#include "runtime/unique_fd.hpp"

namespace sluice::detail {

/// An fd shared by its owner and the requests in flight on it.
using SharedFd = std::shared_ptr<const UniqueFd>;

class FsRequests {
 public:
  /// `result`: bytes moved, 0, or a negative errno; `buffers`: the ones the
  /// request was given (for a read, each resized to the bytes it got).
  using Callback = std::function<void(std::int64_t result, std::vector<IoBuffer> buffers)>;

  explicit FsRequests(Loop& loop) : loop_(loop) {}
  ~FsRequests() { forget(); }
  FsRequests(const FsRequests&) = delete;
  FsRequests& operator=(const FsRequests&) = delete;

  /// Reads at `offset` into `buffers`, filling each to its capacity in turn
  /// (one preadv; libuv keeps up to 4 buffers inline).
  void read(SharedFd fd, std::vector<IoBuffer> buffers, std::int64_t offset, Callback cb);
  /// Writes all of each buffer's view(), in turn, at `offset` (one
  /// pwritev; a negative offset: at the file's position, one writev, for
  /// an O_APPEND file or a device that cannot seek): a short write goes on with the rest, so the result is the
  /// whole size or the error that stopped it (a write that moves no byte is
  /// UV_EIO).
  void write(SharedFd fd, std::vector<IoBuffer> buffers, std::int64_t offset, Callback cb);
  /// Runs `work` on a libuv fs thread, for blocking calls libuv has no
  /// request for (an exclusive create, a copy_file_range step, a commit).
  /// `after(status)`: 0, or UV_ECANCELED when the work never ran. Whatever
  /// `work` touches must be owned by it: it may run after forget().
  void blocking(std::function<void()> work, std::function<void(int status)> after);

  /// uv_cancels every request that has not started.
  void cancel();
  /// cancel(), and no callback of a request issued so far will run.
  void forget();
  /// Requests issued whose callback has not run yet (forgotten ones excluded).
  std::size_t in_flight() const { return count_; }

 private:
  struct Cell;
  static void on_fs(uv_fs_t* req);
  static void on_work(uv_work_t* req);
  static void on_after_work(uv_work_t* req, int status);
  Cell* add(Callback cb);
  void remove(Cell* cell);
  void issue_write(Cell* cell);
  /// Calls back with `result` now, from the loop (a request libuv refused).
  void fail_soon(Cell* cell, int result);

  Loop& loop_;
  Cell* head_ = nullptr;  ///< cells of requests in flight (intrusive list)
  std::size_t count_ = 0;
};

}  // namespace sluice::detail
