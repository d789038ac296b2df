#include "server/process_figures.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace parley::server {

namespace {

// The fields of /proc/self/stat after the command name (which may hold
// spaces and parentheses), so that field 3 of proc(5) is index 0.
std::vector<std::string> stat_fields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return {};
  auto close = line.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(line.substr(close + 1));
  return {std::istream_iterator<std::string>(rest), std::istream_iterator<std::string>()};
}

std::optional<double> boot_time() {
  std::ifstream in("/proc/stat");
  std::string key;
  while (in >> key) {
    if (key == "btime") {
      double value = 0;
      if (in >> value) return value;
      return std::nullopt;
    }
    in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return std::nullopt;
}

}  // namespace

std::optional<ProcessFigures> read_process_figures() {
  auto fields = stat_fields();
  // utime, stime: fields 14, 15; starttime: 22; rss (pages): 24.
  if (fields.size() < 22) return std::nullopt;
  ProcessFigures f;
  try {
    double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    f.cpu_seconds = (std::stod(fields[11]) + std::stod(fields[12])) / ticks;
    f.resident_bytes = std::stoll(fields[21]) * ::sysconf(_SC_PAGESIZE);
    if (auto boot = boot_time()) f.start_time_seconds = *boot + std::stod(fields[19]) / ticks;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec))
    ++f.open_fds;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) f.max_fds = static_cast<std::int64_t>(limit.rlim_cur);
  return f;
}

}  // namespace parley::server
