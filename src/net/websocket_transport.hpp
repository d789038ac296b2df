// A WebSocket endpoint (RFC 6455, server side) over another transport (TCP
// or TLS), on the same non-blocking calls. Until the upgrade it speaks
// HTTP/1.1: requests are parsed with Boost.Beast, the upgrade at the
// endpoint's path is checked (method, version, key, Origin) and answered
// with 101, and any other request is handed to an HttpResponder (the web
// client's files) and answered on the same connection. Nothing reaches the
// session before the upgrade.
//
// After it, frames become lines and lines frames, so the connection above
// keeps its line framing and outbound queue: each text message the peer
// sends is handed up as its payload and a '\n' (CR and LF inside it become
// spaces), and each '\n'-ended line written becomes one unmasked text frame.
// Pings are answered, fragments reassembled up to max_message, and a close
// is answered and reported as the end of input. Violations close with the
// RFC's status codes (1002 protocol, 1003 binary, 1007 bad UTF-8, 1009 too
// big), logged once.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/transport.hpp"

namespace parley::net {

// An answer to a plain HTTP request.
struct HttpResponse {
  unsigned status = 404;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type/-Length/Connection
};

// Answers a GET or HEAD for `target` (the request target, query included).
// Runs on the connection's worker thread; must not block.
using HttpResponder = std::function<HttpResponse(std::string_view target)>;

struct WebSocketSettings {
  std::string path = "/ws";               // where the upgrade is accepted
  std::size_t max_request_bytes = 8192;   // request line and headers: 431 past it
  std::size_t max_requests = 100;         // per connection before the upgrade, then it closes
  std::size_t max_message = 64 * 1024;    // one message's payload after reassembly: 1009 past it
  std::chrono::milliseconds request_timeout{10000};  // for each request before the upgrade
  // Origins accepted besides the page's own ("https://chat.example.org").
  std::vector<std::string> allowed_origins;
  HttpResponder responder;  // none: every plain request gets 404
};

class WebSocketTransport final : public Transport /*, TransportEvents */ {
 public:
  // Server side over `inner`; request deadlines are timed on `io` (the
  // connection's worker). `settings` is shared by the listener's connections.
  WebSocketTransport(std::unique_ptr<Transport> inner, std::shared_ptr<const WebSocketSettings> settings,
                     boost::asio::io_context& io);

  // Before the upgrade, read() hands out nothing and write() would block:
  // what the session says first waits in its queue for the upgrade, and a
  // writable wait fires once the 101 is out.
  IoResult read(std::span<char> into) override;
  IoResult write(std::span<const std::string_view> from) override;
  void wait_readable(TransportEvents& events, std::shared_ptr<void> owner) override;
  void wait_writable(TransportEvents& events, std::shared_ptr<void> owner) override;
  void close() override;
  std::string peer_address() const override;
  std::string peer() const override;
  bool encrypted() const override;
  bool ended_by_peer() const override;
  // False until the upgrade: a connection that only fetched files never
  // carried a session.
  bool opened() const override;

  // private: up to the implementation
};

}  // namespace parley::net
