// JSON strings from any bytes: log lines carry names and text that users
// chose, and a JSON line must stay one valid JSON value whatever they hold.
#pragma once

#include <string>
#include <string_view>

namespace parley::core {

// Appends `text` as the inside of a JSON string (without the quotes): `"`
// and `\` escaped; every control character (C0, DEL, C1), U+2028, U+2029
// and the bidirectional controls written as \uXXXX (\b \f \n \r \t by their
// short forms); each byte that is not part of valid UTF-8 written as
// \ufffd. Other text is copied as it is.
void append_json_escaped(std::string& out, std::string_view text);

// `text` as a quoted JSON string.
std::string json_string(std::string_view text);

}  // namespace parley::core
