// Shared setup for the client's end-to-end tests: a real parleyd, a home
// directory for the client, and helpers to drive `parley`.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <memory>
#include <string>
#include <vector>

#include "client_pty.hpp"
#include "harness.hpp"

namespace parley::test {

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override { start_server(); }

  void start_server(std::vector<std::string> extra_args = {}) {
    server_dir_.write("user_pass.txt", demo_users());
    server_ = std::make_unique<ServerProcess>(server_dir_.path(), std::move(extra_args));
    ASSERT_NE(server_->port(), 0) << "parleyd did not start";
  }

  ServerProcess& server() { return *server_; }
  unsigned short port() const { return server_->port(); }
  const std::filesystem::path& home() const { return home_.path(); }

  // `parley [options...] 127.0.0.1 <port>`
  std::vector<std::string> client_command(const std::vector<std::string>& options = {}) const {
    std::vector<std::string> argv{binary_path("parley")};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.push_back("127.0.0.1");
    argv.push_back(std::to_string(port()));
    return argv;
  }

  std::unique_ptr<PtyProcess> start_terminal(PtyOptions options = {},
                                             const std::vector<std::string>& client_options = {}) {
    options.home = home().string();
    return std::make_unique<PtyProcess>(client_command(client_options), options);
  }

  // Answers the prompts by typing, as a person would; ends at "Command: ".
  static void type_login(PtyProcess& terminal, const std::string& user, const std::string& password) {
    ASSERT_TRUE(terminal.wait_for_cursor_line("Username: ")) << terminal.describe();
    terminal.send(user + "\r");
    ASSERT_TRUE(terminal.wait_for_cursor_line("Password: ")) << terminal.describe();
    terminal.send(password + "\r");
    ASSERT_TRUE(terminal.wait_for_text("Login successful")) << terminal.describe();
    ASSERT_TRUE(terminal.wait_for_cursor_line("Command: ")) << terminal.describe();
  }

  // Exit status as a number, or -1 when the process did not exit normally.
  static int exit_code(int status) { return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

 private:
  TempDir server_dir_;
  TempDir home_;
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace parley::test
