#include "core/room_name.hpp"

#include "core/user_file.hpp"

namespace parley::core {

bool is_valid_room_name(std::string_view name) { return looks_like_room(name) && is_valid_username(name.substr(1)); }

}  // namespace parley::core
