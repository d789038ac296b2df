// Signals that must not end parleyd: SIGHUP (a reload),
// SIGUSR1 and SIGUSR2 are logged; SIGPIPE and SIGXFSZ are ignored. Users
// stay logged in and keep chatting.
#include <gtest/gtest.h>
#include <signal.h>

#include "harness.hpp"
#include "server_support.hpp"
#include "tls_support.hpp"

namespace parley::test {
namespace {

using ServerSignals = ServerFixture;

void expect_survival(ServerProcess& server, LineClient& alice, LineClient& bob) {
  // Sent first, so they are delivered by the time a later signal is logged.
  kill(server.pid(), SIGPIPE);
  kill(server.pid(), SIGXFSZ);
  for (int sig : {SIGUSR1, SIGUSR2}) {
    kill(server.pid(), sig);
    std::string name = sig == SIGUSR1 ? "SIGUSR1" : "SIGUSR2";
    EXPECT_FALSE(server.wait_for_log(name + ": ignored").empty()) << server.log();
  }
  alice.send_line("message bob still here");
  alice.expect(kPrompt);
  EXPECT_NE(bob.expect("alice: still here <private message>"), "");
  EXPECT_NE(bob.command("whoelse").find("alice"), std::string::npos);
  EXPECT_FALSE(server.log_contains("shutting down")) << server.log();
}

TEST_F(ServerSignals, WithoutTlsSighupAndUserSignalsAreLoggedAndSurvived) {
  start();
  auto alice = user("alice", "secret");
  auto bob = user("bob", "hunter2");
  kill(server_->pid(), SIGHUP);
  EXPECT_FALSE(server_->wait_for_log("SIGHUP: reload done").empty()) << server_->log();
  expect_survival(*server_, *alice, *bob);
}

TEST_F(ServerSignals, WithTlsSighupReloadsAndEveryoneStays) {
  TestAuthority ca("parley test CA");
  auto [cert, key] = ca.issue(ServerCertSpec{}).write(dir_.path(), "server");
  start({"--tls-port", "0", "--tls-cert", cert, "--tls-key", key});
  TlsLineClient carol(tls_port(*server_));
  ASSERT_TRUE(carol.handshake_ok()) << carol.handshake_error();
  carol.login("carol", "swordfish");
  auto alice = user("alice", "secret");
  auto bob = user("bob", "hunter2");
  kill(server_->pid(), SIGHUP);
  EXPECT_FALSE(server_->wait_for_log("SIGHUP: reloaded TLS certificate").empty()) << server_->log();
  expect_survival(*server_, *alice, *bob);
  EXPECT_NE(carol.command("whoelse").find("alice"), std::string::npos);
}

}  // namespace
}  // namespace parley::test
