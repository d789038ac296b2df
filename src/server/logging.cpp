#include "server/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <cstdlib>
#include <string>
#include <utility>

#include "core/json_string.hpp"

namespace parley::server {

namespace {

using Level = spdlog::level::level_enum;

constexpr std::array<std::pair<std::string_view, Level>, 7> kLevels{{
    {"trace", Level::trace},
    {"debug", Level::debug},
    {"info", Level::info},
    {"warn", Level::warn},
    {"error", Level::err},
    {"critical", Level::critical},
    {"off", Level::off},
}};

void append(spdlog::memory_buf_t& dest, std::string_view text) { dest.append(text.data(), text.data() + text.size()); }

std::string_view payload(const spdlog::details::log_msg& msg) { return {msg.payload.data(), msg.payload.size()}; }

// %Q: the message as the inside of a JSON string.
class JsonMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    scratch_.clear();
    core::append_json_escaped(scratch_, payload(msg));
    append(dest, scratch_);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonMessage>(); }

 private:
  std::string scratch_;  // the sink formats under its lock, one line at a time
};

// %V: the message on one line: control characters other than a tab become
// \xNN, so a newline in it cannot start a line of its own (journald would
// take that for another event, at the default priority).
class OneLineMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    constexpr std::string_view kHex = "0123456789abcdef";
    auto text = payload(msg);
    std::size_t pos = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      auto byte = static_cast<unsigned char>(text[i]);
      if ((byte >= 0x20 && byte != 0x7F) || byte == '\t') continue;
      append(dest, text.substr(pos, i - pos));
      const char escape[] = {'\\', 'x', kHex[byte >> 4], kHex[byte & 0xFu]};
      append(dest, std::string_view(escape, sizeof escape));
      pos = i + 1;
    }
    append(dest, text.substr(pos));
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<OneLineMessage>(); }
};

// %N: the syslog priority digit of the line's level.
class SyslogPriority final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    const char digit = static_cast<char>('0' + syslog_priority(msg.level));
    dest.push_back(digit);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<SyslogPriority>(); }
};

constexpr const char* kUtcStamp = "%Y-%m-%dT%H:%M:%S.%eZ";

}  // namespace

std::optional<Level> parse_log_level(std::string_view name) {
  for (auto [text, level] : kLevels)
    if (text == name) return level;
  return std::nullopt;
}

std::optional<LogFormat> parse_log_format(std::string_view name) {
  if (name == "text") return LogFormat::text;
  if (name == "json") return LogFormat::json;
  if (name == "journal") return LogFormat::journal;
  return std::nullopt;
}

bool is_journal_stream(const char* journal_stream, int fd) {
  if (journal_stream == nullptr) return false;
  std::string_view value(journal_stream);
  auto colon = value.find(':');
  if (colon == std::string_view::npos) return false;
  auto number = [](std::string_view digits, unsigned long long& out) {
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return !digits.empty() && error == std::errc() && end == digits.data() + digits.size();
  };
  unsigned long long device = 0;
  unsigned long long inode = 0;
  if (!number(value.substr(0, colon), device) || !number(value.substr(colon + 1), inode)) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == device && static_cast<unsigned long long>(st.st_ino) == inode;
}

LogFormat default_log_format() {
  return is_journal_stream(std::getenv("JOURNAL_STREAM"), STDERR_FILENO) ? LogFormat::journal : LogFormat::text;
}

int syslog_priority(Level level) {
  switch (level) {
    case Level::critical:
      return 2;
    case Level::err:
      return 3;
    case Level::warn:
      return 4;
    case Level::info:
      return 6;
    case Level::trace:
    case Level::debug:
    case Level::off:
    case Level::n_levels:
      break;
  }
  return 7;
}

std::unique_ptr<spdlog::formatter> make_log_formatter(LogFormat format) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<JsonMessage>('Q').add_flag<OneLineMessage>('V').add_flag<SyslogPriority>('N');
  switch (format) {
    case LogFormat::text:
      formatter->set_pattern(std::string(kUtcStamp) + " %l %V");
      break;
    case LogFormat::json:
      formatter->set_pattern(std::string(R"({"time":")") + kUtcStamp + R"(","level":"%l","msg":"%Q"})");
      break;
    case LogFormat::journal:
      formatter->set_pattern("<%N>%l %V");
      break;
  }
  return formatter;
}

void set_up_logging(Level level, LogFormat format) {
  auto logger = spdlog::stderr_logger_mt("parleyd");
  logger->set_formatter(make_log_formatter(format));
  logger->set_level(level);
  // The sink writes each line to stderr (unbuffered) with one write and
  // flushes it, so a line logged is never lost at a crash; flushing on every
  // level says so rather than relying on it.
  logger->flush_on(Level::trace);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace parley::server
