// Bridges the callback-style chat and store APIs into coroutines: the
// callback may run on any thread, the coroutine resumes on its own executor.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <memory>

namespace parley::net {

namespace asio = boost::asio;

// `start` receives a std::function<void(T)> to pass on as the callback.
template <class T, class Executor, class Start>
asio::awaitable<T> await_callback(Executor executor, Start start) {
  return asio::async_initiate<decltype(asio::use_awaitable), void(T)>(
      [executor, start = std::move(start)](auto handler) mutable {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        start(std::function<void(T)>([executor, shared](T value) mutable {
          asio::post(executor, [shared, value = std::move(value)]() mutable { (*shared)(std::move(value)); });
        }));
      },
      asio::use_awaitable);
}

}  // namespace parley::net
