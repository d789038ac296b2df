#include "client/connect.hpp"

#include <fmt/format.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace parley::client {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

namespace {

std::string lookup_failure(const boost::system::error_code& ec) {
  if (ec == asio::error::host_not_found) return "no such host";
  if (ec == asio::error::host_not_found_try_again) return "temporary failure in name resolution";
  if (ec == asio::error::no_data) return "the host has no address";
  if (ec == asio::error::service_not_found) return "unknown port";
  return ec.message();
}

// getaddrinfo cannot be interrupted and Asio waits for it even after
// cancel(), so the wait is on a timer that the lookup's completion stops.
struct Lookup {
  Lookup(const asio::any_io_executor& executor, std::chrono::seconds timeout)
      : resolver(executor), deadline(executor, timeout) {}
  tcp::resolver resolver;
  asio::steady_timer deadline;
  boost::system::error_code ec;
  tcp::resolver::results_type results;
  bool done = false;
};

asio::awaitable<tcp::resolver::results_type> resolve(const std::string& host, const std::string& port,
                                                     std::chrono::seconds timeout) {
  auto lookup = std::make_shared<Lookup>(co_await asio::this_coro::executor, timeout);
  lookup->resolver.async_resolve(host, port, tcp::resolver::numeric_service,
                                 [lookup](const boost::system::error_code& ec, tcp::resolver::results_type results) {
                                   lookup->ec = ec;
                                   lookup->results = std::move(results);
                                   lookup->done = true;
                                   lookup->deadline.cancel();
                                 });
  boost::system::error_code ignored;
  co_await lookup->deadline.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  if (!lookup->done) {
    throw ConnectError(fmt::format("cannot resolve '{}': no answer within {} seconds", host, timeout.count()), true);
  }
  if (lookup->ec) throw ConnectError(fmt::format("cannot resolve '{}': {}", host, lookup_failure(lookup->ec)), false);
  co_return lookup->results;
}

}  // namespace

asio::awaitable<void> sleep_for(std::chrono::seconds duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  boost::system::error_code ignored;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

asio::awaitable<tcp::socket> connect_to_server(std::string host, std::string port, std::chrono::seconds timeout) {
  auto endpoints = co_await resolve(host, port, timeout);
  tcp::socket socket(co_await asio::this_coro::executor);
  boost::system::error_code ec;
  auto outcome = co_await (asio::async_connect(socket, endpoints, asio::redirect_error(asio::use_awaitable, ec)) ||
                           sleep_for(timeout));
  if (outcome.index() == 1) {
    throw ConnectError(
        fmt::format("cannot connect to {} port {}: no answer within {} seconds", host, port, timeout.count()), false);
  }
  if (ec) throw ConnectError(fmt::format("cannot connect to {} port {}: {}", host, port, ec.message()), false);
  socket.set_option(tcp::no_delay(true));
  co_return socket;
}

}  // namespace parley::client
