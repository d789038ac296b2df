// An IRC client for the end-to-end tests: raw lines over TCP, registration
// by SASL PLAIN or PASS, and waits for what the server sends.
#pragma once

#include <memory>
#include <string>

#include "harness.hpp"

namespace parley::test {

// The IRC listener's port, from parleyd's log.
unsigned short irc_port(ServerProcess& server);

// base64("\0user\0password"), as SASL PLAIN sends it.
std::string sasl_plain(const std::string& user, const std::string& password);

class IrcClient {
 public:
  explicit IrcClient(unsigned short port, const std::string& source = "") : line_(port, "127.0.0.1", source) {}
  void send(const std::string& line) { line_.send_raw(line + "\r\n"); }
  // Everything up to and including `text`; fails the test on timeout.
  std::string expect(const std::string& text, std::chrono::milliseconds timeout = kWait) {
    return line_.expect(text, timeout);
  }
  std::string read_until_closed(std::chrono::milliseconds timeout = kWait) { return line_.read_until_closed(timeout); }
  // Waits until the server has answered everything sent so far (the server
  // reads a client's lines in order): a PING with a fresh token, and its PONG.
  std::string sync();
  // CAP LS 302, CAP REQ (sasl and `caps`), SASL PLAIN, NICK, USER, CAP END,
  // then sync(): everything the server sent, through the offline messages.
  std::string register_sasl(const std::string& user, const std::string& password, const std::string& caps = "");
  // PASS, NICK, USER, then sync().
  std::string register_pass(const std::string& user, const std::string& password);
  bool closed() const { return line_.closed(); }
  std::string pending() const { return line_.pending(); }

 private:
  LineClient line_;
  int syncs_ = 0;
};

}  // namespace parley::test
