// Names as IRC compares and checks them. parley's casemapping is "ascii":
// only A-Z and a-z are one letter in two cases, as for account names.
#pragma once

#include <string>
#include <string_view>

namespace parley::proto::irc {

// A-Z to a-z; every other byte as it is.
std::string fold(std::string_view name);
// Exactly what an account name may be (core::is_valid_username): 1 to 32
// letters, digits, '.', '_' or '-', in any position, so that every account
// can register under its own name.
bool valid_nick(std::string_view nick);
// Starts with '#' or '&'.
bool is_channel(std::string_view target);

}  // namespace parley::proto::irc
