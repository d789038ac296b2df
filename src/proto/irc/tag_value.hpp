// Tag value escaping without a string per value, for format().
#pragma once

#include <string>
#include <string_view>

namespace parley::proto::irc {

// Appends escape_tag_value(value) to `out`, leaving out NUL bytes.
void append_escaped_tag_value(std::string& out, std::string_view value);

}  // namespace parley::proto::irc
