// parleyd's TLS listener: the classic protocol over TLS for `openssl
// s_client` and other TLS clients next to plain users, what happens to
// clients that speak the wrong thing on either port, certificates reloaded
// on SIGHUP, and start-up errors.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include "harness.hpp"
#include "server_support.hpp"
#include "tls_support.hpp"

namespace parley::test {
namespace {

using support::count_of;

ServerCertSpec named(const std::string& common_name) {
  ServerCertSpec spec;
  spec.common_name = common_name;
  return spec;
}

class ServerTls : public ServerFixture {
 protected:
  ServerTls() : ca_("parley test CA") {
    ca_file_ = ca_.write(dir_.path(), "ca.crt");
    std::tie(cert_, key_) = ca_.issue(ServerCertSpec{}).write(dir_.path(), "server");
  }
  void start_tls(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--tls-port", "0", "--tls-cert", cert_, "--tls-key", key_};
    args.insert(args.end(), extra.begin(), extra.end());
    start(args);
    tls_port_ = tls_port(*server_);
    ASSERT_NE(tls_port_, 0);
  }

  TestAuthority ca_;
  std::string ca_file_, cert_, key_;
  unsigned short tls_port_ = 0;
};

TEST_F(ServerTls, OpensslClientChatsWithAPlainUser) {
  start_tls();
  auto bob = user("bob", "hunter2");
  PipedProcess alice({"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(tls_port_), "-CAfile", ca_file_,
                      "-verify_return_error", "-verify_hostname", "localhost", "-servername", "localhost", "-quiet"});
  alice.expect("Username: ");
  alice.send("alice\n");
  alice.expect("Password: ");
  alice.send("secret\n");
  EXPECT_NE(alice.expect("Command: ").find("Login successful"), std::string::npos) << alice.output();
  alice.send("message bob hello over TLS\n");
  alice.expect("Command: ");
  EXPECT_NE(bob->expect("alice: hello over TLS <private message>"), "");
  bob->send_line("message alice hello in the clear");
  bob->expect(kPrompt);
  alice.expect("bob: hello in the clear <private message>");
  EXPECT_NE(bob->command("whoelse").find("alice"), std::string::npos);
  alice.send("logout\n");
  alice.expect("Logging off");
  alice.wait_exit();
  EXPECT_FALSE(server_->wait_for_log("logout user=alice").empty()) << server_->log();
}

TEST_F(ServerTls, IrcOverTlsWithOpensslClient) {
  start({"--irc-tls-port", "0", "--tls-cert", cert_, "--tls-key", key_, "--server-name", "irc.test"});
  auto port = tls_port(*server_);
  ASSERT_NE(port, 0);
  EXPECT_FALSE(server_->wait_for_log("irc protocol (TLS) listening on").empty());
  auto bob = user("bob", "hunter2");
  PipedProcess alice({"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(port), "-CAfile", ca_file_,
                      "-verify_return_error", "-verify_hostname", "localhost", "-servername", "localhost", "-quiet"});
  alice.send("PASS secret\r\nNICK alice\r\nUSER alice 0 * :Alice\r\n");
  alice.expect(":irc.test 001 alice :Welcome to simple chat server!");
  alice.send("PRIVMSG bob :hello over TLS\r\n");
  bob->expect("alice: hello over TLS <private message>");
  bob->send_line("message alice hello in the clear");
  alice.expect(":bob!bob@parley PRIVMSG alice :hello in the clear");
  alice.send("QUIT\r\n");
  alice.expect("ERROR :Quit");
  alice.wait_exit();
}

// HTTPS and the WebSocket upgrade over TLS, with openssl as the client.
TEST_F(ServerTls, WebOverTlsWithOpensslClient) {
  start({"--web-tls-port", "0", "--tls-cert", cert_, "--tls-key", key_});
  auto port = tls_port(*server_);
  ASSERT_NE(port, 0);
  EXPECT_FALSE(server_->wait_for_log("web protocol (TLS) listening on").empty());
  auto connect = [&] {
    return std::make_unique<PipedProcess>(std::vector<std::string>{
        "openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(port), "-CAfile", ca_file_,
        "-verify_return_error", "-verify_hostname", "localhost", "-servername", "localhost", "-quiet"});
  };
  auto page = connect();
  page->send("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  page->expect("HTTP/1.1 200 OK");
  page->expect("Content-Security-Policy: default-src 'none'");
  page->expect("</html>");
  page->wait_exit();
  auto socket = connect();
  socket->send("GET /ws HTTP/1.1\r\nHost: localhost:" + std::to_string(port) +
               "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
               "Sec-WebSocket-Version: 13\r\nOrigin: https://localhost:" +
               std::to_string(port) + "\r\n\r\n");
  socket->expect("HTTP/1.1 101 Switching Protocols");
  socket->expect("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  socket->expect("{\"type\":\"hello\"");
}

TEST_F(ServerTls, VerifiedTlsClientLogsIn) {
  start_tls();
  TlsLineClient alice(tls_port_, ca_file_, "localhost");
  ASSERT_TRUE(alice.handshake_ok()) << alice.handshake_error();
  EXPECT_NE(alice.login("alice", "secret").find("Login successful"), std::string::npos);
  EXPECT_NE(alice.command("whoelse").find("The currently online users are:"), std::string::npos);
  alice.send_line("logout");
  EXPECT_EQ(alice.read_until_closed(), "Logging off\n");
}

TEST_F(ServerTls, PlaintextClientOnTheTlsPortIsCutOffAlone) {
  start_tls();
  auto bob = user("bob", "hunter2");
  {
    LineClient plain(tls_port_);
    plain.send_line("alice");
    plain.read_until_closed();  // a TLS alert at most, never a prompt
    EXPECT_TRUE(plain.closed());
  }
  EXPECT_FALSE(server_->wait_for_log("TLS handshake failed from=127.0.0.1:").empty()) << server_->log();
  EXPECT_EQ(count_of(server_->log(), "TLS handshake failed"), 1u) << server_->log();
  EXPECT_NE(bob->command("whoelse").find("The currently online users are:"), std::string::npos);
}

TEST_F(ServerTls, SilentClientOnTheTlsPortIsCutAtTheHandshakeDeadline) {
  start_tls({"--tls-handshake-timeout", "1"});
  auto bob = user("bob", "hunter2");
  LineClient silent(tls_port_);
  EXPECT_EQ(silent.read_until_closed(), "");
  EXPECT_FALSE(server_->wait_for_log("TLS handshake timeout from=127.0.0.1:").empty()) << server_->log();
  EXPECT_NE(bob->command("whoelse").find("The currently online users are:"), std::string::npos);
}

TEST_F(ServerTls, TlsClientOnThePlainPortIsCutOffAlone) {
  start_tls();
  auto bob = user("bob", "hunter2");
  {
    TlsLineClient confused(port(), ca_file_, "localhost");
    EXPECT_FALSE(confused.handshake_ok());
  }
  TlsLineClient alice(tls_port_, ca_file_, "localhost");
  ASSERT_TRUE(alice.handshake_ok()) << alice.handshake_error();
  EXPECT_NE(alice.login("alice", "secret").find("Login successful"), std::string::npos);
  EXPECT_NE(bob->command("whoelse").find("alice"), std::string::npos);
}

TEST_F(ServerTls, SighupServesANewCertificateToNewConnectionsOnly) {
  auto first = ca_.issue(named("first"));
  first.write(dir_.path(), "server");
  start_tls();
  TlsLineClient old_connection(tls_port_, ca_file_, "localhost");
  ASSERT_TRUE(old_connection.handshake_ok()) << old_connection.handshake_error();
  EXPECT_EQ(old_connection.peer_common_name(), "first");
  old_connection.login("alice", "secret");

  ca_.issue(named("second")).write(dir_.path(), "server");
  kill(server_->pid(), SIGHUP);
  EXPECT_FALSE(server_->wait_for_log("SIGHUP: reloaded TLS certificate").empty()) << server_->log();
  TlsLineClient new_connection(tls_port_, ca_file_, "localhost");
  ASSERT_TRUE(new_connection.handshake_ok()) << new_connection.handshake_error();
  EXPECT_EQ(new_connection.peer_common_name(), "second");
  new_connection.login("bob", "hunter2");

  EXPECT_NE(old_connection.command("message bob still here").find("Command"), std::string::npos);
  EXPECT_NE(new_connection.expect("alice: still here <private message>"), "");

  // A broken pair on disk is refused and the one in use kept.
  dir_.write("server.key", "not a key\n");
  kill(server_->pid(), SIGHUP);
  EXPECT_FALSE(server_->wait_for_log("SIGHUP: reload refused: cannot load TLS key").empty()) << server_->log();
  TlsLineClient after_bad_reload(tls_port_, ca_file_, "localhost");
  ASSERT_TRUE(after_bad_reload.handshake_ok()) << after_bad_reload.handshake_error();
  EXPECT_EQ(after_bad_reload.peer_common_name(), "second");
  EXPECT_NE(old_connection.command("whoelse").find("bob"), std::string::npos);
}

// --- start-up ---------------------------------------------------------------------

class ServerTlsStart : public ServerTls {
 protected:
  CommandResult run(std::vector<std::string> args) {
    dir_.write("user_pass.txt", demo_users());
    args.insert(args.begin(), {binary_path("parleyd"), "--db", (dir_ / "p.db").string(), "--users",
                               (dir_ / "user_pass.txt").string()});
    args.push_back("0");
    return run_command(args, "");
  }
  static bool exited_one(const CommandResult& r) { return WIFEXITED(r.status) && WEXITSTATUS(r.status) == 1; }
};

TEST_F(ServerTlsStart, PortWithoutCertificateIsAnError) {
  auto r = run({"--tls-port", "0"});
  EXPECT_TRUE(exited_one(r)) << r.err;
  EXPECT_NE(r.err.find("a TLS listener needs both --tls-cert and --tls-key"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("listening on"), std::string::npos) << r.err;
}

TEST_F(ServerTlsStart, UnreadableCertificateIsAnError) {
  auto r = run({"--tls-port", "0", "--tls-cert", (dir_ / "missing.crt").string(), "--tls-key", key_});
  EXPECT_TRUE(exited_one(r)) << r.err;
  EXPECT_NE(r.err.find("cannot read TLS certificate " + (dir_ / "missing.crt").string() + ": No such file"),
            std::string::npos)
      << r.err;
}

TEST_F(ServerTlsStart, KeyOfAnotherCertificateIsAnError) {
  auto [other_cert, other_key] = ca_.issue(ServerCertSpec{}).write(dir_.path(), "other");
  auto r = run({"--tls-port", "0", "--tls-cert", cert_, "--tls-key", other_key});
  EXPECT_TRUE(exited_one(r)) << r.err;
  EXPECT_NE(r.err.find("does not match certificate"), std::string::npos) << r.err;
}

TEST_F(ServerTlsStart, TlsListenerFromTheConfigFile) {
  dir_.write("parley.toml", "tls-cert = \"" + cert_ + "\"\ntls-key = \"" + key_ +
                                "\"\n[[listener]]\naddress = \"127.0.0.1\"\nport = 0\ntls = true\n");
  start({"--config", (dir_ / "parley.toml").string()});
  auto port = tls_port(*server_);
  ASSERT_NE(port, 0);
  EXPECT_TRUE(server_->log_contains("classic protocol (TLS) listening on 127.0.0.1:")) << server_->log();
  TlsLineClient alice(port, ca_file_, "localhost");
  ASSERT_TRUE(alice.handshake_ok()) << alice.handshake_error();
  EXPECT_NE(alice.login("alice", "secret").find("Login successful"), std::string::npos);
}

}  // namespace
}  // namespace parley::test
