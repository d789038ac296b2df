#include "server/reload_plan.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <functional>

#include "core/text.hpp"

namespace parley::server {

namespace {

// Quoted for one log line: control characters, quotes and backslashes
// escaped, long texts cut.
std::string show(const std::string& v) {
  constexpr std::size_t kMax = 200;
  std::string out = "\"";
  for (std::size_t i = 0; i < v.size() && i < kMax; ++i) {
    auto b = static_cast<unsigned char>(v[i]);
    if (b < 0x20 || b == 0x7F || b == '"' || b == '\\')
      out += fmt::format("\\x{:02x}", b);
    else
      out += v[i];
  }
  return out + (v.size() > kMax ? "\"..." : "\"");
}
std::string show(int v) { return std::to_string(v); }
std::string show(std::size_t v) { return std::to_string(v); }
std::string show(double v) { return fmt::format("{}", v); }
std::string show(std::chrono::seconds v) { return std::to_string(v.count()) + "s"; }
std::string show(core::HashCost v) {
  switch (v) {
    case core::HashCost::interactive:
      return "interactive";
    case core::HashCost::moderate:
      return "moderate";
    case core::HashCost::minimal:
      return "min";
  }
  return "?";
}
std::string show(const std::vector<std::string>& v) {
  std::vector<std::string> safe;
  for (const auto& s : v) safe.push_back(core::log_safe(s));
  return safe.empty() ? "none" : fmt::format("{}", fmt::join(safe, ","));
}
std::string show(std::uint16_t v) { return std::to_string(v); }
std::string show(spdlog::level::level_enum v) {
  auto name = spdlog::level::to_string_view(v);
  return std::string(name.data(), name.size());
}
std::string show(const std::optional<LogFormat>& v) {
  if (!v) return "default";
  switch (*v) {
    case LogFormat::text:
      return "text";
    case LogFormat::json:
      return "json";
    case LogFormat::journal:
      return "journal";
  }
  return "?";
}
std::string show_metrics(const ServerConfig& c) {
  if (!c.metrics_enabled) return "off";
  return c.metrics_address.find(':') == std::string::npos ? fmt::format("{}:{}", c.metrics_address, c.metrics_port)
                                                          : fmt::format("[{}]:{}", c.metrics_address, c.metrics_port);
}

// The listeners beside the one of port and bind: tls-port and [[listener]].
std::string more_listeners(const ServerConfig& c) {
  std::vector<std::string> out;
  for (std::size_t i = 1; i < c.listeners.size(); ++i) {
    const auto& l = c.listeners[i];
    out.push_back(
        fmt::format("{}{} {}:{}", l.protocol, l.tls ? "+tls" : "", l.address.empty() ? "*" : l.address, l.port));
  }
  return out.empty() ? "none" : fmt::format("{}", fmt::join(out, ","));
}

struct Field {
  const char* name;
  std::function<std::string(const ServerConfig&)> show;
  std::function<void(ServerConfig& to, const ServerConfig& from)> copy;  // empty: needs a restart
};

template <auto Member>
Field live(const char* name) {
  return {name, [](const ServerConfig& c) { return show(c.*Member); },
          [](ServerConfig& to, const ServerConfig& from) { to.*Member = from.*Member; }};
}

template <auto Member>
Field restart(const char* name) {
  return {name, [](const ServerConfig& c) { return show(c.*Member); }, {}};
}

// Every setting, by its long name. What a running server can take: limits
// and timeouts that are looked up when used, texts, and the files it reads
// again on reload anyway. What it cannot: sockets, threads, the database,
// and the hash cost that stored hashes were made with.
const std::vector<Field>& fields() {
  static const std::vector<Field> all{
      restart<&ServerConfig::port>("port"),
      restart<&ServerConfig::bind>("bind"),
      {"tls-port/listener", more_listeners, {}},
      restart<&ServerConfig::db_path>("db"),
      restart<&ServerConfig::threads>("threads"),
      restart<&ServerConfig::hash_threads>("hash-threads"),
      restart<&ServerConfig::hash_cost>("password-hash-cost"),
      restart<&ServerConfig::control_socket>("control-socket"),
      {"metrics", show_metrics, {}},
      restart<&ServerConfig::log_format>("log-format"),
      live<&ServerConfig::log_level>("log-level"),
      {"users", [](const ServerConfig& c) { return show(c.users_file); },
       [](ServerConfig& to, const ServerConfig& from) {
         to.users_file = from.users_file;
         to.users_file_given = from.users_file_given;
       }},
      live<&ServerConfig::users_file_max>("users-file-max"),
      live<&ServerConfig::login_times>("login-times"),
      live<&ServerConfig::block_time>("block-time"),
      live<&ServerConfig::timeout>("timeout"),
      live<&ServerConfig::last_hour>("last-hour"),
      live<&ServerConfig::history_retention>("history-days"),
      live<&ServerConfig::max_rooms>("max-rooms"),
      live<&ServerConfig::max_rooms_per_user>("max-rooms-per-user"),
      live<&ServerConfig::login_timeout>("login-timeout"),
      live<&ServerConfig::welcome>("welcome"),
      live<&ServerConfig::max_queue>("max-queue"),
      live<&ServerConfig::flood_rate>("flood-rate"),
      live<&ServerConfig::flood_burst>("flood-burst"),
      live<&ServerConfig::max_connections>("max-connections"),
      live<&ServerConfig::max_connections_per_address>("max-connections-per-address"),
      live<&ServerConfig::max_logins_per_address>("max-logins-per-address"),
      live<&ServerConfig::max_failures_per_address>("max-failures-per-address"),
      live<&ServerConfig::failure_window>("failure-window"),
      live<&ServerConfig::login_checks_per_address>("login-checks-per-address"),
      live<&ServerConfig::login_queue>("login-queue"),
      live<&ServerConfig::exempt>("exempt"),
      live<&ServerConfig::tls_cert>("tls-cert"),
      live<&ServerConfig::tls_key>("tls-key"),
      live<&ServerConfig::tls_handshake_timeout>("tls-handshake-timeout"),
      restart<&ServerConfig::server_name>("server-name"),
      live<&ServerConfig::motd>("motd"),
      live<&ServerConfig::guests>("guests"),
      live<&ServerConfig::irc_ping>("irc-ping"),
      restart<&ServerConfig::web_origins>("web-origins"),
  };
  return all;
}

}  // namespace

ReloadPlan plan_reload(const ServerConfig& running, const ServerConfig& wanted) {
  ReloadPlan plan;
  plan.next = running;
  for (const auto& f : fields()) {
    auto before = f.show(running);
    auto after = f.show(wanted);
    if (before == after) continue;
    if (f.copy) {
      f.copy(plan.next, wanted);
      plan.live.push_back(fmt::format("{}: {} -> {}", f.name, before, after));
    } else {
      plan.restart.push_back(fmt::format("{}: {} -> {} needs a restart; {} kept", f.name, before, after, before));
    }
  }
  return plan;
}

void take_live_settings(ServerConfig& running, const ServerConfig& wanted) {
  for (const auto& f : fields())
    if (f.copy && f.show(running) != f.show(wanted)) f.copy(running, wanted);
}

std::vector<std::string> ReloadReport::lines() const {
  if (!ok()) return {"reload refused: " + error + "; the running settings are kept"};
  std::vector<std::string> out;
  out.insert(out.end(), settings.begin(), settings.end());
  out.insert(out.end(), restart.begin(), restart.end());
  out.insert(out.end(), files.begin(), files.end());
  out.push_back(fmt::format("reload done: {} setting{} changed, {} need{} a restart", settings.size(),
                            settings.size() == 1 ? "" : "s", restart.size(), restart.size() == 1 ? "s" : ""));
  return out;
}

}  // namespace parley::server
