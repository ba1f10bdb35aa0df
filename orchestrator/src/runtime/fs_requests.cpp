#include "runtime/fs_requests.hpp"

#include <algorithm>
#include <exception>
#include <utility>

namespace sluice::detail {
namespace {

/// Sizes each buffer of a read to its share of the `result` bytes.
void spread(std::vector<IoBuffer>& buffers, std::int64_t result) {
  auto left = static_cast<std::size_t>(std::max<std::int64_t>(result, 0));
  for (auto& b : buffers) {
    std::size_t n = std::min(left, b.capacity());
    b.resize(n);
    left -= n;
  }
}

}  // namespace

struct FsRequests::Cell {
  union Req {
    uv_fs_t fs;
    uv_work_t work;
  } req{};
  FsRequests* owner = nullptr;  ///< null once forgotten
  Cell* prev = nullptr;
  Cell* next = nullptr;
  Callback cb;                     ///< read, write
  std::vector<IoBuffer> buffers;   ///< read, write
  std::function<void()> work;      ///< blocking
  std::function<void(int)> after;  ///< blocking
  std::exception_ptr error;        ///< thrown by `work`
  SharedFd fd;
  std::int64_t offset = 0;
  std::size_t size = 0;  ///< write: bytes in `buffers`
  std::size_t written = 0;
  std::int64_t refused = 0;  ///< != 0: libuv refused the request; report this result
};

FsRequests::Cell* FsRequests::add(Callback cb) {
  auto* cell = new Cell;
  cell->owner = this;
  cell->cb = std::move(cb);
  cell->req.fs.data = cell;  // `data` sits at the same place in every uv_req_t
  cell->next = head_;
  if (head_) head_->prev = cell;
  head_ = cell;
  ++count_;
  return cell;
}

void FsRequests::remove(Cell* cell) {
  if (cell->prev) cell->prev->next = cell->next;
  if (cell->next) cell->next->prev = cell->prev;
  if (head_ == cell) head_ = cell->next;
  cell->prev = cell->next = nullptr;
  cell->owner = nullptr;
  --count_;
}

void FsRequests::read(SharedFd fd, std::vector<IoBuffer> buffers, std::int64_t offset,
                      Callback cb) {
  Cell* cell = add(std::move(cb));
  cell->fd = std::move(fd);
  cell->buffers = std::move(buffers);
  std::vector<uv_buf_t> bufs;
  for (auto& b : cell->buffers)
    bufs.push_back(uv_buf_init(b.data(), static_cast<unsigned>(b.capacity())));
  // libuv copies the uv_buf_t array into the request.
  int rc = uv_fs_read(loop_.raw(), &cell->req.fs, cell->fd->get(), bufs.data(),
                      static_cast<unsigned>(bufs.size()), offset, &FsRequests::on_fs);
  if (rc < 0) fail_soon(cell, rc);
}

void FsRequests::write(SharedFd fd, std::vector<IoBuffer> buffers, std::int64_t offset,
                       Callback cb) {
  Cell* cell = add(std::move(cb));
  cell->fd = std::move(fd);
  cell->buffers = std::move(buffers);
  for (const auto& b : cell->buffers) cell->size += b.size();
  cell->offset = offset;
  issue_write(cell);
}

void FsRequests::issue_write(Cell* cell) {
  // What is left: past the bytes already written, from the buffer they end in.
  std::vector<uv_buf_t> bufs;
  std::size_t skip = cell->written;
  for (auto& b : cell->buffers) {
    if (skip >= b.size()) {
      skip -= b.size();
      continue;
    }
    bufs.push_back(uv_buf_init(b.data() + skip, static_cast<unsigned>(b.size() - skip)));
    skip = 0;
  }
  int rc = uv_fs_write(loop_.raw(), &cell->req.fs, cell->fd->get(), bufs.data(),
                       static_cast<unsigned>(bufs.size()),
                       cell->offset < 0 ? -1 : cell->offset + static_cast<std::int64_t>(cell->written),
                       &FsRequests::on_fs);
  if (rc < 0) fail_soon(cell, rc);
}

void FsRequests::blocking(std::function<void()> work, std::function<void(int status)> after) {
  Cell* cell = add(nullptr);
  cell->work = std::move(work);
  cell->after = std::move(after);
  uv_queue_work(loop_.raw(), &cell->req.work, &FsRequests::on_work, &FsRequests::on_after_work);
}

void FsRequests::fail_soon(Cell* cell, int result) {
  // Through the pool with nothing to do, so the callback still comes later.
  cell->refused = result;
  uv_fs_req_cleanup(&cell->req.fs);
  cell->req = {};
  cell->req.work.data = cell;
  uv_queue_work(loop_.raw(), &cell->req.work, &FsRequests::on_work, &FsRequests::on_after_work);
}

void FsRequests::cancel() {
  for (Cell* c = head_; c; c = c->next) uv_cancel(reinterpret_cast<uv_req_t*>(&c->req));
}

void FsRequests::forget() {
  while (Cell* c = head_) {
    remove(c);
    c->cb = nullptr;
    c->after = nullptr;
    uv_cancel(reinterpret_cast<uv_req_t*>(&c->req));
  }
}

void FsRequests::on_fs(uv_fs_t* req) {
  auto* cell = static_cast<Cell*>(req->data);
  uv_loop_t* loop = req->loop;
  std::int64_t result = req->result;
  bool is_write = req->fs_type == UV_FS_WRITE;
  uv_fs_req_cleanup(req);
  if (is_write && result >= 0) {
    cell->written += static_cast<std::size_t>(result);
    if (cell->written < cell->size) {
      if (result > 0 && cell->owner) {
        cell->owner->issue_write(cell);  // a short write: the rest, at once
        return;
      }
      result = UV_EIO;
    } else {
      result = static_cast<std::int64_t>(cell->written);
    }
  }
  if (cell->owner) cell->owner->remove(cell);
  if (!is_write) spread(cell->buffers, result);
  Callback cb = std::move(cell->cb);
  std::vector<IoBuffer> buffers = std::move(cell->buffers);
  delete cell;  // before the callback: it may forget or destroy the owner
  if (cb) guarded(loop, [&] { cb(result, std::move(buffers)); });
}

void FsRequests::on_work(uv_work_t* req) {
  auto* cell = static_cast<Cell*>(req->data);
  if (cell->refused != 0 || !cell->work) return;
  try {
    cell->work();
  } catch (...) {
    cell->error = std::current_exception();
  }
}

void FsRequests::on_after_work(uv_work_t* req, int status) {
  auto* cell = static_cast<Cell*>(req->data);
  uv_loop_t* loop = req->loop;
  if (cell->owner) cell->owner->remove(cell);
  guarded(loop, [&] {
    if (cell->refused != 0) {
      spread(cell->buffers, cell->refused);  // nothing moved: all empty
      if (cell->cb) cell->cb(cell->refused, std::move(cell->buffers));
    } else if (cell->error && cell->after) {
      std::rethrow_exception(cell->error);
    } else if (cell->after) {
      cell->after(status);
    }
  });
  delete cell;
}

}  // namespace sluice::detail
