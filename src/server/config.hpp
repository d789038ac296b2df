// parleyd's settings: command line first, then an optional TOML file, then defaults.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/password.hpp"
#include "server/logging.hpp"

namespace parley::server {

// One listening socket: where, and which protocol is spoken there.
struct ListenerConfig {
  std::string address;  // empty: every IPv4 and IPv6 address
  std::uint16_t port = 0;
  std::string protocol = "classic";
  bool tls = false;  // TLS with the server's certificate, then the protocol
};

struct ServerConfig {
  std::uint16_t port = 0;
  std::string bind;  // empty: every IPv4 and IPv6 address
  std::string users_file = "user_pass.txt";
  bool users_file_given = false;
  std::size_t users_file_max = std::size_t{64} << 20;  // bytes
  std::string db_path = "parley.db";
  std::string control_socket = "parleyd.sock";  // for parleyctl; empty: none
  int login_times = 3;
  std::chrono::seconds block_time{60};
  std::chrono::seconds timeout{1800};
  int last_hour = 60;
  std::chrono::seconds history_retention = std::chrono::hours(24 * 30);  // 0: until delivered
  std::size_t max_rooms = 10000;
  std::size_t max_rooms_per_user = 100;
  std::chrono::seconds login_timeout{60};
  std::string welcome = "Welcome to simple chat server!";
  std::size_t threads = 0;                // 0: one per core
  std::size_t hash_threads = 0;           // password checks at once; 0: one per core
  std::vector<ListenerConfig> listeners;  // the port and bind above come first
  std::size_t max_queue = 1u << 20;
  double flood_rate = 10;
  double flood_burst = 50;
  core::HashCost hash_cost = core::HashCost::interactive;
  // Admission control (docs/SECURITY.md).
  std::size_t max_connections = 0;  // 0: the descriptor limit less a reserve
  std::size_t max_connections_per_address = 50;
  std::size_t max_logins_per_address = 10;
  std::size_t max_failures_per_address = 30;
  std::chrono::seconds failure_window{600};
  std::size_t login_checks_per_address = 1;
  std::size_t login_queue = 256;
  std::vector<std::string> exempt;  // addresses or networks free of per-address limits
  // IRC (docs/IRC.md).
  std::string server_name;  // empty: the host's name
  std::string motd;         // lines; empty: none
  bool guests = false;      // IRC registration without an account
  std::chrono::seconds irc_ping{120};
  // The web client (docs/WEB.md): origins allowed besides the page's own.
  std::vector<std::string> web_origins;
  std::string tls_cert;  // certificate chain (PEM) for TLS listeners
  std::string tls_key;   // its private key (PEM, no passphrase)
  std::chrono::seconds tls_handshake_timeout{10};
  spdlog::level::level_enum log_level = spdlog::level::info;
  std::optional<LogFormat> log_format;  // none: journal when stderr is the journal's, else text
  // The HTTP endpoint for /metrics and /healthz; off unless metrics_enabled.
  bool metrics_enabled = false;
  std::string metrics_address;  // an IP address
  std::uint16_t metrics_port = 0;
  std::string config_file;                // --config; empty: none
  std::vector<std::string> command_line;  // as given, to read the settings again on reload
  bool check_only = false;                // --check-config
};

// parleyd.sock in the database's directory.
std::string default_control_socket(const std::string& db_path);

// Either the settings, or the exit code to leave with (0 after --help or
// --version, 2 after a bad flag or value, with a one-line error already on
// stderr).
std::variant<ServerConfig, int> parse_config(int argc, const char* const* argv);

// The settings from the same command line and the config file as it is now
// (for a reload): the settings, or a one-line error. Prints nothing.
std::variant<ServerConfig, std::string> reread_config(const std::vector<std::string>& command_line);

// The settings a TOML text gives on its own, as `--config` alone on the
// command line (`port` when the text gives none): the settings, or a
// one-line error (naming `source` where the text is at fault).
std::variant<ServerConfig, std::string> parse_config_toml(std::string_view text, const std::string& source,
                                                          std::uint16_t port = 0);

}  // namespace parley::server
