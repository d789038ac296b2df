#include "server/config.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <thread>

#include "core/text.hpp"
#include "net/address_share.hpp"

namespace parley::server {

namespace {

struct Raw {
  int port = -1;
  std::string bind;
  std::string users = "user_pass.txt";
  std::int64_t users_file_max = std::int64_t{64} << 20;
  std::string db = "parley.db";
  std::int64_t login_times = 3;
  std::int64_t block_time = 60;
  std::int64_t timeout = 1800;
  std::int64_t last_hour = 60;
  std::int64_t history_days = 30;
  std::int64_t max_rooms = 10000;
  std::int64_t max_rooms_per_user = 100;
  std::int64_t login_timeout = 60;
  std::string welcome = "Welcome to simple chat server!";
  std::int64_t threads = 0;
  std::int64_t hash_threads = 0;
  std::vector<ListenerConfig> listeners;
  std::int64_t max_queue = 1 << 20;
  double flood_rate = 10;
  double flood_burst = 50;
  std::string hash_cost = "interactive";
  std::int64_t max_connections = 0;
  std::int64_t max_connections_per_address = 50;
  std::int64_t max_logins_per_address = 10;
  std::int64_t max_failures_per_address = 30;
  std::int64_t failure_window = 600;
  std::int64_t login_checks_per_address = 1;
  std::int64_t login_queue = 256;
  std::vector<std::string> exempt;
  int tls_port = -1;  // none
  int irc_port = -1;  // none
  int irc_tls_port = -1;
  int web_port = -1;  // none
  int web_tls_port = -1;
  std::vector<std::string> web_origins;
  std::string server_name;
  std::string motd;
  bool guests = false;
  std::int64_t irc_ping = 120;
  std::string tls_cert;
  std::string tls_key;
  std::int64_t tls_handshake_timeout = 10;
  std::string log_level = "info";
  std::string log_format;  // empty: chosen from where stderr goes
  std::string metrics;     // ADDR:PORT
  std::string config;
  bool users_given = false;
  std::string control_socket;
  bool control_socket_given = false;
  bool check_config = false;
};

class ConfigError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

void check_range(const std::string& name, std::int64_t value, std::int64_t low, std::int64_t high) {
  if (value < low || value > high)
    throw ConfigError(fmt::format("{} must be between {} and {}, not {}", name, low, high, value));
}

const char* const kProtocols[] = {"classic", "irc", "web"};

// toml++'s integer conversion: an integer, a whole float or a boolean. A
// float beyond the range of int64_t is refused here first: toml++ would
// convert it, which is undefined behaviour.
std::optional<std::int64_t> integer_value(const toml::node& node) {
  if (const auto* f = node.as_floating_point()) {
    double d = f->get();
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return std::nullopt;
  }
  return node.value<std::int64_t>();
}

// [[listener]] tables: address (optional), port, protocol (default classic),
// tls (default false).
std::vector<ListenerConfig> parse_listeners(const toml::node& node, const std::string& file) {
  const auto* array = node.as_array();
  if (!array) throw ConfigError(fmt::format("{}: 'listener' must be an array of tables ([[listener]])", file));
  std::vector<ListenerConfig> out;
  for (const auto& item : *array) {
    const auto* table = item.as_table();
    if (!table) throw ConfigError(fmt::format("{}: each [[listener]] must be a table", file));
    ListenerConfig l;
    for (auto& [key, value] : *table) {
      std::string k(key.str());
      if (k == "address") {
        auto v = value.value<std::string>();
        if (!v) throw ConfigError(fmt::format("{}: listener 'address' must be a string", file));
        l.address = *v;
      } else if (k == "port") {
        auto v = integer_value(value);
        if (!v || *v < 0 || *v > 65535)
          throw ConfigError(fmt::format("{}: listener 'port' must be an integer from 0 to 65535", file));
        l.port = static_cast<std::uint16_t>(*v);
      } else if (k == "protocol") {
        auto v = value.value<std::string>();
        if (!v || std::find(std::begin(kProtocols), std::end(kProtocols), *v) == std::end(kProtocols))
          throw ConfigError(fmt::format("{}: listener 'protocol' must be one of: {}", file,
                                        fmt::join(std::begin(kProtocols), std::end(kProtocols), ", ")));
        l.protocol = *v;
      } else if (k == "tls") {
        auto v = value.value<bool>();
        if (!v) throw ConfigError(fmt::format("{}: listener 'tls' must be true or false", file));
        l.tls = *v;
      } else {
        throw ConfigError(fmt::format("{}: unknown listener setting '{}'", file, core::log_safe(k)));
      }
    }
    if (!table->contains("port")) throw ConfigError(fmt::format("{}: a [[listener]] needs a port", file));
    out.push_back(std::move(l));
  }
  return out;
}

// The TOML parser quotes the character it stumbled on, whatever it is: a
// newline or an escape there must not reach the terminal or the log raw.
ConfigError toml_error(const std::string& source, const toml::parse_error& e) {
  std::string description;
  for (char c : e.description()) {
    auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7F)
      description += fmt::format("\\x{:02x}", b);
    else
      description += c;
  }
  return ConfigError(fmt::format("{}:{}:{}: {}", source, e.source().begin.line, e.source().begin.column,
                                 core::sanitize_text(description)));
}

toml::table read_toml_text(std::string_view text, const std::string& source) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw toml_error(source, e);
  }
}

// Read here rather than by the TOML parser, which reports a file it cannot
// open as a parse error at line 0.
toml::table read_toml_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError(fmt::format("cannot read config file {}: {}", file, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError(fmt::format("cannot read config file {}: {}", file, std::strerror(errno)));
  return read_toml_text(std::move(text).str(), file);
}

// Settings from the TOML file (named by raw.config) fill in only what the
// command line, when there is one, left out.
void apply_toml(Raw& raw, const toml::table& table, const CLI::App* app) {
  for (auto& entry : table) {
    std::string name(entry.first.str());
    const toml::node& node = entry.second;
    auto integer = [&](std::int64_t& out) {
      return [&node, &out, &raw, name] {
        auto v = integer_value(node);
        if (!v) throw ConfigError(fmt::format("{}: '{}' must be an integer", raw.config, name));
        out = *v;
      };
    };
    auto text = [&](std::string& out) {
      return [&node, &out, &raw, name] {
        auto v = node.value<std::string>();
        if (!v) throw ConfigError(fmt::format("{}: '{}' must be a string", raw.config, name));
        out = *v;
      };
    };
    auto number = [&](double& out) {
      return [&node, &out, &raw, name] {
        auto v = node.value<double>();
        if (!v) throw ConfigError(fmt::format("{}: '{}' must be a number", raw.config, name));
        out = *v;
      };
    };
    std::function<void()> apply;
    if (name == "port")
      apply = [&node, &raw] {
        auto v = integer_value(node);
        if (!v || *v < 0 || *v > 65535)
          throw ConfigError(fmt::format("{}: 'port' must be an integer from 0 to 65535", raw.config));
        raw.port = static_cast<int>(*v);
      };
    else if (name == "bind")
      apply = text(raw.bind);
    else if (name == "users")
      apply = [&, set = text(raw.users)] { set(), raw.users_given = true; };
    else if (name == "users-file-max")
      apply = integer(raw.users_file_max);
    else if (name == "db")
      apply = text(raw.db);
    else if (name == "control-socket")
      apply = [&, set = text(raw.control_socket)] { set(), raw.control_socket_given = true; };
    else if (name == "login-times")
      apply = integer(raw.login_times);
    else if (name == "block-time")
      apply = integer(raw.block_time);
    else if (name == "timeout")
      apply = integer(raw.timeout);
    else if (name == "last-hour")
      apply = integer(raw.last_hour);
    else if (name == "history-days")
      apply = integer(raw.history_days);
    else if (name == "max-rooms")
      apply = integer(raw.max_rooms);
    else if (name == "max-rooms-per-user")
      apply = integer(raw.max_rooms_per_user);
    else if (name == "login-timeout")
      apply = integer(raw.login_timeout);
    else if (name == "welcome")
      apply = text(raw.welcome);
    else if (name == "threads")
      apply = integer(raw.threads);
    else if (name == "hash-threads")
      apply = integer(raw.hash_threads);
    else if (name == "listener")
      apply = [&node, &raw] { raw.listeners = parse_listeners(node, raw.config); };
    else if (name == "max-queue")
      apply = integer(raw.max_queue);
    else if (name == "flood-rate")
      apply = number(raw.flood_rate);
    else if (name == "flood-burst")
      apply = number(raw.flood_burst);
    else if (name == "password-hash-cost")
      apply = text(raw.hash_cost);
    else if (name == "max-connections")
      apply = integer(raw.max_connections);
    else if (name == "max-connections-per-address")
      apply = integer(raw.max_connections_per_address);
    else if (name == "max-logins-per-address")
      apply = integer(raw.max_logins_per_address);
    else if (name == "max-failures-per-address")
      apply = integer(raw.max_failures_per_address);
    else if (name == "failure-window")
      apply = integer(raw.failure_window);
    else if (name == "login-checks-per-address")
      apply = integer(raw.login_checks_per_address);
    else if (name == "login-queue")
      apply = integer(raw.login_queue);
    else if (name == "exempt")
      apply = [&node, &raw] {
        const auto* array = node.as_array();
        if (!array) throw ConfigError(fmt::format("{}: 'exempt' must be an array of strings", raw.config));
        raw.exempt.clear();
        for (const auto& item : *array) {
          auto v = item.value<std::string>();
          if (!v) throw ConfigError(fmt::format("{}: 'exempt' must be an array of strings", raw.config));
          raw.exempt.push_back(*v);
        }
      };
    else if (name == "tls-port")
      apply = [&node, &raw] {
        auto v = integer_value(node);
        if (!v || *v < 0 || *v > 65535)
          throw ConfigError(fmt::format("{}: 'tls-port' must be an integer from 0 to 65535", raw.config));
        raw.tls_port = static_cast<int>(*v);
      };
    else if (name == "irc-port" || name == "irc-tls-port" || name == "web-port" || name == "web-tls-port")
      apply = [&node, &raw, name] {
        auto v = integer_value(node);
        if (!v || *v < 0 || *v > 65535)
          throw ConfigError(fmt::format("{}: '{}' must be an integer from 0 to 65535", raw.config, name));
        int& port = name == "irc-port"       ? raw.irc_port
                    : name == "irc-tls-port" ? raw.irc_tls_port
                    : name == "web-port"     ? raw.web_port
                                             : raw.web_tls_port;
        port = static_cast<int>(*v);
      };
    else if (name == "web-origins")
      apply = [&node, &raw] {
        const auto* array = node.as_array();
        if (!array) throw ConfigError(fmt::format("{}: 'web-origins' must be an array of strings", raw.config));
        raw.web_origins.clear();
        for (const auto& item : *array) {
          auto v = item.value<std::string>();
          if (!v) throw ConfigError(fmt::format("{}: 'web-origins' must be an array of strings", raw.config));
          raw.web_origins.push_back(*v);
        }
      };
    else if (name == "server-name")
      apply = text(raw.server_name);
    else if (name == "motd")
      apply = text(raw.motd);
    else if (name == "irc-ping")
      apply = integer(raw.irc_ping);
    else if (name == "guests")
      apply = [&node, &raw] {
        auto v = node.value<bool>();
        if (!v || !node.is_boolean()) throw ConfigError(fmt::format("{}: 'guests' must be true or false", raw.config));
        raw.guests = *v;
      };
    else if (name == "tls-cert")
      apply = text(raw.tls_cert);
    else if (name == "tls-key")
      apply = text(raw.tls_key);
    else if (name == "tls-handshake-timeout")
      apply = integer(raw.tls_handshake_timeout);
    else if (name == "log-level")
      apply = text(raw.log_level);
    else if (name == "log-format")
      apply = text(raw.log_format);
    else if (name == "metrics")
      apply = text(raw.metrics);
    else
      throw ConfigError(fmt::format("{}: unknown setting '{}'", raw.config, core::log_safe(name)));
    const auto* flag = app ? app->get_option_no_throw(name == "port" ? name : "--" + name) : nullptr;
    if (!flag || flag->count() == 0) apply();  // the command line wins
  }
}

// "ADDR:PORT", the address an IPv4 one or an IPv6 one in brackets.
bool parse_metrics(const std::string& text, ServerConfig& c) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  std::string host = text.substr(0, colon);
  std::string port = text.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return false;
    host = host.substr(1, host.size() - 2);
    if (host.find(':') == std::string::npos) return false;
  } else if (host.find(':') != std::string::npos) {
    return false;  // an IPv6 address needs its brackets
  }
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return false;
  auto number = std::stoi(port);
  if (number > 65535) return false;
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  if (ec) return false;
  c.metrics_enabled = true;
  c.metrics_address = host;
  c.metrics_port = static_cast<std::uint16_t>(number);
  return true;
}

bool is_ip_address(const std::string& text) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(text, ec);
  return !ec;
}

ServerConfig validate(const Raw& raw) {
  if (raw.port < 0)
    throw ConfigError("no port: give it on the command line or as 'port' in the config file (see parleyd --help)");
  if (!raw.bind.empty() && !is_ip_address(raw.bind))
    throw ConfigError(fmt::format("bind: not an IP address: '{}'", core::log_safe(raw.bind)));
  for (const auto& l : raw.listeners)
    if (!l.address.empty() && !is_ip_address(l.address))
      throw ConfigError(
          fmt::format("{}: listener address: not an IP address: '{}'", raw.config, core::log_safe(l.address)));
  check_range("login-times", raw.login_times, 1, 1000);
  check_range("block-time", raw.block_time, 0, 86400 * 365);
  check_range("timeout", raw.timeout, 1, 86400 * 365);
  check_range("last-hour", raw.last_hour, 0, 100000);
  check_range("history-days", raw.history_days, 0, 36500);
  check_range("max-rooms", raw.max_rooms, 1, 10'000'000);
  check_range("max-rooms-per-user", raw.max_rooms_per_user, 1, 100'000);
  check_range("login-timeout", raw.login_timeout, 1, 86400);
  check_range("threads", raw.threads, 0, 1024);
  check_range("hash-threads", raw.hash_threads, 0, 1024);
  check_range("max-queue", raw.max_queue, 16384, std::int64_t{1} << 32);
  check_range("max-connections", raw.max_connections, 0, 10'000'000);
  check_range("max-connections-per-address", raw.max_connections_per_address, 0, 10'000'000);
  check_range("max-logins-per-address", raw.max_logins_per_address, 0, 10'000'000);
  check_range("max-failures-per-address", raw.max_failures_per_address, 0, 10'000'000);
  check_range("failure-window", raw.failure_window, 1, 86400 * 365);
  check_range("login-checks-per-address", raw.login_checks_per_address, 1, 1024);
  check_range("login-queue", raw.login_queue, 1, 1'000'000);
  std::string bad;
  if (!net::NetworkList::parse(raw.exempt, &bad))
    throw ConfigError(fmt::format("exempt: not an address or network: '{}'", bad));
  check_range("users-file-max", raw.users_file_max, 1, (std::int64_t{1} << 31) - 1);  // line numbers fit an int
  check_range("tls-handshake-timeout", raw.tls_handshake_timeout, 1, 3600);
  check_range("irc-ping", raw.irc_ping, 1, 86400);
  for (const auto& origin : raw.web_origins) {
    auto host = origin.starts_with("https://")  ? origin.substr(8)
                : origin.starts_with("http://") ? origin.substr(7)
                                                : "";
    if (host.empty() || host.find_first_of("/?# \t") != std::string::npos)
      throw ConfigError(fmt::format("web-origins: not an origin (scheme://host[:port]): '{}'", origin));
  }
  if (raw.server_name.size() > 63 || raw.server_name.find_first_of(" :!@,\r\n\t") != std::string::npos)
    throw ConfigError("server-name must be at most 63 characters, without spaces or any of : ! @ ,");
  if (raw.motd.size() > 4096) throw ConfigError("motd must be at most 4096 bytes");
  if (raw.welcome.find_first_of("\r\n") != std::string::npos) throw ConfigError("welcome must be one line");
  if (!(raw.flood_rate >= 0 && raw.flood_rate <= 1e6)) throw ConfigError("flood-rate must be between 0 and 1000000");
  if (!(raw.flood_burst >= 1 && raw.flood_burst <= 1e6)) throw ConfigError("flood-burst must be between 1 and 1000000");
  ServerConfig c;
  c.port = static_cast<std::uint16_t>(raw.port);
  c.bind = raw.bind;
  c.users_file = raw.users;
  c.users_file_given = raw.users_given;
  c.users_file_max = static_cast<std::size_t>(raw.users_file_max);
  c.db_path = raw.db;
  if (!raw.control_socket_given)
    c.control_socket = default_control_socket(raw.db);
  else
    c.control_socket = raw.control_socket == "none" ? "" : raw.control_socket;
  c.login_times = static_cast<int>(raw.login_times);
  c.block_time = std::chrono::seconds(raw.block_time);
  c.timeout = std::chrono::seconds(raw.timeout);
  c.last_hour = static_cast<int>(raw.last_hour);
  c.history_retention = std::chrono::hours(24 * raw.history_days);
  c.max_rooms = static_cast<std::size_t>(raw.max_rooms);
  c.max_rooms_per_user = static_cast<std::size_t>(raw.max_rooms_per_user);
  c.login_timeout = std::chrono::seconds(raw.login_timeout);
  c.welcome = raw.welcome;
  c.threads =
      raw.threads > 0 ? static_cast<std::size_t>(raw.threads) : std::max(1u, std::thread::hardware_concurrency());
  c.hash_threads = raw.hash_threads > 0 ? static_cast<std::size_t>(raw.hash_threads)
                                        : std::max(1u, std::thread::hardware_concurrency());
  c.listeners.push_back(ListenerConfig{raw.bind, c.port, "classic", false});
  if (raw.tls_port >= 0)
    c.listeners.push_back(ListenerConfig{raw.bind, static_cast<std::uint16_t>(raw.tls_port), "classic", true});
  if (raw.irc_port >= 0)
    c.listeners.push_back(ListenerConfig{raw.bind, static_cast<std::uint16_t>(raw.irc_port), "irc", false});
  if (raw.irc_tls_port >= 0)
    c.listeners.push_back(ListenerConfig{raw.bind, static_cast<std::uint16_t>(raw.irc_tls_port), "irc", true});
  if (raw.web_port >= 0)
    c.listeners.push_back(ListenerConfig{raw.bind, static_cast<std::uint16_t>(raw.web_port), "web", false});
  if (raw.web_tls_port >= 0)
    c.listeners.push_back(ListenerConfig{raw.bind, static_cast<std::uint16_t>(raw.web_tls_port), "web", true});
  c.web_origins = raw.web_origins;
  c.listeners.insert(c.listeners.end(), raw.listeners.begin(), raw.listeners.end());
  c.server_name = raw.server_name;
  c.motd = raw.motd;
  c.guests = raw.guests;
  c.irc_ping = std::chrono::seconds(raw.irc_ping);
  c.max_queue = static_cast<std::size_t>(raw.max_queue);
  c.flood_rate = raw.flood_rate;
  c.flood_burst = raw.flood_burst;
  c.max_connections = static_cast<std::size_t>(raw.max_connections);
  c.max_connections_per_address = static_cast<std::size_t>(raw.max_connections_per_address);
  c.max_logins_per_address = static_cast<std::size_t>(raw.max_logins_per_address);
  c.max_failures_per_address = static_cast<std::size_t>(raw.max_failures_per_address);
  c.failure_window = std::chrono::seconds(raw.failure_window);
  c.login_checks_per_address = static_cast<std::size_t>(raw.login_checks_per_address);
  c.login_queue = static_cast<std::size_t>(raw.login_queue);
  c.exempt = raw.exempt;
  c.tls_cert = raw.tls_cert;
  c.tls_key = raw.tls_key;
  c.tls_handshake_timeout = std::chrono::seconds(raw.tls_handshake_timeout);
  if (auto level = parse_log_level(raw.log_level))
    c.log_level = *level;
  else
    throw ConfigError(
        fmt::format("log-level must be one of {}; not '{}'", kLogLevelNames, core::log_safe(raw.log_level)));
  if (!raw.log_format.empty()) {
    c.log_format = parse_log_format(raw.log_format);
    if (!c.log_format)
      throw ConfigError(
          fmt::format("log-format must be one of {}; not '{}'", kLogFormatNames, core::log_safe(raw.log_format)));
  }
  if (!raw.metrics.empty() && !parse_metrics(raw.metrics, c))
    throw ConfigError(fmt::format("metrics: not ADDR:PORT (an IPv6 address in brackets, [::1]:9100): '{}'",
                                  core::log_safe(raw.metrics)));
  c.config_file = raw.config;
  c.check_only = raw.check_config;
  try {
    c.hash_cost = core::parse_hash_cost(raw.hash_cost);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(e.what());
  }
  return c;
}

}  // namespace

std::string default_control_socket(const std::string& db_path) {
  return (std::filesystem::path(db_path).parent_path() / "parleyd.sock").string();
}

namespace {

// How parsing a command line ends when it does not give settings.
struct Exit {
  int code = 0;
  std::string out;    // for stdout: the help or the version
  std::string error;  // one line for stderr, without the program's name
};

std::variant<ServerConfig, Exit> parse_command_line(int argc, const char* const* argv) {
  Raw raw;
  CLI::App app{
      "parleyd: a chat server. Users log in over a plain line protocol (nc and telnet work) or with "
      "the parley client.\nAccounts are imported from the users file at start; state lives in SQLite.",
      "parleyd"};
  app.add_option("port", raw.port, "TCP port to listen on (0 picks a free one); or 'port' in the config file")
      ->check(CLI::Range(0, 65535));
  app.add_option("--bind", raw.bind, "Address to listen on (default: every IPv4 and IPv6 address)");
  app.add_option("--users", raw.users, "Accounts file, one '<username> <password>' per line (default: user_pass.txt)");
  app.add_option("--users-file-max", raw.users_file_max,
                 "Largest users file in bytes; a larger one stops the start (default: 67108864, 64 MiB)");
  app.add_option("--db", raw.db, "SQLite database file (default: parley.db)");
  app.add_option("--control-socket", raw.control_socket,
                 "Unix socket for parleyctl, owner-only (default: parleyd.sock beside the database; '' or none: off)");
  app.add_option("--login-times", raw.login_times,
                 "Consecutive failed logins for a username from one address before it is blocked (default: 3)");
  app.add_option("--block-time", raw.block_time,
                 "Seconds a blocked username stays blocked from that address (default: 60)");
  app.add_option("--timeout", raw.timeout, "Seconds without a command before a user is logged out (default: 1800)");
  app.add_option("--last-hour", raw.last_hour, "Largest window in minutes that wholast accepts (default: 60)");
  app.add_option("--history-days", raw.history_days,
                 "Days private and room messages are kept for history; 0: only until delivered (default: 30)");
  app.add_option("--max-rooms", raw.max_rooms, "Rooms the server holds at most (default: 10000)");
  app.add_option("--max-rooms-per-user", raw.max_rooms_per_user, "Rooms one account may be in (default: 100)");
  app.add_option("--login-timeout", raw.login_timeout, "Seconds a connection may take to log in (default: 60)");
  app.add_option("--welcome", raw.welcome, "Text after 'Login successful, ' (default: Welcome to simple chat server!)");
  app.add_option("--threads", raw.threads, "Network worker threads (default: one per core)");
  app.add_option("--hash-threads", raw.hash_threads,
                 "Password checks that run at once, each on its own thread (default: one per core)");
  app.add_option("--max-queue", raw.max_queue,
                 "Bytes that may wait for a slow reader before it is disconnected (default: 1048576)");
  app.add_option("--flood-rate", raw.flood_rate,
                 "Command lines per second a client may send once its burst is spent; faster clients are slowed "
                 "down, 0 turns this off (default: 10)");
  app.add_option("--flood-burst", raw.flood_burst, "Command lines a client may send at once (default: 50)");
  app.add_option("--password-hash-cost", raw.hash_cost,
                 "Argon2id cost for stored passwords: interactive (default), moderate, or min (tests only)");
  app.add_option("--max-connections", raw.max_connections,
                 "Connections the server holds at once (default 0: the descriptor limit less a reserve)");
  app.add_option("--max-connections-per-address", raw.max_connections_per_address,
                 "Connections from one IPv4 address or IPv6 /64 (default: 50; 0: no limit)");
  app.add_option("--max-logins-per-address", raw.max_logins_per_address,
                 "Connections from one address that have not logged in yet (default: 10; 0: no limit)");
  app.add_option("--max-failures-per-address", raw.max_failures_per_address,
                 "Failed logins from one address, any usernames, per failure window (default: 30; 0: no limit)");
  app.add_option("--failure-window", raw.failure_window, "Seconds over which failed logins are counted (default: 600)");
  app.add_option("--login-checks-per-address", raw.login_checks_per_address,
                 "Password checks of one address hashed at once (default: 1)");
  app.add_option("--login-queue", raw.login_queue,
                 "Password checks that may wait, server-wide; past it clients are told the server is busy "
                 "(default: 256)");
  // One value per --exempt, so that a port after it stays the port.
  app.add_option("--exempt", raw.exempt,
                 "Address or network (CIDR) free of the per-address limits, e.g. a NAT; may be repeated")
      ->allow_extra_args(false);
  app.add_option("--tls-port", raw.tls_port,
                 "Port for the classic protocol over TLS, on the --bind address (0 picks a free one; default: none)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--irc-port", raw.irc_port,
                 "Port for IRC clients, on the --bind address (0 picks a free one; default: none)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--irc-tls-port", raw.irc_tls_port,
                 "Port for IRC over TLS, on the --bind address (0 picks a free one; default: none)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--web-port", raw.web_port,
                 "Port for the web client (HTTP and WebSocket), on the --bind address (0 picks a free one; "
                 "default: none)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--web-tls-port", raw.web_tls_port,
                 "Port for the web client over TLS (HTTPS), on the --bind address (0 picks a free one; default: none)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--web-origins", raw.web_origins,
                 "An origin (https://host[:port]) whose pages may use the web client's WebSocket besides the "
                 "server's own; may be repeated")
      ->allow_extra_args(false);
  app.add_option("--server-name", raw.server_name, "The server's name for IRC clients (default: the host's name)");
  app.add_option("--motd", raw.motd,
                 "IRC message of the day; lines separated by newlines in the config file "
                 "(default: none)");
  app.add_flag("--guests", raw.guests,
               "Let IRC clients log in without an account, under a nickname that is no account's (default: off)");
  app.add_option("--irc-ping", raw.irc_ping,
                 "Seconds of quiet before an IRC client is pinged, and again before it is dropped (default: 120)");
  app.add_option("--tls-cert", raw.tls_cert,
                 "Certificate chain (PEM) for TLS listeners; re-read on SIGHUP (required with a TLS listener)");
  app.add_option("--tls-key", raw.tls_key,
                 "Private key (PEM, no passphrase) of --tls-cert; re-read on SIGHUP (required with a TLS listener)");
  app.add_option("--tls-handshake-timeout", raw.tls_handshake_timeout,
                 "Seconds a TLS client may take to complete its handshake (default: 10)");
  app.add_option("--log-level", raw.log_level,
                 "Least important log lines written: trace, debug, info (default), warn, error, critical or off");
  app.add_option("--log-format", raw.log_format,
                 "Log lines as text (UTC timestamps), json (one object a line) or journal (syslog priority "
                 "prefixes; the default when stderr is the systemd journal, else text)");
  app.add_option("--metrics", raw.metrics,
                 "Serve /metrics (Prometheus) and /healthz over HTTP on ADDR:PORT, e.g. 127.0.0.1:9100 or [::1]:9100 "
                 "(default: off)");
  app.add_option("--config", raw.config,
                 "TOML file with any of the settings above (and port), by their long names; re-read on SIGHUP");
  app.add_flag("--check-config", raw.check_config,
               "Check the settings, the config, users and TLS files, the listening addresses and the database's "
               "directory, then exit: 0 with 'configuration ok', or 2 with the reason");
  app.set_version_flag("--version", std::string("parleyd ") + PARLEY_VERSION, "Print the version and exit");
  try {
    app.parse(argc, argv);
    raw.users_given = app.count("--users") > 0;
    raw.control_socket_given = app.count("--control-socket") > 0;
    if (!raw.config.empty()) apply_toml(raw, read_toml_file(raw.config), &app);
    auto config = validate(raw);
    config.command_line.assign(argv, argv + argc);
    return config;
  } catch (const CLI::CallForHelp&) {
    return Exit{0, app.help(), {}};
  } catch (const CLI::CallForVersion& e) {
    return Exit{0, std::string(e.what()) + "\n", {}};
  } catch (const CLI::ParseError& e) {
    return Exit{2, {}, std::string(e.what()) + " (see parleyd --help)"};
  } catch (const ConfigError& e) {
    return Exit{2, {}, e.what()};
  }
}

}  // namespace

std::variant<ServerConfig, int> parse_config(int argc, const char* const* argv) {
  auto parsed = parse_command_line(argc, argv);
  if (auto* config = std::get_if<ServerConfig>(&parsed)) return std::move(*config);
  const auto& exit = std::get<Exit>(parsed);
  std::cout << exit.out;
  if (!exit.error.empty()) std::cerr << "parleyd: " << exit.error << "\n";
  return exit.code;
}

std::variant<ServerConfig, std::string> reread_config(const std::vector<std::string>& command_line) {
  std::vector<const char*> argv;
  for (const auto& arg : command_line) argv.push_back(arg.c_str());
  auto parsed = parse_command_line(static_cast<int>(argv.size()), argv.data());
  if (auto* config = std::get_if<ServerConfig>(&parsed)) return std::move(*config);
  const auto& exit = std::get<Exit>(parsed);
  return exit.error.empty() ? std::string("the command line no longer gives settings") : exit.error;
}

std::variant<ServerConfig, std::string> parse_config_toml(std::string_view text, const std::string& source,
                                                          std::uint16_t port) {
  Raw raw;
  raw.port = port;
  raw.config = source;
  try {
    apply_toml(raw, read_toml_text(text, source), nullptr);
    return validate(raw);
  } catch (const ConfigError& e) {
    return std::string(e.what());
  }
}

}  // namespace parley::server
