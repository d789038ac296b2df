#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "client/options.hpp"

namespace parley::client {
namespace {

struct Parsed {
  std::variant<Options, int> result;
  std::string out;
  std::string err;
};

Parsed parse(std::vector<const char*> args) {
  args.insert(args.begin(), "parley");
  std::ostringstream out, err;
  auto result = parse_options(static_cast<int>(args.size()), args.data(), out, err);
  return {result, out.str(), err.str()};
}

TEST(ClientOptions, HostAndPort) {
  auto parsed = parse({"example.org", "4119"});
  ASSERT_TRUE(std::holds_alternative<Options>(parsed.result)) << parsed.err;
  auto options = std::get<Options>(parsed.result);
  EXPECT_EQ(options.host, "example.org");
  EXPECT_EQ(options.port, "4119");
  EXPECT_EQ(options.user, std::nullopt);
}

TEST(ClientOptions, UserAndBracketedIpv6) {
  auto parsed = parse({"--user", "alice", "[::1]", "4119"});
  ASSERT_TRUE(std::holds_alternative<Options>(parsed.result)) << parsed.err;
  auto options = std::get<Options>(parsed.result);
  EXPECT_EQ(options.host, "::1");
  EXPECT_EQ(options.user, "alice");
}

TEST(ClientOptions, HelpGoesToStandardOutput) {
  auto parsed = parse({"--help"});
  EXPECT_EQ(std::get<int>(parsed.result), kExitOk);
  EXPECT_NE(parsed.out.find("--user"), std::string::npos);
  EXPECT_EQ(parsed.err, "");
}

TEST(ClientOptions, MistakesAreOneLine) {
  for (auto args : std::vector<std::vector<const char*>>{{},
                                                         {"h"},
                                                         {"h", "0"},
                                                         {"h", "65536"},
                                                         {"h", "x"},
                                                         {"", "1"},
                                                         {"--user", "", "h", "1"},
                                                         {"h", "1", "extra"}}) {
    auto parsed = parse(args);
    ASSERT_TRUE(std::holds_alternative<int>(parsed.result));
    EXPECT_EQ(std::get<int>(parsed.result), kExitUsage);
    EXPECT_EQ(std::count(parsed.err.begin(), parsed.err.end(), '\n'), 1) << parsed.err;
    EXPECT_EQ(parsed.err.rfind("parley: ", 0), 0u) << parsed.err;
  }
}

}  // namespace
}  // namespace parley::client
