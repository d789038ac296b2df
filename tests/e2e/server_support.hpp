// Helpers shared by the server end-to-end tests (server_support.cpp).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "harness.hpp"

namespace parley::test::support {

std::string read_file(const std::string& path);
bool ipv6_loopback_available();
std::size_t count_of(const std::string& haystack, const std::string& needle);
bool split_stamp(const std::string& line, std::string& stamp, std::string& rest);
bool send_all(int fd, const std::string& bytes);
bool read_until(int fd, std::string& buffer, const std::string& text, std::string& out,
                std::chrono::milliseconds timeout);
bool parse_numbered(const std::string& line, const std::string& tag, std::string& sender, std::string& name,
                    int& number);
int connect_from(const std::string& source, unsigned short port, int rcvbuf);
bool read_to_eof(int fd, std::string& buffer, std::chrono::milliseconds timeout);

}  // namespace parley::test::support

namespace parley::test {

inline const std::string kPrompt = "Command: ";

// A parleyd with the demo accounts in a fresh directory, and logged-in users.
class ServerFixture : public ::testing::Test {
 protected:
  void start(std::vector<std::string> args = {}) {
    dir_.write("user_pass.txt", demo_users());
    server_ = std::make_unique<ServerProcess>(dir_.path(), std::move(args));
  }
  unsigned short port() const { return server_->port(); }
  std::unique_ptr<LineClient> user(const std::string& name, const std::string& password,
                                   std::string* login_output = nullptr) {
    auto c = std::make_unique<LineClient>(port());
    std::string out = c->login(name, password);
    EXPECT_NE(out.find("Login successful"), std::string::npos) << name << ": " << out;
    if (login_output) *login_output = out;
    return c;
  }
  static void logout(LineClient& c) {
    c.send_line("logout");
    EXPECT_EQ(c.read_until_closed(), "Logging off\n");
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace parley::test
