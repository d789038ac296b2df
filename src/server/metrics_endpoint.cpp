#include "server/metrics_endpoint.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace parley::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr const char* kMetricsType = "text/plain; version=0.0.4; charset=utf-8";
constexpr const char* kPlainType = "text/plain; charset=utf-8";

http::response<http::string_body> response(http::status status, unsigned version, std::string body,
                                           const char* type = kPlainType) {
  http::response<http::string_body> res{status, version};
  res.set(http::field::server, "parleyd");
  res.set(http::field::content_type, type);
  res.set(http::field::cache_control, "no-store");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

}  // namespace

struct MetricsEndpoint::Answer {
  explicit Answer(asio::io_context& context) : timer(context) {}
  asio::steady_timer timer;
  std::optional<std::optional<std::int64_t>> value;
};

MetricsEndpoint::MetricsEndpoint(asio::io_context& context, const tcp::endpoint& endpoint, Sources sources,
                                 MetricsLimits limits)
    : context_(context), acceptor_(context), sources_(std::move(sources)), limits_(limits) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
}

MetricsEndpoint::~MetricsEndpoint() { *closed_ = true; }

tcp::endpoint MetricsEndpoint::local_endpoint() const { return acceptor_.local_endpoint(); }

void MetricsEndpoint::start() { asio::co_spawn(context_, accept_loop(), asio::detached); }

void MetricsEndpoint::close() {
  *closed_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

asio::awaitable<void> MetricsEndpoint::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(kTuple);
    if (*closed_ || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      // Out of descriptors, say: wait a little instead of spinning.
      asio::steady_timer pause(context_, std::chrono::milliseconds(100));
      co_await pause.async_wait(kTuple);
      continue;
    }
    if (*active_ >= limits_.max_connections) {
      boost::system::error_code ignored;
      socket.close(ignored);  // over the cap: closed at once
      continue;
    }
    asio::co_spawn(context_, serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<std::optional<std::optional<std::int64_t>>> MetricsEndpoint::probe_store() {
  auto answer = std::make_shared<Answer>(context_);
  answer->timer.expires_after(limits_.answer_timeout);
  sources_.probe_store([answer, &context = context_](std::optional<std::int64_t> value) {
    asio::post(context, [answer, value] {
      answer->value = value;
      answer->timer.cancel();
    });
  });
  if (!answer->value) co_await answer->timer.async_wait(kTuple);
  co_return answer->value;
}

asio::awaitable<std::string> MetricsEndpoint::unhealthy() {
  auto reason = sources_.not_serving();
  if (reason.empty()) {
    auto stored = co_await probe_store();
    if (!stored)
      reason = "store did not answer in time";
    else if (!*stored)
      reason = "store failed";
  }
  co_return reason;
}

asio::awaitable<void> MetricsEndpoint::serve(tcp::socket socket) {
  ++*active_;
  struct Release {
    std::shared_ptr<std::size_t> active;
    ~Release() { --*active; }
  } release{active_};
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer(limits_.max_request_bytes);
  for (std::size_t served = 0; served < limits_.max_requests && !*closed_; ++served) {
    http::request_parser<http::empty_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits_.max_request_bytes));
    stream.expires_after(limits_.read_timeout);
    auto [read_error, read_bytes] = co_await http::async_read(stream, buffer, parser, kTuple);
    if (read_error == http::error::header_limit || read_error == http::error::buffer_overflow) {
      auto res = response(http::status::request_header_fields_too_large, 11, "request too large\n");
      res.keep_alive(false);
      stream.expires_after(limits_.write_timeout);
      co_await http::async_write(stream, res, kTuple);
      break;
    }
    if (read_error == http::error::end_of_stream || read_error == beast::error::timeout ||
        read_error == asio::error::eof || read_error == asio::error::connection_reset)
      break;
    if (read_error) {
      auto res = response(http::status::bad_request, 11, "bad request\n");
      res.keep_alive(false);
      stream.expires_after(limits_.write_timeout);
      co_await http::async_write(stream, res, kTuple);
      break;
    }
    const auto& req = parser.get();
    std::string_view target(req.target().data(), req.target().size());
    target = target.substr(0, target.find('?'));
    http::response<http::string_body> res;
    bool known = target == "/metrics" || target == "/healthz";
    if (!known) {
      res = response(http::status::not_found, req.version(), "not found\n");
    } else if (req.method() != http::verb::get) {
      res = response(http::status::method_not_allowed, req.version(), "method not allowed\n");
      res.set(http::field::allow, "GET");
    } else if (target == "/metrics") {
      auto stored = co_await probe_store();
      res = response(http::status::ok, req.version(), sources_.page(stored ? *stored : std::nullopt), kMetricsType);
    } else {
      auto reason = co_await unhealthy();
      if (reason.empty())
        res = response(http::status::ok, req.version(), "ok\n");
      else
        res = response(http::status::service_unavailable, req.version(), reason + "\n");
    }
    bool keep_alive = req.keep_alive() && served + 1 < limits_.max_requests && !*closed_;
    res.keep_alive(keep_alive);
    stream.expires_after(limits_.write_timeout);
    auto [write_error, written] = co_await http::async_write(stream, res, kTuple);
    if (write_error || !keep_alive) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace parley::server
