// Command line of `parley`.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <variant>

namespace parley::client {

// Exit statuses of `parley`.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // cannot connect, connection lost, login not completed
inline constexpr int kExitUsage = 2;

struct Options {
  std::string host;  // brackets around an IPv6 address are removed
  std::string port;
  std::optional<std::string> user;
  bool tls = false;                    // TLS, with the server's certificate verified
  std::optional<std::string> ca_file;  // trusted instead of the system's authorities
};

// Either the options, or the exit status when parsing ended the program
// (--help printed to `out`, or a one-line error printed to `err`).
std::variant<Options, int> parse_options(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace parley::client
