// What parleyctl prints for a response: one item a line, fields separated
// by spaces, or with --json one JSON value.
#pragma once

#include <ostream>

#include "proto/control/request.hpp"
#include "proto/control/response.hpp"

namespace parley::ctl {

void print_plain(std::ostream& out, const proto::control::Response& response);
void print_json(std::ostream& out, const proto::control::Request& request, const proto::control::Response& response);

}  // namespace parley::ctl
