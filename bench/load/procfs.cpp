#include "procfs.hpp"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace parley_load {

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The kB value of a "Name:   1234 kB" line, or -1.
long field_kib(const std::string& text, const std::string& name) {
  auto pos = text.find("\n" + name + ":");
  if (pos == std::string::npos) {
    if (text.rfind(name + ":", 0) != 0) return -1;
    pos = 0;
  } else {
    pos += 1;
  }
  return std::strtol(text.c_str() + pos + name.size() + 1, nullptr, 10);
}

}  // namespace

MemorySample read_memory(int pid) {
  MemorySample m;
  if (pid <= 0) return m;
  auto base = "/proc/" + std::to_string(pid);
  m.rss_kib = field_kib(slurp(base + "/status"), "VmRSS");
  auto rollup = slurp(base + "/smaps_rollup");
  m.pss_kib = field_kib(rollup, "Pss");
  long clean = field_kib(rollup, "Private_Clean");
  long dirty = field_kib(rollup, "Private_Dirty");
  if (clean >= 0 && dirty >= 0) m.private_kib = clean + dirty;
  return m;
}

double read_cpu_seconds(int pid) {
  if (pid <= 0) return -1;
  auto content = slurp("/proc/" + std::to_string(pid) + "/stat");
  auto close = content.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(content.substr(close + 2));
  std::vector<std::string> parts;
  std::string part;
  while (parts.size() < 13 && fields >> part) parts.push_back(part);
  if (parts.size() < 13) return -1;
  // utime and stime are fields 14 and 15 of the file: 12th and 13th after the name.
  double ticks = std::strtod(parts[11].c_str(), nullptr) + std::strtod(parts[12].c_str(), nullptr);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double read_run_delay_seconds(int pid) {
  if (pid <= 0) return -1;
  std::error_code ec;
  std::filesystem::directory_iterator tasks("/proc/" + std::to_string(pid) + "/task", ec);
  if (ec) return -1;
  double total_ns = 0;
  bool any = false;
  for (const auto& task : tasks) {
    std::istringstream fields(slurp(task.path().string() + "/schedstat"));
    double on_cpu = 0, waiting = 0;
    if (!(fields >> on_cpu >> waiting)) continue;
    total_ns += waiting;
    any = true;
  }
  return any ? total_ns / 1e9 : -1;
}

bool process_alive(int pid) { return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM); }

double self_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

}  // namespace parley_load
