// What reloading the settings would do: which settings change at once and
// which would need a restart (those keep their running value).
#pragma once

#include <string>
#include <vector>

#include "server/config.hpp"

namespace parley::server {

struct ReloadPlan {
  std::vector<std::string> live;     // "timeout: 1800 -> 600"
  std::vector<std::string> restart;  // "port: 4119 -> 4120 needs a restart; 4119 kept"
  ServerConfig next;                 // the running settings with every live change made
};

ReloadPlan plan_reload(const ServerConfig& running, const ServerConfig& wanted);

// Copies into `running` the settings of `wanted` that can change at run
// time and differ; nothing else is written.
void take_live_settings(ServerConfig& running, const ServerConfig& wanted);

// What a reload did, for the log and for parleyctl.
struct ReloadReport {
  std::string error;                  // not empty: refused, and nothing changed
  std::vector<std::string> settings;  // changed settings, as in ReloadPlan::live
  std::vector<std::string> restart;   // as in ReloadPlan::restart
  std::vector<std::string> files;     // what reading the users file and the TLS files did
  bool ok() const { return error.empty(); }
  // One line per item, then a summary ("reload done: ..." or "reload refused: ...").
  std::vector<std::string> lines() const;
};

}  // namespace parley::server
