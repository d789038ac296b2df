// The new password for `user add` and `user passwd`: never on the command
// line. From a terminal: asked twice without echo. Otherwise: the first
// line of stdin.
#pragma once

#include <string>

namespace parley::ctl {

// Throws std::runtime_error (no input, the two entries differ).
std::string read_new_password(const std::string& user);

}  // namespace parley::ctl
