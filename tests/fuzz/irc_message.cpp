// The IRC line parser on any line, and the writer on what it parses: a
// parsed message is well formed, written out it is one line, and, when it
// holds no CR, LF or NUL that writing turns into spaces, that line parses to
// the same message (or is over a limit by exactly what writing added). The
// last parameter is also cut into pieces by split_text().
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "proto/irc/message.hpp"

namespace {

using namespace parley::proto::irc;

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "IRC message invariant broken: %s\n", what);
  std::abort();
}

bool breaks_line(char c) { return c == '\r' || c == '\n' || c == '\0'; }
bool has_line_break(std::string_view text) { return std::any_of(text.begin(), text.end(), breaks_line); }
bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = lead < 0x80           ? 1
                         : (lead >> 5) == 0x6  ? 2
                         : (lead >> 4) == 0xE  ? 3
                         : (lead >> 3) == 0x1E ? 4
                                               : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k)
      if (!is_continuation(text[i + k])) return false;
    i += length;
  }
  return true;
}

void check_well_formed(const Message& m) {
  bool numeric = m.command.size() == 3 &&
                 std::all_of(m.command.begin(), m.command.end(), [](char c) { return c >= '0' && c <= '9'; });
  bool word = !m.command.empty() &&
              std::all_of(m.command.begin(), m.command.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  check(numeric || word, "command is neither upper-case letters nor 3 digits");
  check(m.source.find(' ') == std::string::npos, "source holds a space");
  check(m.params.size() <= kMaxParams, "more than 15 params");
  for (std::size_t i = 0; i + 1 < m.params.size(); ++i) {
    const auto& p = m.params[i];
    check(!p.empty() && p.front() != ':' && p.find(' ') == std::string::npos, "bad middle param");
  }
  for (const auto& tag : m.tags) {
    check(!tag.key.empty() && tag.key.find_first_of(" ;=") == std::string::npos, "bad tag key");
    check(!has_line_break(tag.key), "line break in a tag key");
    check(m.tag(tag.key) != nullptr, "tag() misses a key");
  }
}

// Everything writing keeps as it is: no line breaks where they would be
// turned into spaces, no NUL in tag values.
bool writes_back_exactly(const Message& m) {
  if (has_line_break(m.source)) return false;
  for (const auto& p : m.params)
    if (has_line_break(p)) return false;
  for (const auto& tag : m.tags)
    if (tag.value.find('\0') != std::string::npos) return false;
  return true;
}

void check_round_trip(const Message& m, bool trailing) {
  Out out{m.tags, m.source, m.command, m.params, trailing};
  std::string line = format(out);
  std::string appended = "x";
  append(appended, out);
  check(appended == "x" + line, "append() differs from format()");

  check(line.size() >= 2 && line.substr(line.size() - 2) == "\r\n", "line does not end in CR LF");
  std::string_view body(line.data(), line.size() - 2);
  check(!has_line_break(body), "written line holds CR, LF or NUL");

  // A line break in a word becomes a space there, and the line reads
  // differently; it only must stay one line.
  if (!writes_back_exactly(m)) return;

  std::size_t tag_bytes = 0;
  if (!body.empty() && body.front() == '@') tag_bytes = body.find(' ') + 1;
  check(tag_bytes != 0 || body.empty() || body.front() != '@', "tag section without its space");
  auto again = parse(body);
  if (tag_bytes > kMaxTagBytes) {
    check(!again.message && again.error == ParseError::tags_too_long, "long tag section not reported");
    return;
  }
  if (body.size() - tag_bytes > kMaxLineBytes) {
    check(!again.message && again.error == ParseError::too_long, "long line not reported");
    return;
  }
  check(again.message.has_value(), "written line does not parse");
  check_well_formed(*again.message);
  const Message& back = *again.message;
  check(back.source == m.source, "source changed");
  check(back.command == m.command, "command changed");
  check(back.params == m.params, "params changed");
  check(back.tags.size() == m.tags.size(), "tag count changed");
  for (std::size_t i = 0; i < m.tags.size(); ++i) {
    check(back.tags[i].key == m.tags[i].key, "tag key changed");
    check(back.tags[i].value == m.tags[i].value, "tag value changed");
  }
}

void check_pieces(std::string_view text, std::size_t max_bytes) {
  auto pieces = split_text(text, max_bytes);
  std::size_t limit = std::max<std::size_t>(max_bytes, 1);
  check(!pieces.empty(), "no piece");
  if (text.empty()) {
    check(pieces.size() == 1 && pieces[0].empty(), "empty text is not one empty piece");
    return;
  }
  bool utf8 = limit >= 4 && is_valid_utf8(text);
  std::size_t at = 0;  // where the next piece must start
  for (auto piece : pieces) {
    check(!piece.empty() && piece.size() <= limit, "piece empty or too long");
    auto start = static_cast<std::size_t>(piece.data() - text.data());
    check(piece.data() >= text.data() && start + piece.size() <= text.size(), "piece outside the text");
    check(start == at || (start == at + 1 && text[at] == ' '), "bytes other than one space left out");
    auto end = start + piece.size();
    check(!utf8 || end == text.size() || !is_continuation(text[end]), "cut inside a UTF-8 character");
    at = end;
  }
  check(at == text.size() || (at + 1 == text.size() && text[at] == ' '), "end of the text left out");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A copy of exactly `size` bytes, so reading past the line is caught.
  std::string copy(reinterpret_cast<const char*>(data), size);
  std::string_view line = copy;
  auto parsed = parse(line);
  if (!parsed.message) {
    auto stripped = line;
    if (!stripped.empty() && stripped.back() == '\r') stripped.remove_suffix(1);
    bool blank = stripped.find_first_not_of(" \t") == std::string_view::npos;
    check((parsed.error == ParseError::empty) == blank, "empty for a line that is not blank, or not for one");
    check(parsed.error != ParseError::too_long || stripped.size() > kMaxLineBytes, "too_long for a short line");
    check(parsed.error != ParseError::tags_too_long || stripped.size() > kMaxTagBytes,
          "tags_too_long for a short line");
    return 0;
  }
  const Message& m = *parsed.message;
  check_well_formed(m);
  check_round_trip(m, false);
  check_round_trip(m, true);

  for (const auto& tag : m.tags)
    if (tag.value.find('\0') == std::string::npos)
      check(unescape_tag_value(escape_tag_value(tag.value)) == tag.value, "tag value escape round trip");

  for (auto item : split_list(m.param(0)))
    check(!item.empty() && item.find(',') == std::string_view::npos, "bad list item");

  std::string_view last = m.params.empty() ? std::string_view{} : m.params.back();
  check(!has_line_break(one_line(last)), "one_line() kept a line break");
  check_pieces(last, size > 0 ? static_cast<std::size_t>(data[0]) : 0);
  return 0;
}
