// Tag values as IRCv3 message-tags escapes them.
#include "proto/irc/tag_value.hpp"

#include "proto/irc/message.hpp"

namespace parley::proto::irc {

void append_escaped_tag_value(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case ';': out += "\\:"; break;
      case ' ': out += "\\s"; break;
      case '\\': out += "\\\\"; break;
      case '\r': out += "\\r"; break;
      case '\n': out += "\\n"; break;
      case '\0': break;  // no line may hold one
      default: out.push_back(c); break;
    }
  }
}

std::string escape_tag_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  append_escaped_tag_value(out, value);
  return out;
}

std::string unescape_tag_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '\\') {
      out.push_back(value[i]);
      continue;
    }
    if (++i == value.size()) break;  // a trailing backslash is dropped
    switch (value[i]) {
      case ':': out.push_back(';'); break;
      case 's': out.push_back(' '); break;
      case 'r': out.push_back('\r'); break;
      case 'n': out.push_back('\n'); break;
      default: out.push_back(value[i]); break;  // "\\", and the backslash of an unknown escape dropped
    }
  }
  return out;
}

}  // namespace parley::proto::irc
