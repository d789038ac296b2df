// Limits and hostile input: long lines, huge lines, slow readers, garbage.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>

#include "harness.hpp"
#include "server_support.hpp"

namespace parley::test {
namespace {

using support::count_of;

const std::string kTooLong = "Error: line too long (limit 8192 bytes); it was discarded\n";

class ServerLimits : public ServerFixture {
 protected:
  // Half-closes `c` and reads to the end: the server has then seen all it was sent.
  static std::string finish(LineClient& c) {
    ::shutdown(c.fd(), SHUT_WR);
    return c.read_until_closed();
  }
  void expect_clean_exit() {
    int status = server_->stop(SIGTERM);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "parleyd did not survive: status " << status << "\n"
                                                               << server_->log();
  }
};

TEST_F(ServerLimits, LineOver8KiBIsDiscardedAndConnectionStaysUsable) {
  start();
  LineClient c(port());
  c.expect("Username: ");
  c.send_line(std::string(9000, 'a'));
  EXPECT_EQ(c.expect("Username: "), kTooLong + "Username: ");
  c.send_line("alice");
  c.expect("Password: ");
  c.send_line("secret");
  EXPECT_NE(c.expect(kPrompt).find("Login successful"), std::string::npos);

  EXPECT_EQ(c.command("message bob " + std::string(8193, 'm')), kTooLong + kPrompt);
  EXPECT_EQ(c.command("whoelse"), "The currently online users are:\n(Not found)\n" + kPrompt);

  // Exactly 8192 bytes is allowed, with \n or \r\n.
  auto bob = user("bob", "hunter2");
  std::string head = "message bob ";
  std::string text(8192 - head.size(), 'k');
  EXPECT_EQ(c.command(head + text), kPrompt);
  EXPECT_EQ(bob->expect("\n"), "alice: " + text + " <private message>\n");
  c.send_raw(head + text + "\r\n");
  EXPECT_EQ(c.expect(kPrompt), kPrompt);
  EXPECT_EQ(bob->expect("\n"), "alice: " + text + " <private message>\n");
  c.send_raw(head + text + "k\n");
  EXPECT_EQ(c.expect(kPrompt), kTooLong + kPrompt);
  EXPECT_EQ(bob->command("whoelse"), "The currently online users are:\nalice\n" + kPrompt) << "bob got a cut line";
}

// PROTOCOL.md: a too-long line is answered with the error "followed by the
// prompt that was current"; at the password prompt that is "Password: ".
TEST_F(ServerLimits, LongLineAtPasswordPromptIsFollowedByPasswordPrompt) {
  start();
  LineClient c(port());
  c.expect("Username: ");
  c.send_line("alice");
  c.expect("Password: ");
  c.send_line(std::string(8193, 'p'));
  EXPECT_EQ(c.expect("\n"), kTooLong);
  std::string prompt = c.expect(": ");
  EXPECT_EQ(prompt, "Password: ") << "the prompt that was current should follow the error";
  if (prompt == "Username: ") {
    c.send_line("alice");
    c.expect("Password: ");
  }
  c.send_line("secret");
  EXPECT_NE(c.expect(kPrompt).find("Login successful"), std::string::npos);
}

TEST_F(ServerLimits, HugeLineWithoutNewlineDoesNotKillTheServer) {
  start();
  auto alice = user("alice", "secret");
  const std::string chunk(64 * 1024, 'z');
  for (int i = 0; i < 16; ++i) alice->send_raw(chunk);  // 1 MiB, no newline
  // Meanwhile others are served.
  auto bob = user("bob", "hunter2");
  EXPECT_EQ(bob->command("whoelse"), "The currently online users are:\nalice\n" + kPrompt);
  alice->send_raw("\nwhoelse\n");
  EXPECT_EQ(alice->expect(kPrompt), kTooLong + kPrompt);
  EXPECT_EQ(alice->expect(kPrompt), "The currently online users are:\nbob\n" + kPrompt);
  EXPECT_EQ(alice->pending(), "");

  // Also before login, and then dropped mid-line.
  {
    LineClient c(port());
    c.expect("Username: ");
    for (int i = 0; i < 16; ++i) c.send_raw(chunk);
    EXPECT_EQ(c.expect("Username: "), kTooLong + "Username: ");
    EXPECT_EQ(finish(c), "") << "one error for one long line";
  }
  EXPECT_EQ(bob->command("message alice still alive"), kPrompt);
  EXPECT_EQ(alice->expect("\n"), "bob: still alive <private message>\n");
  expect_clean_exit();
}

TEST_F(ServerLimits, SlowReaderIsCutOffOthersUnaffected) {
  start({"--max-queue", "16384", "--flood-rate", "0"});
  // The victim reads nothing after login, through a small receive buffer.
  int victim = support::connect_from("127.0.0.1", port(), 4096);
  ASSERT_GE(victim, 0);
  std::string vbuf, vout;
  ASSERT_TRUE(support::read_until(victim, vbuf, "Username: ", vout, kWait));
  support::send_all(victim, "alice\n");
  ASSERT_TRUE(support::read_until(victim, vbuf, "Password: ", vout, kWait));
  support::send_all(victim, "secret\n");
  ASSERT_TRUE(support::read_until(victim, vbuf, "Command: ", vout, kWait)) << vbuf;

  auto bob = user("bob", "hunter2");
  auto carol = user("carol", "swordfish");
  const std::string flood = "message alice " + std::string(8000, 'f');
  bool offline_seen = false;
  int sent = 0;
  for (; sent < 4000 && !offline_seen; ++sent) {
    std::string out = bob->command(flood);
    if (out.find("(Receiver alice is currently offline") != std::string::npos) {
      offline_seen = true;
    } else {
      ASSERT_EQ(out, kPrompt) << "flooder got an unexpected answer after " << sent << " messages";
    }
  }
  EXPECT_TRUE(offline_seen) << "the victim was never cut off after " << sent << " messages of 8 KB";
  EXPECT_FALSE(server_->wait_for_log("slow client cut off").empty()) << server_->log();
  EXPECT_TRUE(server_->log_contains("slow client cut off user=alice")) << server_->log();
  // The victim's connection is closed (after whatever was in flight).
  std::string rest;
  EXPECT_TRUE(support::read_to_eof(victim, rest, kWait)) << "victim connection still open";
  EXPECT_EQ(rest.find("Command: "), std::string::npos) << "no further prompt is expected";
  ::close(victim);

  EXPECT_EQ(bob->command("whoelse"), "The currently online users are:\ncarol\n" + kPrompt);
  EXPECT_EQ(carol->command("whoelse"), "The currently online users are:\nbob\n" + kPrompt);
  EXPECT_EQ(bob->command("message carol after the flood"), kPrompt);
  EXPECT_EQ(carol->expect("\n"), "bob: after the flood <private message>\n");
  // Cut off, alice was offline at once: what bob sent after that waits for her.
  std::string login;
  auto again = user("alice", "secret", &login);
  EXPECT_NE(login.find("Your offline messages:\n"), std::string::npos) << login.substr(0, 200);
  EXPECT_NE(login.find("bob: " + std::string(8000, 'f') + " <private message>\n"), std::string::npos);
}

// A mailbox bigger than the outbound queue limit (1 MiB by default) must
// still reach a client that reads promptly: the limit is for slow readers.
TEST_F(ServerLimits, BigMailboxReachesAPromptReader) {
  start({"--flood-rate", "0"});
  constexpr int kCount = 200;
  const std::string body(6000, 'b');  // 200 x 6 KB = 1.2 MB waiting for bob
  {
    auto alice = user("alice", "secret");
    for (int i = 0; i < kCount; ++i)
      ASSERT_EQ(alice->command("message bob " + std::to_string(i) + body),
                "(Receiver bob is currently offline, message will be delivered when they log in next time)\n" + kPrompt)
          << i;
  }
  // Two logins: a mailbox that could not be delivered is offered again, so
  // a failure here repeats at every login.
  for (int attempt = 1; attempt <= 2; ++attempt) {
    LineClient bob(port());
    bob.expect("Username: ");
    bob.send_line("bob");
    bob.expect("Password: ");
    bob.send_line("hunter2");
    std::string out = bob.expect(kPrompt, kWait);
    EXPECT_EQ(count_of(out, " <private message>\n"), static_cast<std::size_t>(kCount))
        << "login " << attempt << ": bob's connection closed: " << bob.closed() << ", " << out.size() << " bytes came";
    if (!bob.closed()) break;
  }
  EXPECT_FALSE(server_->log_contains("slow client cut off")) << server_->log();
}

// A client that reads nothing must not hold up a graceful shutdown.
TEST_F(ServerLimits, ShutdownIsNotHeldUpByAClientThatDoesNotRead) {
  start({"--max-queue", "8388608", "--flood-rate", "0"});
  int victim = support::connect_from("127.0.0.1", port(), 4096);
  ASSERT_GE(victim, 0);
  std::string vbuf, vout;
  ASSERT_TRUE(support::read_until(victim, vbuf, "Username: ", vout, kWait));
  support::send_all(victim, "alice\nsecret\n");
  ASSERT_TRUE(support::read_until(victim, vbuf, "Command: ", vout, kWait)) << vbuf;
  auto bob = user("bob", "hunter2");
  // About 3 MB: more than the socket buffers hold (about 1.2 MB here), less
  // than the 8 MiB queue, so the server still has output for alice.
  const std::string flood = "message alice " + std::string(8000, 'q');
  for (int i = 0; i < 400; ++i) ASSERT_EQ(bob->command(flood), kPrompt) << i;
  auto before = std::chrono::steady_clock::now();
  int status = server_->stop(SIGTERM);
  auto took = std::chrono::steady_clock::now() - before;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << "\n" << server_->log();
  EXPECT_LT(took, 10s);
  EXPECT_NE(bob->read_until_closed().find("Server is shutting down\n"), std::string::npos);
  ::close(victim);
}

// A scripted client (printf ... | nc -N) sends its commands and half-closes
// its side. The replies already due must still arrive before the close.
TEST_F(ServerLimits, HalfClosedClientStillGetsEveryReply) {
  start({"--flood-rate", "0"});
  auto alice = user("alice", "secret");
  std::string script;
  for (int i = 0; i < 300; ++i) script += "whoelse\n";
  alice->send_raw(script);
  std::string out = finish(*alice);
  EXPECT_EQ(count_of(out, "The currently online users are:\n(Not found)\n" + kPrompt), 300u)
      << "got " << count_of(out, kPrompt) << " of 300 replies before the server closed";
}

TEST_F(ServerLimits, GarbageInputNeverCrashesTheServer) {
  start({"--login-times", "1000", "--max-failures-per-address", "0", "--flood-rate", "0"});
  std::mt19937 rng(4119);
  auto random_bytes = [&](std::size_t n) {
    std::string s(n, '\0');
    for (auto& ch : s) ch = static_cast<char>(rng() & 0xFF);
    return s;
  };
  {
    LineClient c(port());
    c.send_raw(random_bytes(16 * 1024));
    std::string out = finish(c);
    EXPECT_EQ(out.find("Login successful"), std::string::npos) << "random bytes logged in";
  }
  {
    LineClient c(port());
    c.expect("Username: ");
    c.send_raw(std::string("\0\0\0alice\0\n", 10));
    EXPECT_EQ(c.expect(": "), "Password: ");
    c.send_raw(std::string("secret\0\n", 8));
    EXPECT_EQ(c.expect("Username: "), "Error: invalid username or password\nUsername: ");
    c.send_raw(std::string(1, '\0') + "\n");
    EXPECT_EQ(c.expect(": "), "Password: ");
    c.send_raw("\r\n\r\n\r\n");
    finish(c);
  }
  {
    LineClient c(port());
    c.expect("Username: ");
    std::string crlf;
    for (int i = 0; i < 1000; ++i) crlf += "\r\n";
    c.send_raw(crlf);
    for (int i = 0; i < 1000; ++i) {
      if (c.expect("Username: ") != "Username: ") {
        ADD_FAILURE() << "empty username line " << i << " was not answered with a bare prompt";
        break;
      }
    }
    finish(c);
  }
  {
    LineClient c(port());
    c.expect("Username: ");
    c.send_line(std::string(5000, 'u'));
    EXPECT_EQ(c.expect(": "), "Password: ");
    c.send_line("x");
    EXPECT_EQ(c.expect("Username: "), "Error: invalid username or password\nUsername: ");
    c.send_line(std::string(100000, 'v'));
    EXPECT_EQ(c.expect("Username: "), kTooLong + "Username: ");
    c.send_raw("\xC3");  // half a character, then gone
    finish(c);
  }
  {
    auto c = user("alice", "secret");
    std::string junk;
    for (int i = 0; i < 200; ++i) {
      std::string line = random_bytes(1 + rng() % 300);
      for (auto& ch : line)
        if (ch == '\n') ch = ' ';
      junk += line + "\n";
    }
    c->send_raw(junk);
    for (int i = 0; i < 200; ++i) {
      std::string out = c->expect(kPrompt);
      if (out.empty() || c->closed()) break;  // expect() has reported it
    }
    finish(*c);
  }
  auto alice = user("alice", "secret");
  EXPECT_EQ(alice->command("whoelse"), "The currently online users are:\n(Not found)\n" + kPrompt);
  expect_clean_exit();
}

// A client over its flood budget is slowed down, never refused: every line
// is answered, in order, and the server says so in its log.
TEST_F(ServerLimits, FloodIsPacedNotDropped) {
  start({"--flood-rate", "20", "--flood-burst", "5"});
  auto alice = user("alice", "secret");
  std::string script;
  for (int i = 0; i < 15; ++i) script += "wholast " + std::to_string(i) + "\n";
  auto begin = std::chrono::steady_clock::now();
  alice->send_raw(script);
  for (int i = 0; i < 15; ++i)
    alice->expect("The users that are online in the last " + std::to_string(i) + " minutes are:\n");
  alice->expect(kPrompt);
  // 10 lines past the burst at 20 per second cannot take less than 0.5 s.
  EXPECT_GE(std::chrono::steady_clock::now() - begin, std::chrono::milliseconds(450));
  EXPECT_FALSE(server_->wait_for_log("flood pacing user=alice").empty());
}

}  // namespace
}  // namespace parley::test

namespace parley::test {
namespace {

// Resident memory of a process, from /proc, in KiB.
long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// Every empty line at the Username prompt is answered with a new prompt. A
// client that sends them without end and never reads must not be answered
// into the server's memory: once half the queue bound waits unread, the
// server stops reading that client.
TEST_F(ServerLimits, PromptsForAClientThatNeverReadsAreNotAnsweredIntoMemory) {
  start();
  int fd = support::connect_from("127.0.0.1", port(), 4096);
  ASSERT_GE(fd, 0);
  long before = rss_kib(server_->pid());
  const std::string newlines(64 * 1024, '\n');
  std::size_t sent = 0;
  auto until = std::chrono::steady_clock::now() + 5s;
  // Send until the kernel's buffers are full and stay full: the server has
  // stopped reading.
  while (std::chrono::steady_clock::now() < until && sent < (std::size_t{256} << 20)) {
    auto n = ::send(fd, newlines.data(), newlines.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, 500) == 0) break;  // no room for half a second: nobody reads
  }
  long after = rss_kib(server_->pid());
  EXPECT_LT(sent, std::size_t{64} << 20) << "the server kept reading a client that never reads";
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer's quarantine keeps up to 256 MiB of freed replies: here
  // only the bound on what was read means something.
  const long allowed_kib = 256 * 1024;
#elif defined(__SANITIZE_THREAD__)
  const long allowed_kib = 16 * 1024;  // ThreadSanitizer's shadow of the memory touched
#else
  const long allowed_kib = 4 * 1024;
#endif
  EXPECT_LT(after - before, allowed_kib) << "server grew from " << before << " KiB to " << after << " KiB";
  // Others are still served.
  auto alice = user("alice", "secret");
  EXPECT_EQ(alice->command("whoelse"), "The currently online users are:\n(Not found)\n" + kPrompt);
  ::close(fd);
  expect_clean_exit();
}

}  // namespace
}  // namespace parley::test
