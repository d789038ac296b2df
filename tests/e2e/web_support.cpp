#include "web_support.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket.hpp>
// Boost.JSON's definitions (boost/json/src.hpp) are compiled once per test
// binary: in server_e2e_tests by server_logs_test.cpp.
#include <boost/json.hpp>
#include <sstream>

namespace parley::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

unsigned short web_port(ServerProcess& server) {
  std::string line = server.wait_for_log("web protocol listening on");
  auto colon = line.rfind(':');
  if (line.empty() || colon == std::string::npos) {
    ADD_FAILURE() << "parleyd did not report a web port; log:\n" << server.log();
    return 0;
  }
  return static_cast<unsigned short>(std::stoi(line.substr(colon + 1)));
}

std::string field(const JsonObject& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) return "";
  if (it->value().is_string()) return std::string(it->value().get_string());
  return boost::json::serialize(it->value());
}

std::int64_t number(const JsonObject& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_int64()) return -1;
  return it->value().get_int64();
}

JsonObject parse_object(std::string_view text) {
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec || !value.is_object()) {
    ADD_FAILURE() << "not a JSON object: " << text;
    return {};
  }
  return value.as_object();
}

std::string client_frame(std::uint8_t opcode, std::string_view payload, bool masked, bool fin) {
  std::string out;
  out.push_back(static_cast<char>((fin ? 0x80u : 0u) | opcode));
  const std::uint8_t mask_bit = masked ? 0x80 : 0;
  const auto size = payload.size();
  if (size < 126) {
    out.push_back(static_cast<char>(mask_bit | size));
  } else if (size <= 0xffff) {
    out.push_back(static_cast<char>(mask_bit | 126u));
    out.push_back(static_cast<char>(size >> 8));
    out.push_back(static_cast<char>(size & 0xff));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127u));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((size >> shift) & 0xff));
  }
  const unsigned char key[4] = {0x37, 0xfa, 0x21, 0x3d};
  if (masked) out.append(reinterpret_cast<const char*>(key), 4);
  for (std::size_t i = 0; i < size; ++i)
    out.push_back(masked ? static_cast<char>(static_cast<unsigned char>(payload[i]) ^ key[i % 4]) : payload[i]);
  return out;
}

std::vector<ServerFrame> parse_server_frames(std::string_view bytes) {
  std::vector<ServerFrame> frames;
  std::size_t pos = 0;
  auto at = [&](std::size_t i) { return static_cast<std::uint8_t>(bytes[i]); };
  while (bytes.size() - pos >= 2) {
    ServerFrame f;
    f.fin = (at(pos) & 0x80) != 0;
    f.opcode = at(pos) & 0x0f;
    std::uint64_t size = at(pos + 1) & 0x7f;
    std::size_t header = 2;
    if (size == 126) {
      if (bytes.size() - pos < 4) break;
      size = static_cast<std::uint64_t>(at(pos + 2)) << 8 | at(pos + 3);
      header = 4;
    } else if (size == 127) {
      if (bytes.size() - pos < 10) break;
      size = 0;
      for (std::size_t i = 2; i < 10; ++i) size = size << 8 | at(pos + i);
      header = 10;
    }
    if ((at(pos + 1) & 0x80) != 0) header += 4;  // a masked server frame: wrong, but readable
    if (bytes.size() - pos - header < size) break;
    f.payload = std::string(bytes.substr(pos + header, static_cast<std::size_t>(size)));
    pos += header + static_cast<std::size_t>(size);
    frames.push_back(std::move(f));
  }
  return frames;
}

int close_code(const ServerFrame& frame) {
  if (frame.opcode != 0x8 || frame.payload.size() < 2) return -1;
  return static_cast<unsigned char>(frame.payload[0]) << 8 | static_cast<unsigned char>(frame.payload[1]);
}

std::string upgrade_request(unsigned short port, const std::string& origin) {
  std::string request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
  if (!origin.empty()) request += "Origin: " + origin + "\r\n";
  return request + "\r\n";
}

namespace {

void connect_socket(tcp::socket& socket, unsigned short port, const WebOptions& options) {
  socket.open(tcp::v4());
  if (options.receive_buffer > 0) socket.set_option(asio::socket_base::receive_buffer_size(options.receive_buffer));
  if (!options.source.empty()) socket.bind(tcp::endpoint(asio::ip::make_address(options.source), 0));
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  socket.set_option(tcp::no_delay(true));
}

// Runs the io_context until done or the deadline; cancels what is left.
template <class Done>
bool run_until(asio::io_context& io, tcp::socket& socket, Done done, std::chrono::milliseconds timeout) {
  io.restart();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done() && std::chrono::steady_clock::now() < deadline) io.run_one_until(deadline);
  if (done()) return true;
  boost::system::error_code ignored;
  socket.cancel(ignored);
  io.restart();
  while (!done()) io.run_one();
  return false;
}

void decorate(websocket::stream<tcp::socket>& ws, const std::string& origin) {
  if (origin.empty()) return;
  ws.set_option(websocket::stream_base::decorator(
      [origin](websocket::request_type& request) { request.set(beast::http::field::origin, origin); }));
}

}  // namespace

WebClient::WebClient(unsigned short port, const WebOptions& options) : ws_(io_) {
  connect_socket(ws_.next_layer(), port, options);
  decorate(ws_, options.origin);
  bool done = false;
  boost::system::error_code ec;
  ws_.async_handshake("127.0.0.1:" + std::to_string(port), "/ws", [&](boost::system::error_code e) {
    ec = e;
    done = true;
  });
  if (!run_until(
          io_, ws_.next_layer(), [&] { return done; }, kWait))
    ADD_FAILURE() << "no answer to the upgrade";
  else if (ec)
    ADD_FAILURE() << "upgrade failed: " << ec.message();
}

WebClient::~WebClient() {
  boost::system::error_code ignored;
  ws_.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
  ws_.next_layer().close(ignored);
}

void WebClient::send(const JsonObject& message) { send_text(boost::json::serialize(message)); }

void WebClient::send_text(const std::string& text) {
  ws_.text(true);
  ws_.write(asio::buffer(text));
}

void WebClient::send_text_regardless(const std::string& text) {
  ws_.text(true);
  boost::system::error_code ignored;
  ws_.write(asio::buffer(text), ignored);
}

void WebClient::send_binary(const std::string& bytes) {
  ws_.binary(true);
  ws_.write(asio::buffer(bytes));
}

boost::system::error_code WebClient::read_one(std::string& text, std::chrono::milliseconds timeout) {
  beast::flat_buffer buffer;
  bool done = false;
  boost::system::error_code ec;
  ws_.async_read(buffer, [&](boost::system::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  if (!run_until(
          io_, ws_.next_layer(), [&] { return done; }, timeout))
    return asio::error::timed_out;
  text = beast::buffers_to_string(buffer.data());
  return ec;
}

JsonObject WebClient::next(std::chrono::milliseconds timeout) {
  std::string text;
  auto ec = read_one(text, timeout);
  if (ec) {
    ADD_FAILURE() << "no message from the server: " << ec.message();
    return {};
  }
  return parse_object(text);
}

JsonObject WebClient::expect(const std::string& type, std::vector<JsonObject>* before,
                             std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    std::string text;
    auto ec = read_one(text, std::max(left, std::chrono::milliseconds(1)));
    if (ec) {
      ADD_FAILURE() << "no \"" << type << "\" from the server: " << ec.message();
      return {};
    }
    auto message = parse_object(text);
    if (field(message, "type") == type) return message;
    if (before) before->push_back(std::move(message));
  }
}

int WebClient::read_close(std::chrono::milliseconds timeout, JsonObject* last) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    std::string text;
    auto ec = read_one(text, std::max(left, std::chrono::milliseconds(1)));
    if (ec == websocket::error::closed) return ws_.reason().code;
    if (ec) {
      // A close frame came, but the server did not wait for the answer
      // before closing the connection (Beast fails sending it).
      if (ws_.reason().code != websocket::close_code::none) {
        close_handshake_error_ = ec.message();
        return ws_.reason().code;
      }
      return -1;
    }
    if (last) *last = parse_object(text);
  }
}

std::vector<JsonObject> WebClient::login(const std::string& user, const std::string& password) {
  std::vector<JsonObject> got;
  auto hello = next();
  EXPECT_EQ(field(hello, "type"), "hello") << boost::json::serialize(hello);
  send({{"type", "login"}, {"user", user}, {"password", password}});
  auto first = next();
  got.push_back(first);
  if (field(first, "type") != "welcome") return got;
  auto ready = expect("ready", &got);
  got.push_back(std::move(ready));
  return got;
}

int upgrade_status(unsigned short port, const std::string& origin, std::string* head) {
  asio::io_context io;
  websocket::stream<tcp::socket> ws(io);
  connect_socket(ws.next_layer(), port, {});
  decorate(ws, origin);
  websocket::response_type response;
  bool done = false;
  ws.async_handshake(response, "127.0.0.1:" + std::to_string(port), "/ws",
                     [&](boost::system::error_code) { done = true; });
  if (!run_until(
          io, ws.next_layer(), [&] { return done; }, kWait))
    return -1;
  if (head) {
    std::ostringstream s;
    s << response.base();
    *head = s.str();
  }
  return static_cast<int>(response.result_int());
}

}  // namespace parley::test
