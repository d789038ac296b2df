// The web listener over real sockets (docs/WEB.md): the upgrade, the JSON
// protocol next to classic users, bad input, origins, the page's headers,
// slow readers and the per-address limits. Boost.Beast is the client;
// bytes Beast will not send go over a raw socket.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>

#include "server_support.hpp"
#include "web_support.hpp"

namespace parley::test {
namespace {

WebOptions from(const std::string& source) {
  WebOptions o;
  o.source = source;
  return o;
}

WebOptions with_origin(const std::string& origin) {
  WebOptions o;
  o.origin = origin;
  return o;
}

WebOptions with_small_receive_buffer() {
  WebOptions o;
  o.receive_buffer = 4096;
  return o;
}

// A message for a failure report; long texts are cut.
std::string dump(const JsonObject& o) {
  auto text = boost::json::serialize(o);
  return text.size() > 300 ? text.substr(0, 300) + "..." : text;
}

std::string dump(const std::vector<JsonObject>& list) {
  std::string out;
  for (auto& o : list) out += dump(o) + "\n";
  return out;
}

class ServerWeb : public ServerFixture {
 protected:
  void start_web(std::vector<std::string> args = {}) {
    args.insert(args.end(), {"--web-port", "0"});
    start(std::move(args));
    web_port_ = web_port(*server_);
    ASSERT_NE(web_port_, 0);
  }
  std::unique_ptr<WebClient> web(const WebOptions& options = {}) {
    return std::make_unique<WebClient>(web_port_, options);
  }
  // A web user through ready; what came from welcome to ready in `got`.
  std::unique_ptr<WebClient> web_user(const std::string& name, const std::string& password,
                                      std::vector<JsonObject>* got = nullptr, const WebOptions& options = {}) {
    auto c = web(options);
    auto list = c->login(name, password);
    EXPECT_FALSE(list.empty());
    if (!list.empty()) {
      EXPECT_EQ(field(list.front(), "type"), "welcome") << dump(list);
      EXPECT_EQ(field(list.back(), "type"), "ready") << dump(list);
    }
    if (got) *got = std::move(list);
    return c;
  }
  // Asks for a pong: everything the server sent before it has been read.
  static std::vector<JsonObject> sync(WebClient& c, const std::string& ref = "sync") {
    std::vector<JsonObject> before;
    c.send({{"type", "ping"}, {"ref", ref}});
    auto pong = c.expect("pong", &before);
    EXPECT_EQ(field(pong, "ref"), ref);
    return before;
  }
  // The reply of `type` carrying `ref`, whatever comes before it.
  static JsonObject reply(WebClient& c, const std::string& type, const std::string& ref) {
    for (;;) {
      auto m = c.expect(type);
      if (m.empty() || field(m, "ref") == ref) return m;
    }
  }
  // A connection from `source` that is closed without an answer to its upgrade.
  static bool closed_unanswered(unsigned short web_port, const std::string& source) {
    int fd = support::connect_from(source, web_port, 0);
    if (fd < 0) return false;
    support::send_all(fd, upgrade_request(web_port));  // may fail: the server may have closed already
    std::string got;
    bool closed = support::read_to_eof(fd, got, kWait);
    ::close(fd);
    EXPECT_EQ(got, "") << "the server answered a connection it refused";
    return closed && got.empty();
  }
  // Logs alice in over a raw socket, sends `bytes`, and returns the code of
  // the last frame the server sent before closing (-1: none).
  int close_code_after(const std::string& bytes) {
    int fd = support::connect_from("127.0.0.1", web_port_, 0);
    if (fd < 0) return -2;
    std::string buffer, head, frames_so_far;
    support::send_all(fd, upgrade_request(web_port_));
    EXPECT_TRUE(support::read_until(fd, buffer, "\r\n\r\n", head, kWait));
    support::send_all(fd, client_frame(0x1, R"({"type":"login","user":"alice","password":"secret"})", true));
    EXPECT_TRUE(support::read_until(fd, buffer, R"({"type":"ready")", frames_so_far, kWait)) << buffer;
    support::send_all(fd, bytes);  // may fail once the server has closed
    EXPECT_TRUE(support::read_to_eof(fd, buffer, kWait));
    ::close(fd);
    auto frames = parse_server_frames(frames_so_far + buffer);
    return frames.empty() ? -1 : close_code(frames.back());
  }
  // The head of the server's answer to one plain HTTP request.
  std::string http_head(const std::string& request) {
    LineClient c(web_port_);
    c.send_raw(request);
    return c.expect("\r\n\r\n");
  }
  static void expect_security_headers(const std::string& head) {
    for (const char* header :
         {"Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'\r\n",
          "X-Content-Type-Options: nosniff\r\n", "Referrer-Policy: no-referrer\r\n", "Cache-Control: no-cache\r\n"})
      EXPECT_NE(head.find(header), std::string::npos) << header << "\n" << head;
  }
  // A raw socket, upgraded (no Origin): the HTTP response is consumed.
  std::unique_ptr<LineClient> raw_upgraded() {
    auto c = std::make_unique<LineClient>(web_port_);
    c->send_raw(upgrade_request(web_port_));
    auto head = c->expect("\r\n\r\n");
    EXPECT_EQ(head.rfind("HTTP/1.1 101 ", 0), 0u) << head;
    return c;
  }
  unsigned short web_port_ = 0;
};

TEST_F(ServerWeb, UpgradeSaysHelloThenLoginWelcomesAndIsReady) {
  start_web();
  auto bob = user("bob", "hunter2");
  auto c = web();
  auto hello = c->next();
  EXPECT_EQ(field(hello, "type"), "hello") << dump(hello);
  EXPECT_EQ(field(hello, "server"), "parley");
  EXPECT_EQ(number(hello, "login_timeout"), 60);
  EXPECT_FALSE(field(hello, "version").empty());
  c->send({{"type", "login"}, {"user", "alice"}, {"password", "secret"}, {"ref", "1"}});
  auto welcome = c->next();
  EXPECT_EQ(field(welcome, "type"), "welcome") << dump(welcome);
  EXPECT_EQ(field(welcome, "user"), "alice");
  EXPECT_EQ(field(welcome, "ref"), "1");
  EXPECT_EQ(field(welcome, "text"), "Login successful, Welcome to simple chat server!") << dump(welcome);
  EXPECT_GT(number(welcome, "idle_timeout"), 0);
  auto ready = c->expect("ready");
  EXPECT_NE(field(ready, "online").find(R"("name":"bob")"), std::string::npos) << dump(ready);
  EXPECT_EQ(field(ready, "rooms"), "[]") << dump(ready);
  EXPECT_FALSE(server_->wait_for_log("login user=alice").empty()) << server_->log();
  c->send({{"type", "logout"}, {"ref", "2"}});
  auto bye = c->expect("bye");
  EXPECT_EQ(field(bye, "reason"), "logout") << dump(bye);
  EXPECT_EQ(field(bye, "text").find('\n'), std::string::npos) << "a text, not a classic line: " << dump(bye);
  EXPECT_EQ(c->read_close(), 1000);
}

TEST_F(ServerWeb, WrongPasswordMayBeTriedAgainOnTheSameConnection) {
  start_web();
  auto c = web();
  c->next();  // hello
  c->send({{"type", "login"}, {"user", "alice"}, {"password", "wrong"}, {"ref", "a"}});
  auto failed = c->next();
  EXPECT_EQ(field(failed, "type"), "error") << dump(failed);
  EXPECT_EQ(field(failed, "code"), "login_failed") << dump(failed);
  EXPECT_EQ(field(failed, "ref"), "a");
  EXPECT_FALSE(field(failed, "text").empty());
  c->send({{"type", "login"}, {"user", "alice"}, {"password", "secret"}, {"ref", "b"}});
  auto welcome = c->next();
  EXPECT_EQ(field(welcome, "type"), "welcome") << dump(welcome);
  EXPECT_EQ(field(welcome, "ref"), "b");
  c->expect("ready");
}

TEST_F(ServerWeb, ThreeWrongPasswordsBlockWithTheSecondsLeft) {
  start_web();
  auto c = web();
  c->next();  // hello
  for (int i = 0; i < 2; ++i) {
    c->send({{"type", "login"}, {"user", "alice"}, {"password", "wrong"}});
    EXPECT_EQ(field(c->next(), "code"), "login_failed");
  }
  c->send({{"type", "login"}, {"user", "alice"}, {"password", "wrong"}, {"ref", "3"}});
  auto blocked = c->next();
  EXPECT_EQ(field(blocked, "type"), "error") << dump(blocked);
  EXPECT_EQ(field(blocked, "code"), "blocked") << dump(blocked);
  EXPECT_EQ(field(blocked, "ref"), "3");
  EXPECT_GT(number(blocked, "seconds"), 0) << dump(blocked);
  EXPECT_LE(number(blocked, "seconds"), 60) << dump(blocked);
  // The right password does not lift the block, on a new connection too.
  auto again = web();
  again->next();  // hello
  again->send({{"type", "login"}, {"user", "alice"}, {"password", "secret"}});
  auto still = again->next();
  EXPECT_EQ(field(still, "code"), "still_blocked") << dump(still);
  EXPECT_GT(number(still, "seconds"), 0) << dump(still);
  // Another name may log in on that connection.
  again->send({{"type", "login"}, {"user", "bob"}, {"password", "hunter2"}});
  EXPECT_EQ(field(again->next(), "type"), "welcome");
}

TEST_F(ServerWeb, PrivateMessagesBetweenWebAndClassicBothWays) {
  start_web();
  auto bob = user("bob", "hunter2");
  auto alice = web_user("alice", "secret");
  alice->send({{"type", "send"}, {"to", "bob"}, {"text", "hi from the web"}, {"ref", "m1"}});
  auto sent = alice->expect("sent");
  EXPECT_EQ(field(sent, "to"), "bob") << dump(sent);
  EXPECT_EQ(field(sent, "ref"), "m1");
  EXPECT_FALSE(field(sent, "time").empty());
  EXPECT_EQ(bob->expect("\n"), "alice: hi from the web <private message>\n");

  bob->send_line("message alice hi from the terminal");
  auto m = alice->expect("message");
  EXPECT_EQ(field(m, "kind"), "private") << dump(m);
  EXPECT_EQ(field(m, "from"), "bob");
  EXPECT_EQ(field(m, "text"), "hi from the terminal");
  // Live: to you, and not stored yet.
  EXPECT_EQ(m.count("to"), 0u) << dump(m);
  EXPECT_EQ(m.count("id"), 0u) << dump(m);
  EXPECT_EQ(m.count("ref"), 0u) << "events carry no ref";
  EXPECT_EQ(m.count("offline"), 0u);
  // ISO 8601 UTC with milliseconds.
  auto time = field(m, "time");
  EXPECT_EQ(time.size(), 24u) << time;
  EXPECT_EQ(time.back(), 'Z') << time;
}

TEST_F(ServerWeb, BroadcastsReachWebAndClassicUsers) {
  start_web();
  auto bob = user("bob", "hunter2");
  auto alice = web_user("alice", "secret");
  alice->send({{"type", "broadcast"}, {"text", "hello all"}, {"ref", "b1"}});
  auto sent = alice->expect("sent");
  EXPECT_EQ(field(sent, "to"), "*") << dump(sent);
  // alice and bob are online; the six other accounts get it at their next login.
  EXPECT_EQ(number(sent, "stored"), 6) << dump(sent);
  EXPECT_EQ(bob->expect("\n"), "alice: hello all <broadcast message>\n");

  bob->send_line("broadcast message and to you");
  auto m = alice->expect("message");
  EXPECT_EQ(field(m, "kind"), "broadcast") << dump(m);
  EXPECT_EQ(field(m, "from"), "bob");
  EXPECT_EQ(field(m, "text"), "and to you");
  EXPECT_EQ(m.count("to"), 0u) << dump(m);
}

TEST_F(ServerWeb, RoomJoinSendAndHistory) {
  start_web();
  auto alice = web_user("alice", "secret");
  alice->send({{"type", "join"}, {"room", "#team"}, {"ref", "j"}});
  auto joined = alice->expect("joined");
  EXPECT_EQ(field(joined, "ref"), "j");
  EXPECT_EQ(field(joined, "created"), "true") << dump(joined);
  EXPECT_NE(field(joined, "room").find(R"("name":"#team")"), std::string::npos) << dump(joined);
  alice->send({{"type", "send"}, {"to", "#team"}, {"text", "first"}, {"ref", "r1"}});
  auto sent = alice->expect("sent");
  EXPECT_EQ(field(sent, "to"), "#team") << dump(sent);
  auto first_id = number(sent, "id");
  EXPECT_GT(first_id, 0) << dump(sent);

  auto bob = user("bob", "hunter2");
  EXPECT_NE(bob->command("join #team").find("Joined #team"), std::string::npos);
  auto event = alice->expect("room_event");
  EXPECT_EQ(field(event, "event"), "joined") << dump(event);
  EXPECT_EQ(field(event, "by"), "bob");
  EXPECT_EQ(field(event, "room"), "#team");
  EXPECT_EQ(bob->command("message #team second"), kPrompt);
  auto m = alice->expect("message");
  EXPECT_EQ(field(m, "kind"), "room") << dump(m);
  EXPECT_EQ(field(m, "room"), "#team");
  EXPECT_EQ(field(m, "from"), "bob");
  EXPECT_EQ(field(m, "text"), "second");
  EXPECT_GT(number(m, "id"), first_id);
  alice->send({{"type", "send"}, {"to", "#team"}, {"text", "third"}});
  alice->expect("sent");
  EXPECT_EQ(bob->expect("\n"), "[#team] alice: third\n");

  alice->send({{"type", "history"}, {"with", "#team"}, {"ref", "h"}});
  auto history = reply(*alice, "history", "h");
  EXPECT_EQ(field(history, "ref"), "h");
  EXPECT_EQ(field(history, "with"), "#team");
  EXPECT_EQ(field(history, "more"), "false") << dump(history);
  const auto& messages = history.at("messages").as_array();
  ASSERT_EQ(messages.size(), 3u) << dump(history);
  std::vector<std::string> texts;
  std::int64_t last_id = 0;
  for (auto& v : messages) {
    auto& o = v.as_object();
    texts.push_back(field(o, "text"));
    EXPECT_GT(number(o, "id"), last_id) << "oldest first, ids increasing";
    last_id = number(o, "id");
  }
  EXPECT_EQ(texts, (std::vector<std::string>{"first", "second", "third"}));
  alice->send({{"type", "history"}, {"with", "#team"}, {"before", last_id}, {"limit", 1}, {"ref", "o"}});
  auto older = reply(*alice, "history", "o");
  ASSERT_EQ(older.at("messages").as_array().size(), 1u) << dump(older);
  EXPECT_EQ(field(older.at("messages").as_array()[0].as_object(), "text"), "second");
  EXPECT_EQ(field(older, "more"), "true") << dump(older);
  alice->send({{"type", "leave"}, {"room", "#team"}, {"ref", "l"}});
  auto left = reply(*alice, "left", "l");
  EXPECT_EQ(field(left, "room"), "#team") << dump(left);
  EXPECT_EQ(bob->expect("\n"), "[#team] alice left the room\n");
}

TEST_F(ServerWeb, OfflineMessagesComeAtTheNextWebLogin) {
  start_web();
  auto bob = user("bob", "hunter2");
  EXPECT_NE(bob->command("message alice while you were out").find("(Receiver alice is currently offline"),
            std::string::npos);
  std::vector<JsonObject> got;
  auto alice = web_user("alice", "secret", &got);
  ASSERT_GE(got.size(), 3u) << dump(got);
  auto& m = got[1];  // right after welcome, before ready
  EXPECT_EQ(field(m, "type"), "message") << dump(got);
  EXPECT_EQ(field(m, "offline"), "true") << dump(m);
  EXPECT_EQ(field(m, "from"), "bob");
  EXPECT_EQ(field(m, "text"), "while you were out");
  // Delivered: it does not come again.
  alice.reset();
  std::vector<JsonObject> again;
  auto alice2 = web_user("alice", "secret", &again);
  EXPECT_EQ(again.size(), 2u) << dump(again);
}

TEST_F(ServerWeb, SendingToAWebUserWhoIsOfflineIsStored) {
  start_web();
  auto alice = web_user("alice", "secret");
  alice->send({{"type", "send"}, {"to", "bob"}, {"text", "later"}, {"ref", "s"}});
  auto sent = alice->expect("sent");
  EXPECT_EQ(field(sent, "stored"), "true") << dump(sent);
  std::string login;
  auto bob = user("bob", "hunter2", &login);
  EXPECT_NE(login.find("alice: later <private message>"), std::string::npos) << login;
}

TEST_F(ServerWeb, MalformedJsonIsAnErrorAndTheConnectionStaysUsable) {
  start_web();
  auto alice = web_user("alice", "secret");
  alice->send_text("{\"type\":\"send\",");
  auto error = alice->next();
  EXPECT_EQ(field(error, "type"), "error") << dump(error);
  EXPECT_EQ(field(error, "code"), "bad_json") << dump(error);
  alice->send_text("{\"type\":\"ping\"} trailing");
  EXPECT_EQ(field(alice->next(), "code"), "bad_json");
  sync(*alice);
  // Before login too.
  auto c = web();
  c->next();  // hello
  c->send_text("not json at all");
  EXPECT_EQ(field(c->next(), "code"), "bad_json");
  c->send({{"type", "login"}, {"user", "bob"}, {"password", "hunter2"}});
  EXPECT_EQ(field(c->next(), "type"), "welcome");
}

TEST_F(ServerWeb, UnknownTypeAndFieldsOfTheWrongType) {
  start_web();
  auto alice = web_user("alice", "secret");
  alice->send({{"type", "dance"}, {"ref", "u"}});
  auto unknown = alice->next();
  EXPECT_EQ(field(unknown, "code"), "unknown_type") << dump(unknown);
  EXPECT_EQ(field(unknown, "ref"), "u");
  alice->send({{"type", "send"}, {"to", 5}, {"text", "x"}, {"ref", "w"}});
  auto wrong = alice->next();
  EXPECT_EQ(field(wrong, "code"), "bad_request") << dump(wrong);
  EXPECT_EQ(field(wrong, "ref"), "w");
  alice->send({{"type", "send"}, {"to", "bob"}, {"ref", "m"}});
  EXPECT_EQ(field(alice->next(), "code"), "bad_request") << "a missing field";
  alice->send({{"type", "wholast"}, {"minutes", "ten"}});
  EXPECT_EQ(field(alice->next(), "code"), "bad_request");
  sync(*alice);
}

TEST_F(ServerWeb, CommandsBeforeLoginAreRefused) {
  start_web();
  auto c = web();
  c->next();  // hello
  c->send({{"type", "whoelse"}, {"ref", "x"}});
  auto error = c->next();
  EXPECT_EQ(field(error, "code"), "not_logged_in") << dump(error);
  EXPECT_EQ(field(error, "ref"), "x");
}

TEST_F(ServerWeb, AMessageOver64KiBClosesWith1009) {
  start_web();
  const std::string head = "{\"type\":\"send\",\"to\":\"bob\",\"text\":\"";
  // One frame, and fragments that are too big only together. Raw sockets:
  // the server may close while the message is still being written, which
  // leaves Beast unable to read the close frame that came before.
  EXPECT_EQ(close_code_after(client_frame(0x1, head + std::string(70 * 1024, 'a') + "\"}", true)), 1009);
  EXPECT_EQ(close_code_after(client_frame(0x1, head + std::string(40 * 1024, 'b'), true, false) +
                             client_frame(0x0, std::string(30 * 1024, 'b') + "\"}", true)),
            1009);
  auto carol = web_user("carol", "swordfish");
  sync(*carol);
}

TEST_F(ServerWeb, ABinaryMessageClosesWith1003) {
  start_web();
  auto alice = web_user("alice", "secret");
  alice->send_binary("{\"type\":\"ping\"}");
  EXPECT_EQ(alice->read_close(), 1003);
}

TEST_F(ServerWeb, AnUnmaskedClientFrameClosesWith1002) {
  start_web();
  auto c = raw_upgraded();
  c->send_raw(client_frame(0x1, R"({"type":"ping"})", false));
  auto rest = c->read_until_closed();
  auto frames = parse_server_frames(rest);
  ASSERT_FALSE(frames.empty()) << "no frames";
  EXPECT_EQ(close_code(frames.back()), 1002) << "last opcode " << int(frames.back().opcode);
  // A masked one by hand is understood: the raw framing itself is right.
  auto d = raw_upgraded();
  d->send_raw(client_frame(0x1, R"({"type":"ping","ref":"raw"})", true));
  d->expect(R"("ref":"raw")");
}

TEST_F(ServerWeb, TextThatIsNotUtf8ClosesWith1007) {
  start_web();
  auto c = raw_upgraded();
  c->send_raw(client_frame(0x1, "{\"type\":\"ping\",\"ref\":\"\xff\xfe\"}", true));
  auto frames = parse_server_frames(c->read_until_closed());
  ASSERT_FALSE(frames.empty());
  EXPECT_EQ(close_code(frames.back()), 1007);
}

TEST_F(ServerWeb, AForeignOriginIsRefusedWith403) {
  start_web();
  std::string head;
  EXPECT_EQ(upgrade_status(web_port_, "https://evil.example", &head), 403) << head;
  EXPECT_EQ(head.find("Upgrade: websocket"), std::string::npos) << head;
  // A look-alike of the page's own origin is foreign too.
  EXPECT_EQ(upgrade_status(web_port_, "http://127.0.0.1:" + std::to_string(web_port_) + ".evil.example"), 403);
}

TEST_F(ServerWeb, TheSameOriginAndListedOriginsAreAccepted) {
  start_web({"--web-origins", "https://chat.example.org"});
  EXPECT_EQ(upgrade_status(web_port_, "http://127.0.0.1:" + std::to_string(web_port_)), 101);
  EXPECT_EQ(upgrade_status(web_port_, "https://chat.example.org"), 101);
  EXPECT_EQ(upgrade_status(web_port_, "https://other.example.org"), 403);
  auto c = web(with_origin("https://chat.example.org"));
  EXPECT_EQ(field(c->next(), "type"), "hello");
}

TEST_F(ServerWeb, ThePageIsServedWithItsSecurityHeaders) {
  start_web();
  auto head = http_head("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(web_port_) + "\r\n\r\n");
  EXPECT_EQ(head.rfind("HTTP/1.1 200 ", 0), 0u) << head;
  EXPECT_NE(head.find("Content-Type: text/html"), std::string::npos) << head;
  expect_security_headers(head);
}

TEST_F(ServerWeb, EveryHttpAnswerCarriesTheSecurityHeaders) {
  start_web();
  auto missing = http_head("GET /no-such-file HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(missing.rfind("HTTP/1.1 404 ", 0), 0u) << missing;
  expect_security_headers(missing);
  std::string refused;
  EXPECT_EQ(upgrade_status(web_port_, "https://evil.example", &refused), 403);
  expect_security_headers(refused);
}

TEST_F(ServerWeb, PlainHttpRequestsAreBounded) {
  start_web();
  auto post = http_head("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(post.rfind("HTTP/1.1 405 ", 0), 0u) << post;
  auto body = http_head("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_EQ(body.rfind("HTTP/1.1 413 ", 0), 0u) << body;
  auto big = http_head("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: " + std::string(9000, 'x') + "\r\n\r\n");
  EXPECT_EQ(big.rfind("HTTP/1.1 431 ", 0), 0u) << big;
}

TEST_F(ServerWeb, ASlowReaderIsCutOffAndOthersAreServed) {
  start_web({"--max-queue", "16384", "--flood-rate", "0"});
  // The victim reads nothing after ready, through a small receive buffer.
  auto victim = web_user("alice", "secret", nullptr, with_small_receive_buffer());
  auto bob = user("bob", "hunter2");
  auto carol = web_user("carol", "swordfish");
  const std::string flood = "message alice " + std::string(8000, 'f');
  bool offline_seen = false;
  int sent = 0;
  for (; sent < 4000 && !offline_seen; ++sent) {
    std::string out = bob->command(flood);
    if (out.find("(Receiver alice is currently offline") != std::string::npos)
      offline_seen = true;
    else
      ASSERT_EQ(out, kPrompt) << "the flooder got an unexpected answer after " << sent << " messages";
  }
  EXPECT_TRUE(offline_seen) << "the victim was never cut off after " << sent << " messages of 8 KB";
  EXPECT_FALSE(server_->wait_for_log("slow client cut off user=alice").empty()) << server_->log();
  // Whatever was on its way, then the end: its socket is full, so no last
  // word could reach it; the connection just closes, well before the wait.
  JsonObject last;
  auto reading_since = std::chrono::steady_clock::now();
  auto code = victim->read_close(kWait, &last);
  EXPECT_TRUE(code == 1000 || code == -1) << code;
  EXPECT_LT(std::chrono::steady_clock::now() - reading_since, kWait);
  EXPECT_EQ(bob->command("message carol after the flood"), kPrompt);
  auto m = carol->expect("message");
  EXPECT_EQ(field(m, "text"), "after the flood") << dump(m);
  sync(*carol);
}

TEST_F(ServerWeb, PerAddressLimitsApplyToWebConnections) {
  start_web({"--max-connections-per-address", "3", "--max-logins-per-address", "0"});
  std::vector<std::unique_ptr<WebClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(web(from("127.0.0.2")));
    EXPECT_EQ(field(held.back()->next(), "type"), "hello");
  }
  // Refused at the door: closed before the request is read, no upgrade.
  EXPECT_TRUE(closed_unanswered(web_port_, "127.0.0.2"));
  EXPECT_FALSE(server_->wait_for_log("connection refused from=127.0.0.2 reason=too many connections").empty());
  // The web connections count with the classic ones from the same address.
  LineClient classic(port(), "127.0.0.1", "127.0.0.2");
  EXPECT_EQ(classic.read_until_closed(), "Error: too many connections from your address\n");
  auto other = web(from("127.0.0.3"));
  EXPECT_EQ(field(other->next(), "type"), "hello");
}

TEST_F(ServerWeb, TooManyLoggingInFromOneAddressAreRefused) {
  start_web({"--max-logins-per-address", "2"});
  auto a = web(from("127.0.0.4"));
  auto b = web(from("127.0.0.4"));
  EXPECT_EQ(field(a->next(), "type"), "hello");
  EXPECT_EQ(field(b->next(), "type"), "hello");
  EXPECT_TRUE(closed_unanswered(web_port_, "127.0.0.4"));
  EXPECT_FALSE(server_->wait_for_log("connection refused from=127.0.0.4").empty());
  // Once one logs in, its place is free.
  a->send({{"type", "login"}, {"user", "alice"}, {"password", "secret"}});
  a->expect("ready");
  auto d = web(from("127.0.0.4"));
  EXPECT_EQ(field(d->next(), "type"), "hello");
}

TEST_F(ServerWeb, TooManyFailedLoginsFromOneAddressEndWithABye) {
  start_web({"--max-failures-per-address", "3"});
  auto c = web(from("127.0.0.5"));
  c->next();  // hello
  // Three names, so no one name is blocked first.
  for (const char* name : {"alice", "bob"}) {
    c->send({{"type", "login"}, {"user", name}, {"password", "wrong"}});
    EXPECT_EQ(field(c->next(), "code"), "login_failed");
  }
  c->send({{"type", "login"}, {"user", "carol"}, {"password", "wrong"}});
  auto bye = c->expect("bye");
  EXPECT_EQ(field(bye, "reason"), "refused") << dump(bye);
  EXPECT_EQ(field(bye, "code"), "too_many_failures") << dump(bye);
  EXPECT_GT(number(bye, "seconds"), 0) << dump(bye);
  EXPECT_NE(c->read_close(), -1) << "a close frame follows the bye";
  EXPECT_FALSE(server_->wait_for_log("login refused from=127.0.0.5").empty());
  // The address is refused at the door now; others are not.
  EXPECT_TRUE(closed_unanswered(web_port_, "127.0.0.5"));
  auto other = web_user("alice", "secret", nullptr, from("127.0.0.6"));
}

}  // namespace
}  // namespace parley::test
