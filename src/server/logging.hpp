// parleyd's log: one line per event on stderr, at a chosen level, as text
// with UTC timestamps, as JSON lines, or for the systemd journal (a syslog
// priority prefix instead of a timestamp, so journald keeps the level).
#pragma once

#include <spdlog/common.h>
#include <spdlog/formatter.h>

#include <memory>
#include <optional>
#include <string_view>

namespace parley::server {

enum class LogFormat { text, json, journal };

// "trace", "debug", "info", "warn", "error", "critical" or "off".
std::optional<spdlog::level::level_enum> parse_log_level(std::string_view name);
inline constexpr std::string_view kLogLevelNames = "trace, debug, info, warn, error, critical, off";

// "text", "json" or "journal".
std::optional<LogFormat> parse_log_format(std::string_view name);
inline constexpr std::string_view kLogFormatNames = "text, json, journal";

// True when `journal_stream` (the value of JOURNAL_STREAM: "<device>:<inode>"
// in decimal) names the file open at `fd`. systemd sets it for a service
// whose output goes to the journal; a child whose stderr was redirected
// inherits the variable but no longer matches.
bool is_journal_stream(const char* journal_stream, int fd);
// journal when stderr is the journal's stream, text otherwise.
LogFormat default_log_format();

// The syslog priority that journald reads from a "<N>" prefix (sd-daemon(3)):
// critical 2, error 3, warning 4, info 6, debug and trace 7.
int syslog_priority(spdlog::level::level_enum level);

// Formats log lines in `format`:
//   text     2026-11-30T12:00:00.123Z info message
//   json     {"time":"2026-11-30T12:00:00.123Z","level":"info","msg":"message"}
//   journal  <6>info message
// Control characters in a message are escaped, so one event is one line.
std::unique_ptr<spdlog::formatter> make_log_formatter(LogFormat format);

// Makes the default logger write to stderr in `format` at `level` and above.
void set_up_logging(spdlog::level::level_enum level, LogFormat format);

}  // namespace parley::server
