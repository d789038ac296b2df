#include "server/logging.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spdlog/details/log_msg.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "server/config.hpp"

using namespace parley::server;
using Level = spdlog::level::level_enum;

namespace {

// 2026-11-30T12:00:00.123Z
const auto kWhen =
    std::chrono::system_clock::time_point(std::chrono::seconds(1796040000)) + std::chrono::milliseconds(123);

std::string formatted(LogFormat format, Level level, std::string_view text) {
  auto formatter = make_log_formatter(format);
  spdlog::details::log_msg msg("parleyd", level, spdlog::string_view_t(text.data(), text.size()));
  msg.time = kWhen;
  spdlog::memory_buf_t out;
  formatter->format(msg, out);
  return std::string(out.data(), out.size());
}

// Runs the test body with the local time zone far from UTC.
class FarFromUtc : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* old = std::getenv("TZ");
    if (old) saved_ = old;
    had_ = old != nullptr;
    setenv("TZ", "<+0530>-5:30", 1);
    tzset();
  }
  void TearDown() override {
    if (had_)
      setenv("TZ", saved_.c_str(), 1);
    else
      unsetenv("TZ");
    tzset();
  }

 private:
  std::string saved_;
  bool had_ = false;
};

}  // namespace

TEST(LogLevel, ParsesTheDocumentedNames) {
  EXPECT_EQ(parse_log_level("trace"), Level::trace);
  EXPECT_EQ(parse_log_level("debug"), Level::debug);
  EXPECT_EQ(parse_log_level("info"), Level::info);
  EXPECT_EQ(parse_log_level("warn"), Level::warn);
  EXPECT_EQ(parse_log_level("error"), Level::err);
  EXPECT_EQ(parse_log_level("critical"), Level::critical);
  EXPECT_EQ(parse_log_level("off"), Level::off);
}

TEST(LogLevel, RefusesOtherNames) {
  for (const char* bad : {"", "INFO", "Info", "warning", "err", "fatal", " info", "info ", "6", "verbose"})
    EXPECT_FALSE(parse_log_level(bad).has_value()) << bad;
}

TEST(LogFormatName, ParsesTheThreeFormats) {
  EXPECT_EQ(parse_log_format("text"), LogFormat::text);
  EXPECT_EQ(parse_log_format("json"), LogFormat::json);
  EXPECT_EQ(parse_log_format("journal"), LogFormat::journal);
  for (const char* bad : {"", "JSON", "syslog", "plain", "text "}) EXPECT_FALSE(parse_log_format(bad).has_value());
}

TEST(LogPriority, FollowsSdDaemon) {
  EXPECT_EQ(syslog_priority(Level::critical), 2);
  EXPECT_EQ(syslog_priority(Level::err), 3);
  EXPECT_EQ(syslog_priority(Level::warn), 4);
  EXPECT_EQ(syslog_priority(Level::info), 6);
  EXPECT_EQ(syslog_priority(Level::debug), 7);
  EXPECT_EQ(syslog_priority(Level::trace), 7);
}

TEST_F(FarFromUtc, TextLinesCarryUtcTimestamps) {
  EXPECT_EQ(formatted(LogFormat::text, Level::info, "listening"), "2026-11-30T12:00:00.123Z info listening\n");
  EXPECT_EQ(formatted(LogFormat::text, Level::warn, "slow"), "2026-11-30T12:00:00.123Z warning slow\n");
}

TEST_F(FarFromUtc, JsonLinesAreOneObjectEach) {
  EXPECT_EQ(formatted(LogFormat::json, Level::err, "bad \"name\"\n\x1b[2J\xFF"),
            R"({"time":"2026-11-30T12:00:00.123Z","level":"error","msg":"bad \"name\"\n\u001b[2J\ufffd"})"
            "\n");
}

TEST(LogFormatting, JournalLinesStartWithThePriority) {
  EXPECT_EQ(formatted(LogFormat::journal, Level::critical, "cannot start"), "<2>critical cannot start\n");
  EXPECT_EQ(formatted(LogFormat::journal, Level::err, "store"), "<3>error store\n");
  EXPECT_EQ(formatted(LogFormat::journal, Level::warn, "slow"), "<4>warning slow\n");
  EXPECT_EQ(formatted(LogFormat::journal, Level::info, "login"), "<6>info login\n");
  EXPECT_EQ(formatted(LogFormat::journal, Level::debug, "closed"), "<7>debug closed\n");
  EXPECT_EQ(formatted(LogFormat::journal, Level::trace, "x"), "<7>trace x\n");
}

// A line break inside a message must not start a line of its own: journald
// would take it for another event at the default priority.
TEST(LogFormatting, TextAndJournalKeepAMessageOnOneLine) {
  EXPECT_EQ(formatted(LogFormat::journal, Level::warn, "a\nb\r\x1b[0m\tc\x7f"),
            "<4>warning a\\x0ab\\x0d\\x1b[0m\tc\\x7f\n");
  auto text = formatted(LogFormat::text, Level::info, "one\ntwo");
  EXPECT_EQ(text.substr(text.find(' ')), " info one\\x0atwo\n");
}

TEST(JournalStream, MatchesOnlyTheDescriptorsDeviceAndInode) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  struct stat st {};
  ASSERT_EQ(fstat(fds[1], &st), 0);
  auto device = std::to_string(st.st_dev);
  auto inode = std::to_string(st.st_ino);
  EXPECT_TRUE(is_journal_stream((device + ":" + inode).c_str(), fds[1]));
  EXPECT_TRUE(is_journal_stream((device + ":" + inode).c_str(), fds[0]));  // one pipe, one inode
  EXPECT_FALSE(is_journal_stream((device + ":" + std::to_string(st.st_ino + 1)).c_str(), fds[1]));
  EXPECT_FALSE(is_journal_stream((std::to_string(st.st_dev + 1) + ":" + inode).c_str(), fds[1]));
  for (const std::string& bad :
       std::vector<std::string>{"", ":", device, device + ":", ":" + inode, device + ":" + inode + "x",
                                " " + device + ":" + inode, device + ":" + inode + ":1", "-1:" + inode})
    EXPECT_FALSE(is_journal_stream(bad.c_str(), fds[1])) << bad;
  EXPECT_FALSE(is_journal_stream(nullptr, fds[1]));
  int other[2];
  ASSERT_EQ(pipe(other), 0);
  EXPECT_FALSE(is_journal_stream((device + ":" + inode).c_str(), other[1]));
  EXPECT_FALSE(is_journal_stream((device + ":" + inode).c_str(), -1));
  for (int fd : {fds[0], fds[1], other[0], other[1]}) close(fd);
}

TEST(LogSettings, FromTheConfigFile) {
  auto parsed = parse_config_toml("log-level = \"debug\"\nlog-format = \"json\"\n", "parley.toml");
  ASSERT_TRUE(std::holds_alternative<ServerConfig>(parsed)) << std::get<std::string>(parsed);
  EXPECT_EQ(std::get<ServerConfig>(parsed).log_level, Level::debug);
  EXPECT_EQ(std::get<ServerConfig>(parsed).log_format, LogFormat::json);

  auto defaults = std::get<ServerConfig>(parse_config_toml("", "parley.toml"));
  EXPECT_EQ(defaults.log_level, Level::info);
  EXPECT_FALSE(defaults.log_format.has_value());  // chosen from where stderr goes

  auto bad_level = parse_config_toml("log-level = \"loud\"\n", "parley.toml");
  ASSERT_TRUE(std::holds_alternative<std::string>(bad_level));
  EXPECT_EQ(std::get<std::string>(bad_level),
            "log-level must be one of trace, debug, info, warn, error, critical, off; not 'loud'");
  auto bad_format = parse_config_toml("log-format = \"xml\"\n", "parley.toml");
  ASSERT_TRUE(std::holds_alternative<std::string>(bad_format));
  EXPECT_EQ(std::get<std::string>(bad_format), "log-format must be one of text, json, journal; not 'xml'");
  auto not_text = parse_config_toml("log-level = 3\n", "parley.toml");
  ASSERT_TRUE(std::holds_alternative<std::string>(not_text));
  EXPECT_EQ(std::get<std::string>(not_text), "parley.toml: 'log-level' must be a string");
}
