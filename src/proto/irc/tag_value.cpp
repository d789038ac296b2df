// Tag values as IRCv3 message-tags escapes them.
#include "proto/irc/tag_value.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "proto/irc/message.hpp"

namespace parley::proto::irc {

namespace {

// Each byte a value cannot hold as it is, and the letter after the backslash
// that stands for it.
constexpr std::array<std::pair<char, char>, 5> kEscapes{
    {{';', ':'}, {' ', 's'}, {'\\', '\\'}, {'\r', 'r'}, {'\n', 'n'}}};

}  // namespace

void append_escaped_tag_value(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\0') continue;  // no line may hold one
    auto escape = std::find_if(kEscapes.begin(), kEscapes.end(), [c](const auto& e) { return e.first == c; });
    if (escape == kEscapes.end()) {
      out.push_back(c);
    } else {
      out.push_back('\\');
      out.push_back(escape->second);
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
    char letter = value[i];
    auto escape =
        std::find_if(kEscapes.begin(), kEscapes.end(), [letter](const auto& e) { return e.second == letter; });
    // An unknown escape is the letter itself.
    out.push_back(escape == kEscapes.end() ? letter : escape->first);
  }
  return out;
}

}  // namespace parley::proto::irc
