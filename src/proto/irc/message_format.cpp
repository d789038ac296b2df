// Writing one IRC line.
#include <algorithm>
#include <iterator>

#include "proto/irc/message.hpp"
#include "proto/irc/tag_value.hpp"

namespace parley::proto::irc {

namespace {

bool breaks_line(char c) { return c == '\r' || c == '\n' || c == '\0'; }

// Source, command and parameters: whatever would end the line is a space.
void put_one_line(std::string& out, std::string_view text) {
  for (char c : text) out.push_back(breaks_line(c) ? ' ' : c);
}

bool fits_key(char c) { return !breaks_line(c) && c != ' ' && c != ';' && c != '='; }

// Written as it will be: a line break in it becomes a space too.
bool needs_colon(std::string_view last) {
  return last.empty() || last.front() == ':' ||
         std::any_of(last.begin(), last.end(), [](char c) { return c == ' ' || breaks_line(c); });
}

}  // namespace

void append(std::string& out, const Out& line) {
  bool first_tag = true;
  for (const auto& tag : line.tags) {
    if (std::none_of(tag.key.begin(), tag.key.end(), fits_key)) continue;
    out.push_back(first_tag ? '@' : ';');
    first_tag = false;
    std::copy_if(tag.key.begin(), tag.key.end(), std::back_inserter(out), fits_key);
    if (!tag.value.empty()) {
      out.push_back('=');
      append_escaped_tag_value(out, tag.value);
    }
  }
  if (!first_tag) out.push_back(' ');
  if (!line.source.empty()) {
    out.push_back(':');
    put_one_line(out, line.source);
    out.push_back(' ');
  }
  put_one_line(out, line.command);
  for (std::size_t i = 0; i < line.params.size(); ++i) {
    const auto& param = line.params[i];
    out.push_back(' ');
    if (i + 1 == line.params.size() && (line.trailing || needs_colon(param))) out.push_back(':');
    put_one_line(out, param);
  }
  out += "\r\n";
}

std::string format(const Out& line) {
  std::string out;
  std::size_t size = line.source.size() + line.command.size() + 4;
  for (const auto& tag : line.tags) size += tag.key.size() + tag.value.size() + 2;
  for (const auto& param : line.params) size += param.size() + 2;
  out.reserve(size);
  append(out, line);
  return out;
}

}  // namespace parley::proto::irc
