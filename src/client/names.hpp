// The shapes of account and room names (docs/PROTOCOL.md), as the client
// needs them to recognise server lines and check what the person typed.
#pragma once

#include <string>
#include <string_view>

namespace parley::client {

// 1 to 32 letters, digits, '.', '_' or '-'.
bool is_account_name(std::string_view name);
// '#' followed by an account name.
bool is_room_name(std::string_view name);
// The name with ASCII letters in lower case: one key for every spelling.
std::string folded_name(std::string_view name);

}  // namespace parley::client
