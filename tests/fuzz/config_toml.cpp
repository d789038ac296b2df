// parleyd's TOML settings on any text: either settings within their
// documented ranges, or one clean error line; never a crash or an exception
// of another kind.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "core/text.hpp"
#include "server/config.hpp"

namespace {

using parley::server::ServerConfig;

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "TOML settings invariant broken: %s\n", what);
  std::abort();
}

// No control characters (C0, DEL, C1), escape sequences, bidirectional
// overrides or invalid UTF-8: what sanitize_text() would leave as it is.
bool is_clean_line(std::string_view text) { return parley::core::sanitize_text(text) == text; }

void check_config(const ServerConfig& c) {
  check(c.login_times >= 1 && c.login_times <= 1000, "login-times out of range");
  check(c.block_time.count() >= 0 && c.block_time.count() <= 86400 * 365, "block-time out of range");
  check(c.timeout.count() >= 1, "timeout out of range");
  check(c.last_hour >= 0 && c.last_hour <= 100000, "last-hour out of range");
  check(c.login_timeout.count() >= 1 && c.login_timeout.count() <= 86400, "login-timeout out of range");
  check(c.threads >= 1 && c.threads <= 1024, "threads out of range");
  check(c.hash_threads >= 1 && c.hash_threads <= 1024, "hash-threads out of range");
  check(c.max_queue >= 16384, "max-queue out of range");
  check(c.flood_rate >= 0 && c.flood_rate <= 1e6, "flood-rate out of range");
  check(c.flood_burst >= 1 && c.flood_burst <= 1e6, "flood-burst out of range");
  check(c.welcome.find_first_of("\r\n") == std::string::npos, "welcome is not one line");
  check(!c.listeners.empty() && c.listeners.front().port == c.port, "the port is not the first listener");
  for (const auto& l : c.listeners) check(l.protocol == "classic", "unknown protocol accepted");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto result = parley::server::parse_config_toml(text, "parley.toml", 4119);
  if (auto* config = std::get_if<ServerConfig>(&result)) {
    check_config(*config);
    // The default port is used exactly when the text gives none.
    auto again = parley::server::parse_config_toml(text, "parley.toml", 4120);
    const auto* other = std::get_if<ServerConfig>(&again);
    check(other != nullptr, "the default port changed whether the text is accepted");
    if (other && other->port != config->port)
      check(config->port == 4119 && other->port == 4120, "a port that is neither the text's nor the default");
  } else {
    const auto& error = std::get<std::string>(result);
    if (error.empty() || !is_clean_line(error)) {
      std::fprintf(stderr, "error: %s\n", parley::core::log_safe(error, 1000).c_str());
      check(false, "the error is not one clean line");
    }
  }
  return 0;
}
