#include "server/service_notify.hpp"

#include <fmt/format.h>
#include <systemd/sd-daemon.h>

#include <ctime>
#include <string>

namespace parley::server {

namespace {

// The status text is one line of the notification: a newline would start
// another (and could forge one), so it becomes a space.
std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

void send(const std::string& state) {
  // unset_environment = 0: reloads notify again, so NOTIFY_SOCKET must stay.
  sd_notify(0, state.c_str());
}

}  // namespace

void notify_ready(std::string_view status) { send("READY=1\nSTATUS=" + one_line(status)); }

void notify_reloading() {
  // MONOTONIC_USEC lets systemd tell this reload from an earlier one.
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  auto usec = static_cast<unsigned long long>(now.tv_sec) * 1'000'000ULL +
              static_cast<unsigned long long>(now.tv_nsec) / 1000ULL;
  send(fmt::format("RELOADING=1\nMONOTONIC_USEC={}\nSTATUS=reloading", usec));
}

void notify_stopping() { send("STOPPING=1\nSTATUS=shutting down"); }

void notify_status(std::string_view text) { send("STATUS=" + one_line(text)); }

}  // namespace parley::server
