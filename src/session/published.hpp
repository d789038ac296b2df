// A value that many threads read and a reload replaces whole. Readers take
// a snapshot (a shared_ptr to an immutable copy) and keep it as long as they
// like; a replacement never changes a snapshot already taken.
#pragma once

#include <memory>
#include <mutex>
#include <utility>

namespace parley::session {

template <class T>
class Published {
 public:
  explicit Published(T value) : current_(std::make_shared<const T>(std::move(value))) {}
  Published(const Published&) = delete;
  Published& operator=(const Published&) = delete;

  std::shared_ptr<const T> get() const {
    std::lock_guard lock(mutex_);
    return current_;
  }

  void set(T value) {
    auto next = std::make_shared<const T>(std::move(value));
    std::lock_guard lock(mutex_);
    current_.swap(next);  // the old value is released after the unlock
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const T> current_;
};

}  // namespace parley::session
