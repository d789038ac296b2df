// The user and room commands run on the database itself while parleyd is
// stopped, under the same lock the server takes, so the two never meet.
#pragma once

#include <string>

#include "core/password.hpp"
#include "proto/control/request.hpp"
#include "proto/control/response.hpp"

namespace parley::ctl {

// The user-* and room-* commands.
bool runs_offline(const proto::control::Request& request);

// Throws store::DatabaseInUse when a server holds the database, and
// std::runtime_error when the database cannot be opened. Each change is
// printed on stderr.
proto::control::Response run_offline(const std::string& db_path, core::HashCost cost,
                                     const proto::control::Request& request);

}  // namespace parley::ctl
