// What the IRC listener's sessions share: the server's IRC settings (replaced
// on reload) and facts fixed at start.
#pragma once

#include <chrono>
#include <string>

#include "core/clock.hpp"
#include "session/published.hpp"

namespace parley::proto::irc {

struct IrcSettings {
  std::string server_name = "parley";  // the source of the server's lines
  std::string network = "parley";
  std::string motd;                         // lines of the message of the day; empty: none (422)
  bool guests = false;                      // registration without an account
  std::chrono::seconds ping_interval{120};  // a quiet connection is pinged, and dropped after as long again
};

struct IrcContext {
  explicit IrcContext(IrcSettings s, std::string server_version)
      : settings(std::move(s)), version(std::move(server_version)), started(std::chrono::system_clock::now()) {}
  session::Published<IrcSettings> settings;
  std::string version;
  core::TimePoint started;
};

}  // namespace parley::proto::irc
