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

#include <array>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "net/http_message.hpp"
#include "net/transport.hpp"
#include "net/websocket_frame.hpp"

namespace parley::net {

struct WebSocketSettings {
  std::string path = "/ws";               // where the upgrade is accepted
  std::size_t max_request_bytes = 8192;   // request line and headers: 431 past it
  std::size_t max_requests = 100;         // per connection before the upgrade, then it closes
  std::size_t max_message = 64 * 1024;    // one message's payload after reassembly: 1009 past it
  std::chrono::milliseconds request_timeout{10000};  // for each request before the upgrade
  // Origins accepted besides the page's own ("https://chat.example.org").
  std::vector<std::string> allowed_origins;
  HttpResponder responder;  // none: every plain request gets 404
  // Sent with every response but the 101, the transport's own (400, 403,
  // 404, 405, 413, 426, 431, 505) included.
  HttpHeaders response_headers;
};

class WebSocketTransport final : public Transport, TransportEvents {
 public:
  // Server side over `inner`; request deadlines are timed on `io` (the
  // connection's worker). `settings` is shared by the listener's connections.
  WebSocketTransport(std::unique_ptr<Transport> inner, std::shared_ptr<const WebSocketSettings> settings,
                     boost::asio::io_context& io);
  ~WebSocketTransport() override;
  WebSocketTransport(const WebSocketTransport&) = delete;
  WebSocketTransport& operator=(const WebSocketTransport&) = delete;

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

 private:
  struct HttpPhase;

  // The inner transport's readiness.
  void on_readable() override;
  void on_writable() override;
  void on_transport_error() override;

  // Before the upgrade: reads requests and writes their answers until it
  // must wait (would_block), the connection is done (end) or failed (error).
  IoResult serve_http();
  // serve_http() on the inner transport's readiness, then tells the session.
  void drive_http();
  void handle_request(const HttpRequest& request);
  void answer(const HttpResponse& response, bool head, bool keep_alive);
  void refuse(unsigned status, const char* reason, bool head);
  void restart_deadline();
  void upgraded();

  IoResult read_frames(std::span<char> into);
  IoResult write_frames(std::span<const std::string_view> from);
  // Writes control_ while no data frame is half written: error, would_block
  // (the socket is full) or ok (all written).
  IoStatus flush_control();
  void send_close(std::uint16_t code, std::string_view reason);

  // Keeps the inner waits in step with what is pending.
  void arm();
  void fire_readable();
  void fire_writable();
  void fire_events_later();

  std::unique_ptr<Transport> inner_;
  std::shared_ptr<const WebSocketSettings> settings_;
  boost::asio::io_context& io_;
  std::unique_ptr<HttpPhase> http_;  // until the upgrade
  ws::FrameDecoder decoder_;
  std::string input_;    // read but not yet parsed or decoded
  std::string output_;   // a message decoded that did not fit into the reader's buffer
  std::string control_;  // HTTP answers and control frames, before the next data frame
  // The data frame being written: its header, and its payload still at the
  // front of what write() is given, then the '\n' that ended its line.
  std::array<char, 10> frame_header_{};
  std::uint64_t frame_left_ = 0;
  std::uint8_t frame_header_length_ = 0;
  std::uint8_t frame_header_sent_ = 0;
  bool frame_open_ = false;
  bool frame_ends_line_ = false;
  bool message_open_ = false;  // a line went out in part: the rest follows as continuation
  TransportEvents* events_ = nullptr;
  std::shared_ptr<void> owner_;  // held while an outer wait is pending
  bool reading_ = false;         // outer waits
  bool writing_ = false;
  bool inner_reading_ = false;  // inner waits
  bool inner_writing_ = false;
  bool upgraded_ = false;
  bool input_ended_ = false;   // the peer's close or end of input: read() says end
  bool close_queued_ = false;  // no data frame may follow
  bool violated_ = false;      // read() says error once what came before is handed out
  bool timed_out_ = false;
  bool failed_ = false;
  bool closed_ = false;
};

}  // namespace parley::net
