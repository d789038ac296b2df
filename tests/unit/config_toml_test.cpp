// parleyd's TOML settings read from text, as the fuzz target reads them.
#include <gtest/gtest.h>

#include "server/config.hpp"

using parley::server::parse_config_toml;
using parley::server::ServerConfig;

namespace {

std::string error_of(std::string_view text) {
  auto result = parse_config_toml(text, "parley.toml", 4119);
  return std::holds_alternative<std::string>(result) ? std::get<std::string>(result) : "no error";
}

}  // namespace

TEST(ConfigToml, TextGivesTheSettingsAFileWould) {
  auto result =
      parse_config_toml("timeout = 42\nwelcome = \"From TOML\"\n[[listener]]\nport = 4120\n", "parley.toml", 4119);
  ASSERT_TRUE(std::holds_alternative<ServerConfig>(result)) << std::get<std::string>(result);
  const auto& c = std::get<ServerConfig>(result);
  EXPECT_EQ(c.port, 4119);
  EXPECT_EQ(c.timeout.count(), 42);
  EXPECT_EQ(c.welcome, "From TOML");
  EXPECT_EQ(c.block_time.count(), 60);
  EXPECT_FALSE(c.users_file_given);
  ASSERT_EQ(c.listeners.size(), 2u);
  EXPECT_EQ(c.listeners[0].port, 4119);
  EXPECT_EQ(c.listeners[1].port, 4120);
}

TEST(ConfigToml, ErrorsAreOneLineNamingTheSource) {
  EXPECT_EQ(error_of("colour = \"blue\"\n"), "parley.toml: unknown setting 'colour'");
  EXPECT_EQ(error_of("timeout = \"long\"\n"), "parley.toml: 'timeout' must be an integer");
  EXPECT_EQ(error_of("timeout = 0\n"), "timeout must be between 1 and 31536000, not 0");
  EXPECT_EQ(error_of("timeout = \n").rfind("parley.toml:1:", 0), 0u) << error_of("timeout = \n");
}

// A key may hold any character once quoted; the error must not carry it raw
// to the terminal or the log.
TEST(ConfigToml, KeysInErrorsAreEscaped) {
  EXPECT_EQ(error_of("\"colour\\u001b[2J\" = 1\n"), "parley.toml: unknown setting 'colour\\x1b[2J'");
  EXPECT_EQ(error_of("\"a\\nb\" = 1\n"), "parley.toml: unknown setting 'a\\x0ab'");
  EXPECT_EQ(error_of("[[listener]]\nport = 1\n\"x\\ty\" = 2\n"), "parley.toml: unknown listener setting 'x\\x09y'");
}

// The TOML parser quotes the character it stumbled on, whatever it is.
TEST(ConfigToml, ParseErrorsAreOneCleanLine) {
  auto error = error_of("timeout = n\n");
  EXPECT_NE(error.find("saw 'n\\x0a'"), std::string::npos) << error;
  for (const char* text : {"timeout = n\n", "timeout = \x1b[2J\n", "x = \"\x7f\"\n",
                           "timeout = \xc2\x9b"
                           "31m\n"}) {
    error = error_of(text);
    EXPECT_EQ(error.rfind("parley.toml:1:", 0), 0u) << error;
    for (char c : error) EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == 0x7F) << error;
    EXPECT_EQ(error.find("\xc2\x9b"), std::string::npos) << error;
  }
}

// A whole float counts as an integer; one past the range of a 64-bit integer
// is not an integer (converting it would be undefined).
TEST(ConfigToml, FloatsForIntegersMustBeWholeAndInRange) {
  auto result = parse_config_toml("timeout = 600.0\n", "parley.toml", 4119);
  ASSERT_TRUE(std::holds_alternative<ServerConfig>(result)) << std::get<std::string>(result);
  EXPECT_EQ(std::get<ServerConfig>(result).timeout.count(), 600);
  EXPECT_EQ(error_of("timeout = 600.5\n"), "parley.toml: 'timeout' must be an integer");
  EXPECT_EQ(error_of("timeout = 1e300\n"), "parley.toml: 'timeout' must be an integer");
  EXPECT_EQ(error_of("timeout = -9.3e18\n"), "parley.toml: 'timeout' must be an integer");
  EXPECT_EQ(error_of("[[listener]]\nport = 1e19\n"), "parley.toml: listener 'port' must be an integer from 0 to 65535");
}

TEST(ConfigToml, PortAndBindMayBeSetInTheFile) {
  auto result = parse_config_toml("port = 4200\nbind = \"::1\"\n", "parley.toml", 4119);
  ASSERT_TRUE(std::holds_alternative<ServerConfig>(result)) << std::get<std::string>(result);
  EXPECT_EQ(std::get<ServerConfig>(result).port, 4200);
  EXPECT_EQ(std::get<ServerConfig>(result).bind, "::1");
  EXPECT_EQ(std::get<ServerConfig>(result).listeners.at(0).port, 4200);
  EXPECT_EQ(error_of("port = 70000\n"), "parley.toml: 'port' must be an integer from 0 to 65535");
  EXPECT_EQ(error_of("port = \"4119\"\n"), "parley.toml: 'port' must be an integer from 0 to 65535");
  EXPECT_EQ(error_of("bind = \"example.org\"\n"), "bind: not an IP address: 'example.org'");
}

TEST(ConfigToml, WebListenersAndOrigins) {
  auto result = parse_config_toml(
      "web-port = 8080\nweb-origins = [\"https://chat.example.org\", \"http://localhost:3000/\"]\n"
      "[[listener]]\nport = 8081\nprotocol = \"web\"\n",
      "parley.toml", 4119);
  ASSERT_TRUE(std::holds_alternative<ServerConfig>(result)) << std::get<std::string>(result);
  const auto& c = std::get<ServerConfig>(result);
  ASSERT_EQ(c.listeners.size(), 3u);
  EXPECT_EQ(c.listeners[1].port, 8080);
  EXPECT_EQ(c.listeners[1].protocol, "web");
  EXPECT_FALSE(c.listeners[1].tls);
  EXPECT_EQ(c.listeners[2].protocol, "web");
  ASSERT_EQ(c.web_origins.size(), 2u);
  EXPECT_EQ(c.web_origins[0], "https://chat.example.org");
  EXPECT_EQ(error_of("web-origins = \"https://a.example\"\n"),
            "parley.toml: 'web-origins' must be an array of strings");
  EXPECT_EQ(error_of("web-origins = [\"chat.example.org\"]\n"),
            "web-origins: not an origin (scheme://host[:port]): 'chat.example.org'");
  EXPECT_EQ(error_of("web-origins = [\"https://a.example/path\"]\n"),
            "web-origins: not an origin (scheme://host[:port]): 'https://a.example/path'");
  EXPECT_EQ(error_of("web-port = 70000\n"), "parley.toml: 'web-port' must be an integer from 0 to 65535");
}
