#include "runtime/fd_poller.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "runtime/loop.hpp"

namespace sluice::detail {

FdPoller::FdPoller(Loop& loop) : loop_(loop), poll_(this) {
  epoll_fd_.reset(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_fd_.valid()) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
  int rc = uv_poll_init(loop.raw(), poll_.raw(), epoll_fd_.get());
  if (rc != 0) throw std::runtime_error(std::string("uv_poll_init: ") + uv_strerror(rc));
  poll_.mark_initialized();
  rc = uv_poll_start(poll_.raw(), UV_READABLE, &FdPoller::on_poll);
  if (rc != 0) throw std::runtime_error(std::string("uv_poll_start: ") + uv_strerror(rc));
  uv_unref(poll_.handle());
}

int FdPoller::add(int fd, Client* client) {
  if (!poll_) return -EBADF;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = client;
  if (::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) return -errno;
  if (watched_++ == 0) uv_ref(poll_.handle());
  return 0;
}

void FdPoller::remove(int fd, Client* client) {
  if (::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_DEL, fd, nullptr) != 0) return;  // never added
  for (int i = batch_next_; i < batch_size_; ++i)
    if (batch_[i].data.ptr == client) batch_[i].data.ptr = nullptr;
  if (--watched_ == 0 && poll_) uv_unref(poll_.handle());
}

void FdPoller::close_handle() { poll_.reset(); }

void FdPoller::on_poll(uv_poll_t* raw, int, int) {
  FdPoller* self = UvHandle<uv_poll_t, FdPoller>::owner_of(raw);
  if (self) self->dispatch();
}

void FdPoller::dispatch() {
  int n;
  do {
    n = ::epoll_wait(epoll_fd_.get(), batch_, static_cast<int>(sizeof batch_ / sizeof batch_[0]), 0);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return;
  batch_size_ = n;
  for (batch_next_ = 0; batch_next_ < batch_size_;) {
    auto* client = static_cast<Client*>(batch_[batch_next_++].data.ptr);
    if (client) guarded(loop_.raw(), [client] { client->on_ready(); });
  }
  batch_size_ = batch_next_ = 0;
}

}  // namespace sluice::detail
