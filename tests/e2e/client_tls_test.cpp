// `parley --tls` against a real parleyd's TLS port: a chat with a plain-port
// user in a real terminal, and certificates it must refuse with a clear
// error and exit status 1, never falling back to a plain connection.
#include <gtest/gtest.h>

#include "client_support.hpp"
#include "tls_support.hpp"

namespace parley::test {
namespace {

using namespace keys;

class ClientTls : public ClientTest {
 protected:
  ClientTls() : ca_("parley test CA") { ca_file_ = ca_.write(certs_.path(), "ca.crt"); }
  void SetUp() override {}

  // Starts parleyd serving `pair` on its TLS port.
  void serve(const KeyPair& pair) {
    auto [cert, key] = pair.write(certs_.path(), "server");
    start_server({"--tls-port", "0", "--tls-cert", cert, "--tls-key", key});
    tls_port_ = tls_port(server());
    ASSERT_NE(tls_port_, 0);
  }
  std::vector<std::string> tls_command(const std::string& host, std::vector<std::string> options = {}) const {
    std::vector<std::string> argv{binary_path("parley"), "--tls"};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.push_back(host);
    argv.push_back(std::to_string(tls_port_));
    return argv;
  }
  CommandResult refused(const std::string& host) {
    return run_command(tls_command(host, {"--ca", ca_file_}), "alice\nsecret\nwhoelse\n");
  }

  TempDir certs_;
  TestAuthority ca_;
  std::string ca_file_;
  unsigned short tls_port_ = 0;
};

TEST_F(ClientTls, ChatsInATerminalWithAPlainUser) {
  serve(ca_.issue(ServerCertSpec{}));
  LineClient bob(port());
  bob.login("bob", "hunter2");
  PtyOptions options;
  options.home = home().string();
  PtyProcess terminal(tls_command("localhost", {"--ca", ca_file_}), options);
  type_login(terminal, "alice", "secret");
  terminal.send("message bob hello over TLS\r");
  EXPECT_NE(bob.expect("alice: hello over TLS <private message>"), "");
  bob.send_line("message alice hello in the clear");
  bob.expect("Command: ");
  EXPECT_TRUE(terminal.wait_for_text("bob: hello in the clear")) << terminal.describe();
  terminal.send(kCtrlD);
  EXPECT_EQ(exit_code(terminal.wait_exit()), 0) << terminal.describe();
  EXPECT_FALSE(server().wait_for_log("logout user=alice").empty()) << server().log();
}

TEST_F(ClientTls, ScriptedOverTlsByAddress) {
  serve(ca_.issue(ServerCertSpec{}));
  auto result = run_command(tls_command("127.0.0.1", {"--ca", ca_file_}), "alice\nsecret\nwhoelse\n");
  EXPECT_EQ(exit_code(result.status), 0) << result.err;
  EXPECT_NE(result.out.find("Login successful"), std::string::npos) << result.out;
  EXPECT_EQ(result.err, "");
}

TEST_F(ClientTls, RefusesAnUnknownAuthority) {
  TestAuthority stranger("someone else's CA");
  serve(stranger.issue(ServerCertSpec{}));
  for (auto result : {refused("localhost"), run_command(tls_command("localhost"), "alice\nsecret\n")}) {
    EXPECT_EQ(exit_code(result.status), 1) << result.err;
    EXPECT_EQ(result.err,
              "parley: the TLS certificate of localhost is not trusted: it is signed by an unknown certificate "
              "authority (unable to get local issuer certificate)\n");
    EXPECT_EQ(result.out, "");
  }
  EXPECT_FALSE(server().log_contains("login user=alice")) << server().log();
}

TEST_F(ClientTls, RefusesACertificateForAnotherHost) {
  ServerCertSpec spec;
  spec.dns = {"chat.example.org"};
  spec.ips = {"192.0.2.1"};
  serve(ca_.issue(spec));
  auto by_name = refused("localhost");
  EXPECT_EQ(exit_code(by_name.status), 1) << by_name.err;
  EXPECT_EQ(by_name.err,
            "parley: the TLS certificate of localhost is not trusted: it is for another host name (hostname "
            "mismatch)\n");
  auto by_address = refused("127.0.0.1");
  EXPECT_EQ(exit_code(by_address.status), 1) << by_address.err;
  EXPECT_EQ(by_address.err,
            "parley: the TLS certificate of 127.0.0.1 is not trusted: it is for another host name (IP address "
            "mismatch)\n");
  EXPECT_EQ(by_address.out, "");
}

TEST_F(ClientTls, RefusesAnExpiredCertificate) {
  ServerCertSpec spec;
  spec.valid_from = -std::chrono::hours(48);
  spec.valid_to = -std::chrono::hours(24);
  serve(ca_.issue(spec));
  auto result = refused("localhost");
  EXPECT_EQ(exit_code(result.status), 1) << result.err;
  EXPECT_EQ(result.err,
            "parley: the TLS certificate of localhost is not trusted: it has expired (certificate has expired)\n");
  EXPECT_EQ(result.out, "");
}

TEST_F(ClientTls, APlainServerIsAnErrorNotAFallback) {
  serve(ca_.issue(ServerCertSpec{}));
  std::vector<std::string> argv{binary_path("parley"), "--tls", "--ca", ca_file_, "127.0.0.1", std::to_string(port())};
  auto result = run_command(argv, "alice\nsecret\n");
  EXPECT_EQ(exit_code(result.status), 1) << result.err;
  EXPECT_EQ(result.err.rfind("parley: TLS handshake with 127.0.0.1 port " + std::to_string(port()) + " failed: ", 0),
            0u)
      << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  EXPECT_EQ(result.out, "");
  EXPECT_FALSE(server().log_contains("login user=alice")) << server().log();
}

TEST_F(ClientTls, UnreadableCaFileIsAnError) {
  serve(ca_.issue(ServerCertSpec{}));
  auto missing = (certs_.path() / "missing.crt").string();
  auto result = run_command(tls_command("localhost", {"--ca", missing}), "");
  EXPECT_EQ(exit_code(result.status), 1) << result.err;
  EXPECT_EQ(result.err, "parley: cannot use CA file '" + missing + "': not readable or not PEM certificates\n");
}

TEST(ClientTlsCommandLine, CaNeedsTls) {
  auto result = run_command({binary_path("parley"), "--ca", "ca.crt", "127.0.0.1", "4119"}, "");
  EXPECT_TRUE(WIFEXITED(result.status) && WEXITSTATUS(result.status) == 2) << result.err;
  EXPECT_EQ(result.err, "parley: --ca needs --tls (see parley --help)\n");
}

}  // namespace
}  // namespace parley::test
