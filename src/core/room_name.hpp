// Room names: '#' then what an account name may be (1 to 32 letters,
// digits, '.', '_' or '-'), compared without regard to case.
#pragma once

#include <string_view>

namespace parley::core {

bool is_valid_room_name(std::string_view name);
// A word that names a room rather than a user.
inline bool looks_like_room(std::string_view word) { return !word.empty() && word.front() == '#'; }

}  // namespace parley::core
