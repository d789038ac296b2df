// The HTTP/1.1 endpoint for monitoring: GET /metrics (Prometheus text
// format) and GET /healthz, served with Boost.Beast on one of the server's
// io_contexts. Bounded like every listener: request size, a read deadline,
// connections at once and requests per connection. The figures themselves
// come from the owner, asynchronously, within a deadline.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace parley::server {

struct MetricsLimits {
  std::size_t max_connections = 16;       // at once; more are closed at accept
  std::size_t max_request_bytes = 8192;   // request line and headers; larger: 431
  std::size_t max_requests = 100;         // per connection, then it closes
  std::chrono::seconds read_timeout{10};  // for each request, idle keep-alive included
  std::chrono::seconds write_timeout{10};
  std::chrono::seconds answer_timeout{2};  // for the figures and the health check
};

class MetricsEndpoint {
 public:
  // Where the answers come from.
  struct Sources {
    // Asks the store for its figures, called on the endpoint's thread; the
    // answer (the messages waiting in mailboxes, nullopt when the store
    // failed) may come on any thread. No answer within answer_timeout
    // counts as none.
    std::function<void(std::function<void(std::optional<std::int64_t>)>)> probe_store;
    // The exposition text, given the store's answer (nullopt: none).
    std::function<std::string(std::optional<std::int64_t> stored_messages)> page;
    // Why the server does not take connections now; empty when it does.
    std::function<std::string()> not_serving;
  };

  // Binds and listens at once (throws on failure); serves after start().
  MetricsEndpoint(boost::asio::io_context& context, const boost::asio::ip::tcp::endpoint& endpoint, Sources sources,
                  MetricsLimits limits = {});
  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  void start();
  // Stops accepting; open connections end after the request they are
  // serving. On the endpoint's thread.
  void close();
  bool closed() const { return *closed_; }
  boost::asio::ip::tcp::endpoint local_endpoint() const;

 private:
  struct Answer;
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);
  // The store's answer: nullopt when none came in time, else its figure
  // (nullopt within when it failed).
  boost::asio::awaitable<std::optional<std::optional<std::int64_t>>> probe_store();
  // Why /healthz fails; empty when it does not.
  boost::asio::awaitable<std::string> unhealthy();

  boost::asio::io_context& context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  Sources sources_;
  MetricsLimits limits_;
  // Shared with the connections' coroutines, which may be freed after the
  // endpoint, when the io_context is.
  std::shared_ptr<std::size_t> active_ = std::make_shared<std::size_t>(0);
  std::shared_ptr<bool> closed_ = std::make_shared<bool>(false);
};

}  // namespace parley::server
