// Starting coroutines whose failures must not pass silently.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <exception>

namespace parley::client {

// Like co_spawn(..., detached), but an exception escapes io_context::run().
template <typename Executor>
void spawn_checked(const Executor& executor, boost::asio::awaitable<void> coroutine) {
  boost::asio::co_spawn(executor, std::move(coroutine), [](std::exception_ptr failure) {
    if (failure) std::rethrow_exception(failure);
  });
}

}  // namespace parley::client
