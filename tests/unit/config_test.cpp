#include "server/config.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using parley::server::parse_config;
using parley::server::ServerConfig;

namespace {
std::variant<ServerConfig, int> parse(std::vector<std::string> args) {
  args.insert(args.begin(), "parleyd");
  std::vector<const char*> argv;
  for (auto& a : args) argv.push_back(a.c_str());
  return parse_config(static_cast<int>(argv.size()), argv.data());
}

int exit_code(std::vector<std::string> args) {
  auto r = parse(std::move(args));
  return std::holds_alternative<int>(r) ? std::get<int>(r) : -1;
}

std::string write_temp(const std::string& content) {
  std::string path = (std::filesystem::temp_directory_path() / "parley-config-XXXXXX").string();
  int fd = mkstemp(path.data());
  close(fd);
  std::ofstream(path) << content;
  return path;
}
}  // namespace

TEST(Config, ClassicDefaults) {
  auto c = std::get<ServerConfig>(parse({"4119"}));
  EXPECT_EQ(c.port, 4119);
  EXPECT_EQ(c.login_times, 3);
  EXPECT_EQ(c.block_time.count(), 60);
  EXPECT_EQ(c.timeout.count(), 1800);
  EXPECT_EQ(c.last_hour, 60);
  EXPECT_EQ(c.users_file, "user_pass.txt");
  EXPECT_FALSE(c.users_file_given);
  EXPECT_EQ(c.db_path, "parley.db");
  EXPECT_GE(c.threads, 1u);
  EXPECT_EQ(c.flood_rate, 10);
  EXPECT_EQ(c.flood_burst, 50);
}

TEST(Config, FlagsOverrideDefaults) {
  auto c = std::get<ServerConfig>(
      parse({"--login-times", "5", "--block-time", "10", "--timeout", "30", "--last-hour", "120", "--users", "u.txt",
             "--db", "x.db", "--welcome", "Hi!", "--threads", "3", "--password-hash-cost", "min", "0"}));
  EXPECT_EQ(c.port, 0);
  EXPECT_EQ(c.login_times, 5);
  EXPECT_EQ(c.block_time.count(), 10);
  EXPECT_EQ(c.timeout.count(), 30);
  EXPECT_EQ(c.last_hour, 120);
  EXPECT_EQ(c.users_file, "u.txt");
  EXPECT_TRUE(c.users_file_given);
  EXPECT_EQ(c.db_path, "x.db");
  EXPECT_EQ(c.welcome, "Hi!");
  EXPECT_EQ(c.threads, 3u);
  EXPECT_EQ(c.hash_cost, parley::core::HashCost::minimal);
}

TEST(Config, BadInputExitsWithTwo) {
  EXPECT_EQ(exit_code({}), 2);  // no port
  EXPECT_EQ(exit_code({"65536"}), 2);
  EXPECT_EQ(exit_code({"port"}), 2);
  EXPECT_EQ(exit_code({"--nope", "4119"}), 2);
  EXPECT_EQ(exit_code({"--timeout", "0", "4119"}), 2);
  EXPECT_EQ(exit_code({"--login-times", "x", "4119"}), 2);
  EXPECT_EQ(exit_code({"--password-hash-cost", "cheap", "4119"}), 2);
  EXPECT_EQ(exit_code({"--flood-burst", "0", "4119"}), 2);
  EXPECT_EQ(exit_code({"--flood-rate", "-1", "4119"}), 2);
  EXPECT_EQ(exit_code({"--config", "/nonexistent/parley.toml", "4119"}), 2);
}

TEST(Config, HelpExitsWithZero) { EXPECT_EQ(exit_code({"--help"}), 0); }

TEST(Config, TomlFillsWhatTheCommandLineLeavesOut) {
  auto path = write_temp(
      "timeout = 42\nwelcome = \"From TOML\"\nblock-time = 7\nusers = \"accounts.txt\"\nflood-rate = 2.5\nflood-burst "
      "= 7\n");
  auto c = std::get<ServerConfig>(parse({"--config", path, "--block-time", "9", "4119"}));
  EXPECT_EQ(c.timeout.count(), 42);
  EXPECT_EQ(c.welcome, "From TOML");
  EXPECT_EQ(c.block_time.count(), 9);  // the command line wins
  EXPECT_EQ(c.users_file, "accounts.txt");
  EXPECT_TRUE(c.users_file_given);
  EXPECT_EQ(c.flood_rate, 2.5);
  EXPECT_EQ(c.flood_burst, 7);  // a TOML integer is a number too
  std::filesystem::remove(path);
}

TEST(Config, TomlErrorsAreRejected) {
  auto unknown = write_temp("colour = \"blue\"\n");
  EXPECT_EQ(exit_code({"--config", unknown, "4119"}), 2);
  auto wrong_type = write_temp("timeout = \"long\"\n");
  EXPECT_EQ(exit_code({"--config", wrong_type, "4119"}), 2);
  auto broken = write_temp("timeout = \n");
  EXPECT_EQ(exit_code({"--config", broken, "4119"}), 2);
  for (auto& p : {unknown, wrong_type, broken}) std::filesystem::remove(p);
}

TEST(Config, ThePortIsTheFirstClassicListenerAndTheFileAddsMore) {
  auto file = write_temp(
      "[[listener]]\naddress = \"127.0.0.1\"\nport = 4120\nprotocol = \"classic\"\n\n[[listener]]\nport = 4121\n");
  auto c = std::get<ServerConfig>(parse({"--bind", "::1", "--config", file, "4119"}));
  ASSERT_EQ(c.listeners.size(), 3u);
  EXPECT_EQ(c.listeners[0].address, "::1");
  EXPECT_EQ(c.listeners[0].port, 4119);
  EXPECT_EQ(c.listeners[0].protocol, "classic");
  EXPECT_EQ(c.listeners[1].address, "127.0.0.1");
  EXPECT_EQ(c.listeners[1].port, 4120);
  EXPECT_EQ(c.listeners[2].address, "");
  EXPECT_EQ(c.listeners[2].port, 4121);
  EXPECT_EQ(c.listeners[2].protocol, "classic");
  std::filesystem::remove(file);
}

TEST(Config, BadListenersAreCleanErrors) {
  for (const char* toml : {"listener = 5\n", "[[listener]]\naddress = \"x\"\n", "[[listener]]\nport = 70000\n",
                           "[[listener]]\nport = 1\nprotocol = \"gopher\"\n", "[[listener]]\nport = 1\ncolour = 2\n"}) {
    auto file = write_temp(toml);
    EXPECT_EQ(exit_code({"--config", file, "4119"}), 2) << toml;
    std::filesystem::remove(file);
  }
}

TEST(Config, HashThreadsDefaultToTheCores) {
  auto c = std::get<ServerConfig>(parse({"4119"}));
  EXPECT_GE(c.hash_threads, 1u);
  EXPECT_EQ(std::get<ServerConfig>(parse({"--hash-threads", "3", "4119"})).hash_threads, 3u);
  EXPECT_EQ(exit_code({"--hash-threads", "-1", "4119"}), 2);
}

TEST(Config, TlsSettingsFromTheCommandLine) {
  auto plain = std::get<ServerConfig>(parse({"4119"}));
  ASSERT_EQ(plain.listeners.size(), 1u);
  EXPECT_FALSE(plain.listeners[0].tls);
  EXPECT_EQ(plain.tls_handshake_timeout.count(), 10);
  auto c = std::get<ServerConfig>(parse({"--bind", "127.0.0.1", "--tls-port", "4443", "--tls-cert", "c.pem",
                                         "--tls-key", "k.pem", "--tls-handshake-timeout", "3", "4119"}));
  ASSERT_EQ(c.listeners.size(), 2u);
  EXPECT_FALSE(c.listeners[0].tls);
  EXPECT_EQ(c.listeners[1].address, "127.0.0.1");
  EXPECT_EQ(c.listeners[1].port, 4443);
  EXPECT_EQ(c.listeners[1].protocol, "classic");
  EXPECT_TRUE(c.listeners[1].tls);
  EXPECT_EQ(c.tls_cert, "c.pem");
  EXPECT_EQ(c.tls_key, "k.pem");
  EXPECT_EQ(c.tls_handshake_timeout.count(), 3);
  EXPECT_EQ(exit_code({"--tls-port", "70000", "4119"}), 2);
  EXPECT_EQ(exit_code({"--tls-handshake-timeout", "0", "4119"}), 2);
}

TEST(Config, TlsSettingsFromTheFile) {
  auto file = write_temp(
      "tls-port = 4443\ntls-cert = \"c.pem\"\ntls-key = \"k.pem\"\ntls-handshake-timeout = 5\n"
      "[[listener]]\nport = 4444\ntls = true\n");
  auto c = std::get<ServerConfig>(parse({"--config", file, "--tls-key", "other.pem", "4119"}));
  ASSERT_EQ(c.listeners.size(), 3u);
  EXPECT_TRUE(c.listeners[1].tls);
  EXPECT_EQ(c.listeners[1].port, 4443);
  EXPECT_TRUE(c.listeners[2].tls);
  EXPECT_EQ(c.listeners[2].port, 4444);
  EXPECT_EQ(c.tls_cert, "c.pem");
  EXPECT_EQ(c.tls_key, "other.pem");  // the command line wins
  EXPECT_EQ(c.tls_handshake_timeout.count(), 5);
  std::filesystem::remove(file);
  for (const char* toml : {"tls-port = \"x\"\n", "tls-port = 70000\n", "[[listener]]\nport = 1\ntls = \"yes\"\n"}) {
    auto bad = write_temp(toml);
    EXPECT_EQ(exit_code({"--config", bad, "4119"}), 2) << toml;
    std::filesystem::remove(bad);
  }
}

TEST(Config, VersionPrintsTheNameAndVersionAndExitsZero) {
  testing::internal::CaptureStdout();
  EXPECT_EQ(exit_code({"--version"}), 0);
  auto out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(out.rfind("parleyd ", 0), 0u) << out;
  EXPECT_EQ(out.find('\n'), out.size() - 1) << out;
  EXPECT_NE(out.find_first_of("0123456789"), std::string::npos) << out;
}

TEST(Config, PortAndBindFromTheFileAndTheCommandLineWins) {
  auto file = write_temp("port = 4242\nbind = \"127.0.0.1\"\n");
  auto c = std::get<ServerConfig>(parse({"--config", file}));
  EXPECT_EQ(c.port, 4242);
  EXPECT_EQ(c.bind, "127.0.0.1");
  ASSERT_FALSE(c.listeners.empty());
  EXPECT_EQ(c.listeners[0].port, 4242);
  EXPECT_EQ(c.listeners[0].address, "127.0.0.1");
  c = std::get<ServerConfig>(parse({"--config", file, "--bind", "::1", "4000"}));
  EXPECT_EQ(c.port, 4000);
  EXPECT_EQ(c.bind, "::1");
  EXPECT_EQ(c.config_file, file);
  std::filesystem::remove(file);
}

TEST(Config, NoPortAnywhereIsOneLineError) {
  auto file = write_temp("timeout = 60\n");
  testing::internal::CaptureStderr();
  EXPECT_EQ(exit_code({"--config", file}), 2);
  auto err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(err,
            "parleyd: no port: give it on the command line or as 'port' in the config file (see parleyd --help)\n");
  std::filesystem::remove(file);
}

TEST(Config, MissingConfigFileIsOnePlainLineNamingIt) {
  testing::internal::CaptureStderr();
  EXPECT_EQ(exit_code({"--config", "/nonexistent/parley.toml", "0"}), 2);
  EXPECT_EQ(testing::internal::GetCapturedStderr(),
            "parleyd: cannot read config file /nonexistent/parley.toml: No such file or directory\n");
}

TEST(Config, ListeningAddressesAreCheckedWhenRead) {
  EXPECT_EQ(exit_code({"--bind", "localhost", "0"}), 2);
  EXPECT_EQ(exit_code({"--bind", "300.1.1.1", "0"}), 2);
  EXPECT_NE(exit_code({"--bind", "::1", "0"}), 2);
  auto file = write_temp("[[listener]]\naddress = \"nowhere\"\nport = 1\n");
  testing::internal::CaptureStderr();
  EXPECT_EQ(exit_code({"--config", file, "0"}), 2);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("listener address: not an IP address: 'nowhere'"),
            std::string::npos);
  std::filesystem::remove(file);
}

TEST(Config, CheckConfigIsAFlag) {
  EXPECT_FALSE(std::get<ServerConfig>(parse({"0"})).check_only);
  EXPECT_TRUE(std::get<ServerConfig>(parse({"--check-config", "0"})).check_only);
}

TEST(Config, RereadTakesTheFileAsItIsNowAndTheCommandLineStillWins) {
  auto file = write_temp("timeout = 60\nwelcome = \"one\"\n");
  auto first = std::get<ServerConfig>(parse({"--config", file, "--welcome", "flag", "4119"}));
  EXPECT_EQ(first.command_line, (std::vector<std::string>{"parleyd", "--config", file, "--welcome", "flag", "4119"}));
  std::ofstream(file) << "timeout = 90\nwelcome = \"two\"\n";
  auto again = parley::server::reread_config(first.command_line);
  ASSERT_TRUE(std::holds_alternative<ServerConfig>(again)) << std::get<std::string>(again);
  EXPECT_EQ(std::get<ServerConfig>(again).timeout.count(), 90);
  EXPECT_EQ(std::get<ServerConfig>(again).welcome, "flag");
  std::ofstream(file) << "timeout = 0\n";
  again = parley::server::reread_config(first.command_line);
  ASSERT_TRUE(std::holds_alternative<std::string>(again));
  EXPECT_EQ(std::get<std::string>(again), "timeout must be between 1 and 31536000, not 0");
  std::filesystem::remove(file);
  again = parley::server::reread_config(first.command_line);
  ASSERT_TRUE(std::holds_alternative<std::string>(again));
  EXPECT_EQ(std::get<std::string>(again), "cannot read config file " + file + ": No such file or directory");
}

TEST(Config, ThePortAfterARepeatableOptionIsStillThePort) {
  auto c = std::get<ServerConfig>(parse({"--exempt", "10.0.0.0/8", "--exempt", "192.0.2.7", "4119"}));
  EXPECT_EQ(c.port, 4119);
  EXPECT_EQ(c.exempt, (std::vector<std::string>{"10.0.0.0/8", "192.0.2.7"}));
}
