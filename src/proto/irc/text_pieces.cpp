// Lists, and text made to fit into parameters.
#include <algorithm>

#include "proto/irc/message.hpp"

namespace parley::proto::irc {

namespace {

// How far back from a piece's end a space is looked for.
constexpr std::size_t kSpaceWindow = 50;
// The most continuation bytes one UTF-8 character has.
constexpr std::size_t kMaxContinuationBytes = 3;

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::vector<std::string_view> split_list(std::string_view list, char sep) {
  std::vector<std::string_view> items;
  while (!list.empty()) {
    auto end = std::min(list.find(sep), list.size());
    if (end > 0) items.push_back(list.substr(0, end));
    list.remove_prefix(std::min(end + 1, list.size()));
  }
  return items;
}

std::string one_line(std::string_view text) {
  std::string out(text);
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; }, ' ');
  return out;
}

std::vector<std::string_view> split_text(std::string_view text, std::size_t max_bytes) {
  max_bytes = std::max<std::size_t>(max_bytes, 1);
  std::vector<std::string_view> pieces;
  while (text.size() > max_bytes) {
    // A space at text[max_bytes] is fine too: the piece is then full.
    auto window_start = max_bytes > kSpaceWindow ? max_bytes - kSpaceWindow : 1;
    auto space = text.substr(0, max_bytes + 1).rfind(' ');
    if (space != std::string_view::npos && space >= window_start) {
      pieces.push_back(text.substr(0, space));
      text.remove_prefix(space + 1);
      continue;
    }
    // Back to the start of the character text[max_bytes] is part of.
    auto cut = max_bytes;
    for (std::size_t back = 0; back < kMaxContinuationBytes && cut > 0 && is_continuation(text[cut]); ++back) --cut;
    if (cut == 0 || is_continuation(text[cut])) cut = max_bytes;  // too short for the character, or not UTF-8
    pieces.push_back(text.substr(0, cut));
    text.remove_prefix(cut);
  }
  if (!text.empty() || pieces.empty()) pieces.push_back(text);
  return pieces;
}

}  // namespace parley::proto::irc
