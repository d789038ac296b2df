// One request to parleyd over its control socket, with a deadline.
#pragma once

#include <chrono>
#include <string>
#include <variant>

#include "proto/control/request.hpp"
#include "proto/control/response.hpp"

namespace parley::ctl {

// Nothing listens on the socket (no file, or a stale one): the server is
// not running, or runs without a control socket.
struct Unreachable {
  std::string reason;
};

// The response; Unreachable; or throws std::runtime_error for a server
// that was reached but did not answer properly in time.
std::variant<proto::control::Response, Unreachable> ask_server(const std::string& socket_path,
                                                               const proto::control::Request& request,
                                                               std::chrono::seconds deadline);

}  // namespace parley::ctl
