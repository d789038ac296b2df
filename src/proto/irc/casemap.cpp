#include "proto/irc/casemap.hpp"

#include "core/account_name.hpp"
#include "core/user_file.hpp"

namespace parley::proto::irc {

std::string fold(std::string_view name) { return core::fold_name(name); }

bool valid_nick(std::string_view nick) { return core::is_valid_username(nick); }

bool is_channel(std::string_view target) { return !target.empty() && (target.front() == '#' || target.front() == '&'); }

}  // namespace parley::proto::irc
