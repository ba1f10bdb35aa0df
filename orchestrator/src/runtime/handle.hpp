/// UvHandle<Raw, Owner>: the one way runtime/ owns a libuv handle (STYLE.md
/// "libuv handles").
///
/// The uv_x_t lives in a heap cell {raw; owner}. libuv may touch the handle
/// until its close callback, so the wrapper's destructor only nulls `owner`
/// and calls uv_close with a callback that deletes the cell; trampolines look
/// the owner up through owner_of() and return early when it is null. A cell
/// whose init never succeeded is deleted at once. Loop thread only.
#pragma once

#include <utility>

#include <uv.h>

namespace sluice::detail {

template <typename Raw, typename Owner>
class UvHandle {
 public:
  struct Cell {
    Raw raw{};
    Owner* owner = nullptr;
  };

  UvHandle() = default;
  explicit UvHandle(Owner* owner) : cell_(new Cell{}) {
    cell_->owner = owner;
    cell_->raw.data = cell_;
  }
  ~UvHandle() { reset(); }
  UvHandle(UvHandle&& other) noexcept
      : cell_(std::exchange(other.cell_, nullptr)), initialized_(other.initialized_) {}
  UvHandle& operator=(UvHandle&& other) noexcept {
    if (this != &other) {
      reset();
      cell_ = std::exchange(other.cell_, nullptr);
      initialized_ = other.initialized_;
    }
    return *this;
  }
  UvHandle(const UvHandle&) = delete;
  UvHandle& operator=(const UvHandle&) = delete;

  Raw* raw() { return cell_ ? &cell_->raw : nullptr; }
  uv_handle_t* handle() { return reinterpret_cast<uv_handle_t*>(raw()); }
  explicit operator bool() const { return cell_ != nullptr && initialized_; }

  /// Call after uv_x_init succeeded: from now on the cell is freed by uv_close.
  void mark_initialized() { initialized_ = true; }
  /// Points the cell at a new owner (after the owner moved).
  void set_owner(Owner* owner) {
    if (cell_) cell_->owner = owner;
  }

  void reset() {
    if (!cell_) return;
    Cell* cell = std::exchange(cell_, nullptr);
    cell->owner = nullptr;
    auto* h = reinterpret_cast<uv_handle_t*>(&cell->raw);
    if (!initialized_) {
      delete cell;
    } else if (uv_is_closing(h)) {
      // Loop::close() already closed it without a callback (a leak it
      // counted); nobody else will free the cell.
      delete cell;
    } else {
      uv_close(h, [](uv_handle_t* closed) { delete static_cast<Cell*>(closed->data); });
    }
    initialized_ = false;
  }

  /// The live owner of a handle passed to a trampoline, or null once the
  /// wrapper is gone.
  static Owner* owner_of(const void* raw_handle) {
    auto* h = static_cast<const uv_handle_t*>(raw_handle);
    return static_cast<Cell*>(h->data)->owner;
  }

 private:
  Cell* cell_ = nullptr;
  bool initialized_ = false;
};

}  // namespace sluice::detail
