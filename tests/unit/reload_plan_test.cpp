// Which settings a reload changes at once, and which need a restart.
#include "server/reload_plan.hpp"

#include <gtest/gtest.h>

using parley::server::plan_reload;
using parley::server::ReloadReport;
using parley::server::ServerConfig;
using parley::server::take_live_settings;

namespace {

ServerConfig running() {
  ServerConfig c;
  c.port = 4119;
  c.listeners.push_back({"", 4119, "classic", false});
  return c;
}

}  // namespace

TEST(ReloadPlan, NothingChangedIsAnEmptyPlan) {
  auto plan = plan_reload(running(), running());
  EXPECT_TRUE(plan.live.empty());
  EXPECT_TRUE(plan.restart.empty());
}

TEST(ReloadPlan, LiveSettingsChangeAndOthersKeepTheirRunningValue) {
  auto wanted = running();
  wanted.timeout = std::chrono::seconds(600);
  wanted.welcome = "Hello\x1b[2J";
  wanted.exempt = {"10.0.0.0/8"};
  wanted.port = 4120;
  wanted.listeners[0].port = 4120;
  wanted.db_path = "other.db";
  wanted.threads = 7;
  wanted.hash_cost = parley::core::HashCost::minimal;
  auto plan = plan_reload(running(), wanted);
  EXPECT_EQ(plan.live, (std::vector<std::string>{"timeout: 1800s -> 600s",
                                                 "welcome: \"Welcome to simple chat server!\" -> \"Hello\\x1b[2J\"",
                                                 "exempt: none -> 10.0.0.0/8"}));
  EXPECT_EQ(plan.restart,
            (std::vector<std::string>{"port: 4119 -> 4120 needs a restart; 4119 kept",
                                      "db: \"parley.db\" -> \"other.db\" needs a restart; \"parley.db\" kept",
                                      "threads: 0 -> 7 needs a restart; 0 kept",
                                      "password-hash-cost: interactive -> min needs a restart; "
                                      "interactive kept"}));
  EXPECT_EQ(plan.next.timeout.count(), 600);
  EXPECT_EQ(plan.next.welcome, wanted.welcome);
  EXPECT_EQ(plan.next.port, 4119);
  EXPECT_EQ(plan.next.listeners[0].port, 4119);
  EXPECT_EQ(plan.next.db_path, "parley.db");
  EXPECT_EQ(plan.next.hash_cost, parley::core::HashCost::interactive);
}

TEST(ReloadPlan, AddedListenersNeedARestart) {
  auto wanted = running();
  wanted.listeners.push_back({"127.0.0.1", 4443, "classic", true});
  auto plan = plan_reload(running(), wanted);
  EXPECT_TRUE(plan.live.empty());
  EXPECT_EQ(
      plan.restart,
      (std::vector<std::string>{"tls-port/listener: none -> classic+tls 127.0.0.1:4443 needs a restart; none kept"}));
  EXPECT_EQ(plan.next.listeners.size(), 1u);
}

TEST(ReloadPlan, TakeLiveSettingsWritesOnlyLiveOnes) {
  auto config = running();
  auto wanted = running();
  wanted.flood_rate = 2;
  wanted.users_file = "team.txt";
  wanted.users_file_given = true;
  wanted.bind = "127.0.0.1";
  take_live_settings(config, wanted);
  EXPECT_EQ(config.flood_rate, 2);
  EXPECT_EQ(config.users_file, "team.txt");
  EXPECT_TRUE(config.users_file_given);
  EXPECT_EQ(config.bind, "");
}

TEST(ReloadPlan, ReportLinesEndWithASummary) {
  ReloadReport report;
  report.settings = {"timeout: 1800s -> 600s"};
  report.restart = {"port: 4119 -> 4120 needs a restart; 4119 kept"};
  report.files = {"user_pass.txt unchanged since the last import"};
  EXPECT_EQ(report.lines(),
            (std::vector<std::string>{"timeout: 1800s -> 600s", "port: 4119 -> 4120 needs a restart; 4119 kept",
                                      "user_pass.txt unchanged since the last import",
                                      "reload done: 1 setting changed, 1 needs a restart"}));
  ReloadReport refused;
  refused.error = "parley.toml: 'timeout' must be an integer";
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(refused.lines(), (std::vector<std::string>{"reload refused: parley.toml: 'timeout' must be an integer; "
                                                       "the running settings are kept"}));
}
