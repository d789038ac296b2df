// A WebSocket client for the web listener's end-to-end tests. Boost.Beast
// speaks the protocol (a reference implementation, independent of the
// server's own frame code) and Boost.JSON reads the messages; raw frames
// are built by hand for the bytes Beast refuses to send.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness.hpp"

namespace parley::test {

using JsonObject = boost::json::object;

// The web listener's port, from parleyd's log.
unsigned short web_port(ServerProcess& server);

// A member as text: a string's contents, any other value as JSON, "" when missing.
std::string field(const JsonObject& o, std::string_view key);
// A member that is an integer, or -1.
std::int64_t number(const JsonObject& o, std::string_view key);
JsonObject parse_object(std::string_view text);

// Hand-made frames, for the raw-socket cases.
std::string client_frame(std::uint8_t opcode, std::string_view payload, bool masked, bool fin = true);
struct ServerFrame {
  bool fin = false;
  std::uint8_t opcode = 0;
  std::string payload;
};
// The server's frames at the start of bytes (after the HTTP response); stops
// at an incomplete one.
std::vector<ServerFrame> parse_server_frames(std::string_view bytes);
// The status code in a close frame's payload, or -1.
int close_code(const ServerFrame& frame);

// GET /ws with the upgrade headers; an empty origin sends none.
std::string upgrade_request(unsigned short port, const std::string& origin = "");

struct WebOptions {
  std::string source;  // local address to connect from (another client to the server)
  std::string origin;  // Origin header; empty: none, as a program sends
  int receive_buffer = 0;
};

class WebClient {
 public:
  // Connects and upgrades; the server's hello is the first message.
  explicit WebClient(unsigned short port, const WebOptions& options = {});
  ~WebClient();
  WebClient(const WebClient&) = delete;
  WebClient& operator=(const WebClient&) = delete;

  void send(const JsonObject& message);
  void send_text(const std::string& text);
  void send_binary(const std::string& bytes);
  // For a message the server may refuse while it is still being written:
  // a failed write is not a test failure, the close that follows is.
  void send_text_regardless(const std::string& text);
  // The next message; an empty object (and a test failure) on timeout or close.
  JsonObject next(std::chrono::milliseconds timeout = kWait);
  // Reads until a message of `type` comes and returns it; the ones before it
  // go to `before` when given.
  JsonObject expect(const std::string& type, std::vector<JsonObject>* before = nullptr,
                    std::chrono::milliseconds timeout = kWait);
  // Reads, dropping messages, until the server closes; returns its close
  // code, 0 for a close frame without one, -1 when the connection ended
  // without a close frame or the deadline passed.
  // The last message before the close goes to `last` when given.
  int read_close(std::chrono::milliseconds timeout = kWait, JsonObject* last = nullptr);
  // hello, login, and everything from the answer through ready (or the error).
  std::vector<JsonObject> login(const std::string& user, const std::string& password);
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket>& stream() { return ws_; }
  // How the closing handshake ended when a close frame came but the
  // connection ended before Beast could answer it; empty otherwise.
  const std::string& close_handshake_error() const { return close_handshake_error_; }

 private:
  // Runs one asynchronous read to completion or the deadline.
  boost::system::error_code read_one(std::string& text, std::chrono::milliseconds timeout);
  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
  std::string close_handshake_error_;
};

// The status of the server's answer to an upgrade with this Origin (101 when
// it upgrades), and its head in `head`.
int upgrade_status(unsigned short port, const std::string& origin, std::string* head = nullptr);

}  // namespace parley::test
