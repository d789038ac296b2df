// The WebSocket transport under a real Connection, over the in-memory
// transport of the unit tests: the HTTP phase (files, keep-alive, every
// refusal), the upgrade and its Origin check, then frames and lines both
// ways, partial writes down to one byte, pings, the close handshake and
// violations.
#include "net/websocket_transport.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <string>
#include <vector>

#include "fake_transport.hpp"
#include "net/connection.hpp"
#include "net/websocket_frame.hpp"
#include "net/worker.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;
using net::IoStatus;
namespace ws = net::ws;

constexpr std::array<unsigned char, 4> kMask{0x12, 0x34, 0x56, 0x78};
// The key and answer of RFC 6455's example.
constexpr std::string_view kKey = "dGhlIHNhbXBsZSBub25jZQ==";
const std::string kSwitching =
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

std::string upgrade_request(std::string_view extra = "", std::string_view key = kKey, std::string_view version = "13",
                            std::string_view start = "GET /ws HTTP/1.1") {
  std::string request(start);
  request += "\r\nHost: chat.test:8080\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n";
  request += "Sec-WebSocket-Key: " + std::string(key) + "\r\n";
  request += "Sec-WebSocket-Version: " + std::string(version) + "\r\n";
  request += extra;
  request += "\r\n";
  return request;
}

std::string get(std::string_view target, std::string_view extra = "", std::string_view method = "GET",
                std::string_view version = "HTTP/1.1") {
  return std::string(method) + " " + std::string(target) + " " + std::string(version) + "\r\nHost: chat.test\r\n" +
         std::string(extra) + "\r\n";
}

std::string client(ws::Opcode opcode, std::string_view payload, bool fin = true) {
  return ws::encode_client_frame(opcode, payload, kMask, fin);
}
std::string text(std::string_view payload, bool fin = true) { return client(ws::Opcode::text, payload, fin); }
std::string server_text(std::string_view payload, bool fin = true) {
  return ws::encode_server_frame(ws::Opcode::text, payload, fin);
}
std::string server_close(std::uint16_t code, std::string_view reason = {}) {
  return ws::encode_server_frame(ws::Opcode::close, ws::close_payload(code, reason));
}

std::size_t count(std::string_view haystack, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

class Handler final : public net::ConnectionHandler {
 public:
  Handler(std::unique_ptr<net::Transport> transport, net::Worker& worker, const net::ConnectionLimits& limits)
      : connection(std::move(transport), *this, worker, limits) {}

  void on_line(std::string_view line) override { lines.emplace_back(line); }
  void on_line_too_long() override { lines.emplace_back("<too long>"); }
  void on_input_end() override {
    ++input_ends;
    connection.close();
  }
  void on_deadline() override {}
  void on_closed() override { ++closes; }
  void on_shutdown() override {}

  net::Connection connection;
  std::vector<std::string> lines;
  int input_ends = 0;
  int closes = 0;
};

// The log lines written while it lives, as "level message".
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>("capture", sink_);
    logger->set_pattern("%l %v");
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  // Lines at info and above.
  std::vector<std::string> lines() const {
    std::vector<std::string> kept;
    for (auto& line : sink_->last_formatted())
      if (line.rfind("debug ", 0) != 0) kept.push_back(line.substr(0, line.find_last_not_of("\r\n") + 1));
    return kept;
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_ = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
  std::shared_ptr<spdlog::logger> previous_;
};

struct Events final : net::TransportEvents {
  virtual ~Events() = default;
  int readable = 0;
  int writable = 0;
  int errors = 0;
  void on_readable() override { ++readable; }
  void on_writable() override { ++writable; }
  void on_transport_error() override { ++errors; }
};

class WebSocketTransportTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (handler) handler->connection.close();
    run();
  }

  void start() {
    auto transport =
        std::make_unique<net::WebSocketTransport>(std::make_unique<FakeTransport>(state), settings, context);
    transport_ = transport.get();
    handler = std::make_shared<Handler>(std::move(transport), worker, limits);
    handler->connection.start();
    run();
  }
  void run() {
    context.restart();
    context.poll();
  }
  void feed(std::string bytes) {
    state->reads.push_back({IoStatus::ok, std::move(bytes)});
    state->fire_readable();
    run();
  }
  // What the server wrote since the last call.
  std::string written() {
    auto bytes = std::move(state->written);
    state->written.clear();
    return bytes;
  }
  void upgrade() {
    start();
    feed(upgrade_request());
    ASSERT_EQ(written(), kSwitching);
    ASSERT_TRUE(transport_->opened());
  }
  // Lets the socket take `bytes` at a time until nothing waits to be written.
  void drain_by(std::size_t bytes) {
    for (int rounds = 0; state->write_waiter && rounds < 100000; ++rounds) {
      state->write_capacity = bytes;
      state->fire_writable();
      run();
    }
    state->write_capacity = 1u << 30;
  }
  // Runs the worker (timers included) until the connection closed; false after 5 s.
  bool run_until_closed() {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (handler->closes == 0) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      context.restart();
      context.run_for(10ms);
    }
    return true;
  }

  boost::asio::io_context context;
  net::Worker worker{context, 0};
  net::ConnectionLimits limits;
  std::shared_ptr<net::WebSocketSettings> settings = std::make_shared<net::WebSocketSettings>();
  std::shared_ptr<FakeTransport::State> state = std::make_shared<FakeTransport::State>();
  std::shared_ptr<Handler> handler;
  net::WebSocketTransport* transport_ = nullptr;
};

// --- the handshake ---------------------------------------------------------------

TEST_F(WebSocketTransportTest, AnUpgradeIsAnsweredWithTheAcceptKey) {
  start();
  EXPECT_FALSE(transport_->opened());
  feed(upgrade_request());
  EXPECT_EQ(written(), kSwitching);
  EXPECT_TRUE(transport_->opened());
  EXPECT_FALSE(state->closed);
  EXPECT_TRUE(handler->lines.empty());
}

TEST_F(WebSocketTransportTest, ARequestByteByByte) {
  start();
  for (char c : upgrade_request()) feed(std::string(1, c));
  EXPECT_EQ(written(), kSwitching);
}

TEST_F(WebSocketTransportTest, WhatTheSessionSaysFirstWaitsForTheUpgrade) {
  start();
  handler->connection.reply("{\"type\":\"hello\"}\n");
  run();
  EXPECT_EQ(written(), "");
  // Frames sent right behind the request are read after it.
  feed(upgrade_request() + text("early"));
  EXPECT_EQ(written(), kSwitching + server_text("{\"type\":\"hello\"}"));
  EXPECT_EQ(handler->lines, std::vector<std::string>{"early"});
}

TEST_F(WebSocketTransportTest, BeforeTheUpgradeReadsGiveNothingAndWritesWait) {
  net::WebSocketTransport transport(std::make_unique<FakeTransport>(state), settings, context);
  std::array<char, 256> buffer{};
  auto request = upgrade_request();
  state->reads.push_back({IoStatus::ok, request.substr(0, 20)});
  EXPECT_EQ(transport.read(buffer).status, IoStatus::would_block);
  std::array<std::string_view, 1> hello{"hello\n"};
  EXPECT_EQ(transport.write(hello).status, IoStatus::would_block);
  Events events;
  auto owner = std::make_shared<int>(0);
  transport.wait_readable(events, owner);
  transport.wait_writable(events, owner);
  EXPECT_EQ(state->write_waiter, nullptr);  // nothing to write yet
  state->reads.push_back({IoStatus::ok, request.substr(20)});
  ASSERT_TRUE(state->fire_readable());
  EXPECT_EQ(state->written, kSwitching);
  EXPECT_EQ(events.readable, 1);
  EXPECT_EQ(events.writable, 1);
  auto w = transport.write(hello);
  EXPECT_EQ(w.status, IoStatus::ok);
  EXPECT_EQ(w.bytes, 6u);
  EXPECT_EQ(state->written, kSwitching + server_text("hello"));
}

TEST_F(WebSocketTransportTest, TheAnswerToTheUpgradeOneByteAtATime) {
  start();
  state->write_capacity = 0;
  feed(upgrade_request());
  EXPECT_FALSE(transport_->opened());
  drain_by(1);
  EXPECT_EQ(written(), kSwitching);
  EXPECT_TRUE(transport_->opened());
  feed(text("hi"));
  EXPECT_EQ(handler->lines, std::vector<std::string>{"hi"});
}

struct Refusal {
  std::string request;
  std::string status_line;
  std::string header;  // a header the answer must carry
};

class WebSocketRefusalTest : public WebSocketTransportTest, public ::testing::WithParamInterface<Refusal> {};

TEST_P(WebSocketRefusalTest, IsAnsweredThenClosed) {
  LogCapture log;
  start();
  feed(GetParam().request);
  auto answer = written();
  EXPECT_EQ(answer.substr(0, answer.find("\r\n")), GetParam().status_line);
  EXPECT_NE(answer.find("\r\nConnection: close\r\n"), std::string::npos) << answer;
  if (!GetParam().header.empty()) {
    EXPECT_NE(answer.find("\r\n" + GetParam().header + "\r\n"), std::string::npos);
  }
  EXPECT_TRUE(state->closed);
  EXPECT_FALSE(transport_->opened());
  EXPECT_FALSE(handler->connection.failed());
  EXPECT_EQ(log.lines().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Requests, WebSocketRefusalTest,
    ::testing::Values(Refusal{upgrade_request("", "abc"), "HTTP/1.1 400 Bad Request", ""},
                      Refusal{upgrade_request("", "dGhlIHNhbXBsZSBub25jZQ=" /* 23 */), "HTTP/1.1 400 Bad Request", ""},
                      Refusal{upgrade_request("", kKey, "8"), "HTTP/1.1 426 Upgrade Required",
                              "Sec-WebSocket-Version: 13"},
                      Refusal{get("/ws"), "HTTP/1.1 426 Upgrade Required", "Upgrade: websocket"},
                      Refusal{upgrade_request("", kKey, "13", "GET /ws HTTP/1.0"), "HTTP/1.1 400 Bad Request", ""},
                      Refusal{get("/ws",
                                  "Upgrade: websocket\r\nConnection: keep-alive\r\nSec-WebSocket-Key: "
                                  "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"),
                              "HTTP/1.1 400 Bad Request", ""},
                      Refusal{upgrade_request("Origin: https://evil.example\r\n"), "HTTP/1.1 403 Forbidden", ""},
                      Refusal{upgrade_request("Origin: null\r\n"), "HTTP/1.1 403 Forbidden", ""},
                      Refusal{upgrade_request("Origin: http://chat.test\r\n"), "HTTP/1.1 403 Forbidden", ""},
                      Refusal{"BLAH\r\n\r\n", "HTTP/1.1 400 Bad Request", ""},
                      Refusal{"GET / HTTP/2.0\r\n\r\n", "HTTP/1.1 505 HTTP Version Not Supported", ""},
                      Refusal{get("/", "X-Filler: " + std::string(9000, 'a') + "\r\n"),
                              "HTTP/1.1 431 Request Header Fields Too Large", ""}));

TEST_F(WebSocketTransportTest, TheRefusalsLogLine) {
  LogCapture log;
  start();
  feed(upgrade_request("Origin: https://evil.example\r\n"));
  EXPECT_EQ(log.lines(), std::vector<std::string>{"warning WebSocket upgrade refused from=192.0.2.1:4000 status=403 "
                                                  "reason=origin not allowed origin=https://evil.example"});
}

TEST_F(WebSocketTransportTest, OriginsThatAreAccepted) {
  settings->allowed_origins = {"https://chat.example.org"};
  for (std::string origin : {"", "Origin: http://chat.test:8080\r\n", "Origin: HTTPS://Chat.Test:8080\r\n",
                             "Origin: https://chat.example.org\r\n", "Origin: https://CHAT.example.org\r\n"}) {
    state = std::make_shared<FakeTransport::State>();
    start();
    feed(upgrade_request(origin));
    EXPECT_EQ(written(), kSwitching) << origin;
    handler->connection.close();
    run();
  }
}

// --- plain HTTP ---------------------------------------------------------------------

TEST_F(WebSocketTransportTest, PlainRequestsGoToTheResponderOnOneConnection) {
  std::vector<std::string> targets;
  settings->responder = [&](std::string_view target) {
    targets.emplace_back(target);
    return net::HttpResponse{200, "text/html; charset=utf-8", "<p>hi</p>", {{"Cache-Control", "no-cache"}}};
  };
  settings->response_headers = {{"X-Content-Type-Options", "nosniff"}};
  start();
  feed(get("/index.html?v=1"));
  std::string head =
      "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 9\r\nConnection: keep-alive\r\n"
      "X-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\n\r\n";
  EXPECT_EQ(written(), head + "<p>hi</p>");
  feed(get("/app.js", "", "HEAD"));
  EXPECT_EQ(written(), head);
  EXPECT_EQ(targets, (std::vector<std::string>{"/index.html?v=1", "/app.js"}));
  EXPECT_FALSE(state->closed);
  EXPECT_FALSE(transport_->opened());
  // Then the upgrade on the same connection.
  feed(upgrade_request());
  EXPECT_EQ(written(), kSwitching);
}

TEST_F(WebSocketTransportTest, WithoutAResponderEverythingIsNotFound) {
  settings->response_headers = {{"X-Content-Type-Options", "nosniff"}};
  start();
  feed(get("/"));
  EXPECT_EQ(written(),
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 10\r\n"
            "Connection: keep-alive\r\nX-Content-Type-Options: nosniff\r\n\r\nNot Found\n");
}

TEST_F(WebSocketTransportTest, OnlyGetAndHead) {
  start();
  feed("POST / HTTP/1.1\r\nHost: chat.test\r\nContent-Length: 3\r\n\r\nabc");
  auto answer = written();
  EXPECT_EQ(answer.substr(0, answer.find("\r\n")), "HTTP/1.1 405 Method Not Allowed");
  EXPECT_NE(answer.find("\r\nAllow: GET, HEAD\r\n"), std::string::npos);
  EXPECT_TRUE(state->closed);
}

TEST_F(WebSocketTransportTest, BodiesAreRefused) {
  start();
  feed(get("/", "Content-Length: 3\r\n") + "abc");
  auto answer = written();
  EXPECT_EQ(answer.substr(0, answer.find("\r\n")), "HTTP/1.1 413 Payload Too Large");
  EXPECT_TRUE(state->closed);
}

TEST_F(WebSocketTransportTest, HeadersOverTheLimit) {
  settings->max_request_bytes = 1024;
  start();
  auto request = get("/", "X-Filler: " + std::string(1100, 'a') + "\r\n");
  for (std::size_t at = 0; at < request.size() && !state->closed; at += 100) feed(request.substr(at, 100));
  auto answer = written();
  EXPECT_EQ(answer.substr(0, answer.find("\r\n")), "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_TRUE(state->closed);
}

TEST_F(WebSocketTransportTest, HeadersJustWithinTheLimit) {
  settings->max_request_bytes = 1024;
  auto request = get("/", "X-Filler: ");
  request.insert(request.size() - 2, std::string(1024 - request.size() - 2, 'a') + "\r\n");
  ASSERT_EQ(request.size(), 1024u);
  start();
  feed(request);
  EXPECT_EQ(written().substr(0, 22), "HTTP/1.1 404 Not Found");
  EXPECT_FALSE(state->closed);
}

TEST_F(WebSocketTransportTest, KeepAliveUpToMaxRequests) {
  settings->max_requests = 2;
  start();
  feed(get("/a") + get("/b") + get("/c"));
  auto answers = written();
  EXPECT_EQ(count(answers, "HTTP/1.1 404"), 2u);
  EXPECT_EQ(count(answers, "Connection: keep-alive"), 1u);
  EXPECT_EQ(count(answers, "Connection: close"), 1u);
  EXPECT_TRUE(state->closed);
}

TEST_F(WebSocketTransportTest, ConnectionCloseAndHttp10CloseAfterTheAnswer) {
  for (auto request : {get("/", "Connection: close\r\n"), get("/", "", "GET", "HTTP/1.0")}) {
    state = std::make_shared<FakeTransport::State>();
    start();
    feed(request);
    auto answer = written();
    EXPECT_EQ(answer.substr(0, 22), "HTTP/1.1 404 Not Found");
    EXPECT_NE(answer.find("Connection: close"), std::string::npos);
    EXPECT_TRUE(state->closed);
  }
}

TEST_F(WebSocketTransportTest, AnswersOneByteAtATimeAndTheNextRequestWaits) {
  start();
  state->write_capacity = 0;
  feed(get("/a") + get("/b"));
  drain_by(1);
  EXPECT_EQ(count(written(), "HTTP/1.1 404 Not Found\r\n"), 2u);
  EXPECT_FALSE(state->closed);
}

TEST_F(WebSocketTransportTest, ARequestTooSlowIsClosed) {
  settings->request_timeout = 20ms;
  start();
  feed("GET / HT");
  ASSERT_TRUE(run_until_closed());
  EXPECT_TRUE(state->closed);
  EXPECT_EQ(written(), "");
  EXPECT_FALSE(handler->connection.failed());
}

TEST_F(WebSocketTransportTest, AnIdleKeepAliveIsClosed) {
  settings->request_timeout = 20ms;
  start();
  feed(get("/"));
  EXPECT_EQ(written().substr(0, 22), "HTTP/1.1 404 Not Found");
  ASSERT_TRUE(run_until_closed());
}

TEST_F(WebSocketTransportTest, TheDeadlineEndsWithTheUpgrade) {
  settings->request_timeout = 20ms;
  upgrade();
  context.restart();
  context.run_for(60ms);
  EXPECT_FALSE(state->closed);
}

// --- frames and lines ---------------------------------------------------------------

TEST_F(WebSocketTransportTest, MessagesBecomeLinesWithoutTheirLineBreaks) {
  upgrade();
  feed(text("hello") + text("a\r\nb\nc") + text(""));
  EXPECT_EQ(handler->lines, (std::vector<std::string>{"hello", "a  b c", ""}));
}

TEST_F(WebSocketTransportTest, FragmentsWithAPingBetween) {
  upgrade();
  feed(text("frag", false) + client(ws::Opcode::ping, "p1") + client(ws::Opcode::continuation, "ment"));
  EXPECT_EQ(handler->lines, std::vector<std::string>{"fragment"});
  EXPECT_EQ(written(), ws::encode_server_frame(ws::Opcode::pong, "p1"));
}

TEST_F(WebSocketTransportTest, FramesByteByByte) {
  upgrade();
  for (char c : text("one") + client(ws::Opcode::ping, "") + text("two")) feed(std::string(1, c));
  EXPECT_EQ(handler->lines, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(written(), ws::encode_server_frame(ws::Opcode::pong, ""));
}

TEST_F(WebSocketTransportTest, AMessageLargerThanTheReadBuffer) {
  settings->max_message = 200000;
  limits.max_line = 200000;
  upgrade();
  std::string big(150000, 'x');
  feed(text(big.substr(0, 100000), false) + client(ws::Opcode::continuation, big.substr(100000)) + text("after"));
  ASSERT_EQ(handler->lines.size(), 2u);
  EXPECT_EQ(handler->lines[0], big);
  EXPECT_EQ(handler->lines[1], "after");
  feed(text(big));
  ASSERT_EQ(handler->lines.size(), 3u);
  EXPECT_EQ(handler->lines[2], big);
}

TEST_F(WebSocketTransportTest, LinesBecomeFrames) {
  upgrade();
  handler->connection.reply("one\n\ntwo\n");
  std::string long_line(70000, 'l');
  handler->connection.reply(long_line + "\n");
  run();
  EXPECT_EQ(written(), server_text("one") + server_text("") + server_text("two") + server_text(long_line));
}

TEST_F(WebSocketTransportTest, LinesOneByteAtATime) {
  upgrade();
  state->write_capacity = 0;
  handler->connection.reply("first line\n");
  handler->connection.reply("{\"x\":1}\nsecond");
  handler->connection.reply(" part\n");
  run();
  drain_by(1);
  EXPECT_EQ(written(), server_text("first line") + server_text("{\"x\":1}") + server_text("second part"));
  EXPECT_EQ(handler->connection.queued_bytes(), 0u);
}

TEST_F(WebSocketTransportTest, ControlFramesWaitForTheFrameBeingWritten) {
  upgrade();
  state->write_capacity = 3;
  handler->connection.reply("abcdef\n");
  run();  // the header and "a" are out
  feed(client(ws::Opcode::ping, "p"));
  drain_by(2);
  EXPECT_EQ(written(), server_text("abcdef") + ws::encode_server_frame(ws::Opcode::pong, "p"));
}

// The bytes a write reports are exactly the payload written, and the '\n'
// once its frame is whole.
TEST_F(WebSocketTransportTest, WritesReportExactlyWhatWentOut) {
  upgrade();
  auto write = [&](std::vector<std::string_view> pieces, std::size_t capacity) {
    state->write_capacity = capacity;
    return transport_->write(pieces);
  };
  auto r = write({"hel", "lo\n", "x\n"}, 3);  // header (2) and "h"
  EXPECT_EQ(r.status, IoStatus::ok);
  EXPECT_EQ(r.bytes, 1u);
  r = write({"el", "lo\n", "x\n"}, 0);
  EXPECT_EQ(r.status, IoStatus::would_block);
  r = write({"el", "lo\n", "x\n"}, 4);  // "ello", then the newline counts
  EXPECT_EQ(r.bytes, 5u);
  r = write({"x\n"}, 1);  // half the next header
  EXPECT_EQ(r.bytes, 0u);
  r = write({"x\n"}, 2);
  EXPECT_EQ(r.bytes, 2u);
  EXPECT_EQ(written(), server_text("hello") + server_text("x"));
  // A line without its end goes out as the start of a message.
  r = write({"par"}, 100);
  EXPECT_EQ(r.bytes, 3u);
  r = write({"tial\n"}, 100);
  EXPECT_EQ(r.bytes, 5u);
  EXPECT_EQ(written(), server_text("par", false) + ws::encode_server_frame(ws::Opcode::continuation, "tial"));
  // Empty pieces anywhere, and a frame's payload ending where its piece ends.
  r = write({"", "ab", "", "\n", ""}, 100);
  EXPECT_EQ(r.bytes, 3u);
  r = write({"", "cd", "", "\n"}, 3);
  EXPECT_EQ(r.bytes, 1u);
  r = write({"d", "", "\n", ""}, 100);
  EXPECT_EQ(r.bytes, 2u);
  EXPECT_EQ(written(), server_text("ab") + server_text("cd"));
}

// A close from the peer while a frame is half written: the frame is
// finished and reported, then the close goes out and writing ends.
TEST_F(WebSocketTransportTest, AFrameBegunBeforeACloseIsFinishedAndCounted) {
  net::WebSocketTransport transport(std::make_unique<FakeTransport>(state), settings, context);
  std::array<char, 256> buffer{};
  state->reads.push_back({IoStatus::ok, upgrade_request()});
  EXPECT_EQ(transport.read(buffer).status, IoStatus::would_block);
  ASSERT_TRUE(transport.opened());
  state->written.clear();
  state->write_capacity = 3;
  std::array<std::string_view, 1> line{"abcdef\n"};
  auto r = transport.write(line);
  EXPECT_EQ(r.bytes, 1u);
  state->reads.push_back({IoStatus::ok, client(ws::Opcode::close, ws::close_payload(1000))});
  EXPECT_EQ(transport.read(buffer).status, IoStatus::end);
  EXPECT_EQ(state->written.size(), 3u);  // the close waits for the frame
  state->write_capacity = 1000;
  line[0] = "bcdef\n";
  r = transport.write(line);
  EXPECT_EQ(r.status, IoStatus::ok);
  EXPECT_EQ(r.bytes, 6u);
  EXPECT_EQ(state->written, server_text("abcdef") + server_close(1000));
  line[0] = "more\n";
  EXPECT_EQ(transport.write(line).status, IoStatus::end);
}

TEST_F(WebSocketTransportTest, PingIsAnsweredWithPong) {
  upgrade();
  feed(client(ws::Opcode::ping, "are you there?") + client(ws::Opcode::pong, "unasked"));
  EXPECT_EQ(written(), ws::encode_server_frame(ws::Opcode::pong, "are you there?"));
  EXPECT_TRUE(handler->lines.empty());
}

TEST_F(WebSocketTransportTest, PingsFromAPeerThatDoesNotReadAreNotAllAnswered) {
  upgrade();
  state->write_capacity = 0;
  std::string pings;
  for (int i = 0; i < 200; ++i) pings += client(ws::Opcode::ping, "0123456789");
  feed(pings);
  feed(pings);
  drain_by(1u << 20);
  auto pongs = written();
  auto pong = ws::encode_server_frame(ws::Opcode::pong, "0123456789");
  EXPECT_GT(count(pongs, pong), 0u);
  EXPECT_LE(pongs.size(), 1024u);
  EXPECT_FALSE(state->closed);
}

// --- the end -----------------------------------------------------------------------

TEST_F(WebSocketTransportTest, ACloseIsAnsweredAndEndsTheInput) {
  upgrade();
  feed(text("last words") + client(ws::Opcode::close, ws::close_payload(1001, "going")) + text("ignored"));
  EXPECT_EQ(handler->lines, std::vector<std::string>{"last words"});
  EXPECT_EQ(written(), server_close(1001));
  EXPECT_EQ(handler->input_ends, 1);
  EXPECT_TRUE(state->closed);
  EXPECT_FALSE(handler->connection.failed());
}

TEST_F(WebSocketTransportTest, ACloseWithoutACodeIsAnsweredWithoutOne) {
  upgrade();
  feed(client(ws::Opcode::close, ""));
  EXPECT_EQ(written(), ws::encode_server_frame(ws::Opcode::close, ""));
  EXPECT_TRUE(state->closed);
}

TEST_F(WebSocketTransportTest, TheServerClosingSendsAClose) {
  upgrade();
  handler->connection.close();
  EXPECT_EQ(written(), server_close(1000));
  EXPECT_TRUE(state->closed);
}

TEST_F(WebSocketTransportTest, TheEndOfInputWithoutAClose) {
  upgrade();
  state->reads.push_back({IoStatus::end, ""});
  state->fire_readable();
  run();
  EXPECT_EQ(handler->input_ends, 1);
  EXPECT_TRUE(state->closed);
}

struct Violation {
  std::string frames;
  std::uint16_t code;
  std::string reason;
};

class WebSocketViolationTest : public WebSocketTransportTest, public ::testing::WithParamInterface<Violation> {};

TEST_P(WebSocketViolationTest, ClosesWithItsCodeAndOneLogLine) {
  settings->max_message = 16;
  LogCapture log;
  upgrade();
  feed(text("fine") + GetParam().frames + text("never read"));
  EXPECT_EQ(handler->lines, std::vector<std::string>{"fine"});
  EXPECT_EQ(written(), server_close(GetParam().code, GetParam().reason));
  EXPECT_TRUE(state->closed);
  EXPECT_TRUE(handler->connection.failed());
  EXPECT_EQ(log.lines(), std::vector<std::string>{"info WebSocket protocol error from=192.0.2.1:4000 code=" +
                                                  std::to_string(GetParam().code) + " reason=" + GetParam().reason});
}

INSTANTIATE_TEST_SUITE_P(
    Frames, WebSocketViolationTest,
    ::testing::Values(Violation{text(std::string(17, 'a')), 1009, "message too big"},
                      Violation{text(std::string(10, 'a'), false) + client(ws::Opcode::continuation, "0123456789"),
                                1009, "message too big"},
                      Violation{client(ws::Opcode::binary, "\x01"), 1003, "binary message"},
                      Violation{text("\xC3("), 1007, "text not UTF-8"},
                      Violation{ws::encode_server_frame(ws::Opcode::text, "unmasked"), 1002, "unmasked frame"},
                      Violation{client(ws::Opcode::continuation, "x"), 1002, "continuation without a message"},
                      Violation{client(ws::Opcode::ping, std::string(126, 'p')), 1002,
                                "control frame over 125 bytes"}));

// Idle connections are many: the transport keeps its buffers outside
// itself, and only while they hold bytes.
TEST(WebSocketTransportSizeTest, IsSmall) { EXPECT_LT(sizeof(net::WebSocketTransport), 400u); }

}  // namespace
}  // namespace parley::test
