// The metrics setting: ADDR:PORT on the command line or in TOML, off by default.
#include <gtest/gtest.h>

#include "server/config.hpp"

namespace parley::server {
namespace {

std::variant<ServerConfig, std::string> with_metrics(const std::string& value) {
  return parse_config_toml("metrics = \"" + value + "\"\n", "parley.toml", 4119);
}

TEST(ConfigMetrics, OffByDefault) {
  auto c = std::get<ServerConfig>(parse_config_toml("", "parley.toml", 4119));
  EXPECT_FALSE(c.metrics_enabled);
}

TEST(ConfigMetrics, IPv4AndBracketedIPv6) {
  auto v4 = std::get<ServerConfig>(with_metrics("127.0.0.1:9100"));
  EXPECT_TRUE(v4.metrics_enabled);
  EXPECT_EQ(v4.metrics_address, "127.0.0.1");
  EXPECT_EQ(v4.metrics_port, 9100);
  auto v6 = std::get<ServerConfig>(with_metrics("[::1]:9100"));
  EXPECT_EQ(v6.metrics_address, "::1");
  EXPECT_EQ(v6.metrics_port, 9100);
  auto any = std::get<ServerConfig>(with_metrics("0.0.0.0:0"));
  EXPECT_EQ(any.metrics_port, 0);
}

TEST(ConfigMetrics, RefusesWhatIsNotAddrPort) {
  for (const std::string bad : {"localhost:9100", "::1:9100", "[::1]", "127.0.0.1", "127.0.0.1:", ":9100",
                                "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:9x", "[127.0.0.1]:9100", "[]:9100"}) {
    auto r = with_metrics(bad);
    ASSERT_TRUE(std::holds_alternative<std::string>(r)) << bad;
    EXPECT_NE(std::get<std::string>(r).find("metrics: not ADDR:PORT"), std::string::npos) << std::get<std::string>(r);
  }
  auto wrong_type = parse_config_toml("metrics = 9100\n", "parley.toml", 4119);
  ASSERT_TRUE(std::holds_alternative<std::string>(wrong_type));
  EXPECT_NE(std::get<std::string>(wrong_type).find("'metrics' must be a string"), std::string::npos);
}

}  // namespace
}  // namespace parley::server
