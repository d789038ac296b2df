// Reading one IRC line into a Message.
#include <algorithm>
#include <utility>

#include "proto/irc/message.hpp"

namespace parley::proto::irc {

namespace {

bool is_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_key_name_char(char c) { return is_letter(c) || is_digit(c) || c == '-'; }
bool is_vendor_char(char c) { return is_key_name_char(c) || c == '.'; }

// ['+'] [vendor '/'] name
bool is_valid_key(std::string_view key) {
  if (!key.empty() && key.front() == '+') key.remove_prefix(1);
  auto slash = key.find('/');
  if (slash != std::string_view::npos) {
    auto vendor = key.substr(0, slash);
    if (vendor.empty() || !std::all_of(vendor.begin(), vendor.end(), is_vendor_char)) return false;
    key.remove_prefix(slash + 1);
  }
  return !key.empty() && std::all_of(key.begin(), key.end(), is_key_name_char);
}

std::vector<Tag> parse_tags(std::string_view section) {
  std::vector<Tag> tags;
  while (!section.empty()) {
    auto end = section.find(';');
    auto item = section.substr(0, end);
    section.remove_prefix(end == std::string_view::npos ? section.size() : end + 1);
    auto equals = item.find('=');
    auto key = item.substr(0, equals);
    if (!is_valid_key(key)) continue;
    auto value = equals == std::string_view::npos ? std::string_view{} : item.substr(equals + 1);
    tags.push_back({std::string(key), unescape_tag_value(value)});
  }
  return tags;
}

bool is_valid_command(std::string_view command) {
  if (command.size() == 3 && std::all_of(command.begin(), command.end(), is_digit)) return true;
  return !command.empty() && std::all_of(command.begin(), command.end(), is_letter);
}

void skip_spaces(std::string_view& s) {
  auto n = s.find_first_not_of(' ');
  s.remove_prefix(n == std::string_view::npos ? s.size() : n);
}

// The next word, taken off the front of `s` (which starts with no space).
std::string_view take_word(std::string_view& s) {
  auto end = std::min(s.find(' '), s.size());
  auto word = s.substr(0, end);
  s.remove_prefix(end);
  return word;
}

Parsed failed(ParseError error) { return Parsed{std::nullopt, error}; }

}  // namespace

const std::string* Message::tag(std::string_view key) const {
  for (auto it = tags.rbegin(); it != tags.rend(); ++it)
    if (it->key == key) return &it->value;
  return nullptr;
}

std::string_view Message::param(std::size_t i) const { return i < params.size() ? params[i] : std::string_view{}; }

Parsed parse(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.find_first_not_of(" \t") == std::string_view::npos) return failed(ParseError::empty);

  std::string_view tag_section;  // without the '@' and the space
  std::string_view rest = line;
  if (rest.front() == '@') {
    auto space = rest.find(' ');
    // The section runs from '@' to the space after it, both included.
    auto section_bytes = space == std::string_view::npos ? rest.size() : space + 1;
    if (section_bytes > kMaxTagBytes) return failed(ParseError::tags_too_long);
    if (space == std::string_view::npos) return failed(ParseError::no_command);
    tag_section = rest.substr(1, space - 1);
    rest.remove_prefix(space + 1);
  }
  if (rest.size() > kMaxLineBytes) return failed(ParseError::too_long);

  Message message;

  skip_spaces(rest);
  if (!rest.empty() && rest.front() == ':') {
    rest.remove_prefix(1);
    message.source = take_word(rest);
    skip_spaces(rest);
  }
  auto command = take_word(rest);
  if (command.empty()) return failed(ParseError::no_command);
  if (!is_valid_command(command)) return failed(ParseError::bad_command);
  message.command.reserve(command.size());
  for (char c : command) message.command.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  message.tags = parse_tags(tag_section);

  while (true) {
    skip_spaces(rest);
    if (rest.empty()) break;
    if (rest.front() == ':' || message.params.size() + 1 == kMaxParams) {
      if (rest.front() == ':') rest.remove_prefix(1);
      message.params.emplace_back(rest);
      break;
    }
    message.params.emplace_back(take_word(rest));
  }
  return Parsed{std::move(message), ParseError::empty};
}

}  // namespace parley::proto::irc
