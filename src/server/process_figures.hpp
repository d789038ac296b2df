// The process's own figures from /proc/self, for the metrics page.
#pragma once

#include <cstdint>
#include <optional>

namespace parley::server {

struct ProcessFigures {
  double cpu_seconds = 0;  // user + system
  std::int64_t resident_bytes = 0;
  std::int64_t open_fds = 0;
  std::int64_t max_fds = 0;       // the soft limit
  double start_time_seconds = 0;  // since the Unix epoch
};

// nullopt where /proc cannot be read.
std::optional<ProcessFigures> read_process_figures();

}  // namespace parley::server
