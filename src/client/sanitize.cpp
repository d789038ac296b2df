#include "client/sanitize.hpp"

#include <cstddef>
#include <cstdint>

namespace parley::client {

namespace {

constexpr char kEscape = '\x1b';
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

unsigned char byte_at(std::string_view text, std::size_t i) { return static_cast<unsigned char>(text[i]); }

bool in_range(unsigned char c, unsigned char low, unsigned char high) { return c >= low && c <= high; }

// Skips a string-type sequence (OSC, DCS, ...) up to BEL or ESC '\'.
std::size_t skip_control_string(std::string_view text, std::size_t i) {
  for (; i < text.size(); ++i) {
    if (text[i] == '\a') return i + 1;
    if (text[i] == kEscape) return (i + 1 < text.size() && text[i + 1] == '\\') ? i + 2 : i + 1;
  }
  return i;
}

// Returns the index just past the escape sequence starting at `start` (an ESC).
std::size_t skip_escape_sequence(std::string_view text, std::size_t start) {
  std::size_t i = start + 1;
  if (i >= text.size()) return i;
  unsigned char c = byte_at(text, i);
  if (c == '[') {
    ++i;
    while (i < text.size() && in_range(byte_at(text, i), 0x30, 0x3f)) ++i;  // parameters
    while (i < text.size() && in_range(byte_at(text, i), 0x20, 0x2f)) ++i;  // intermediates
    if (i < text.size() && in_range(byte_at(text, i), 0x40, 0x7e)) ++i;     // final byte
    return i;
  }
  if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_') return skip_control_string(text, i + 1);
  while (i < text.size() && in_range(byte_at(text, i), 0x20, 0x2f)) ++i;  // e.g. ESC ( B
  if (i < text.size() && in_range(byte_at(text, i), 0x30, 0x7e)) ++i;
  return i;
}

// Decodes one UTF-8 sequence at `i`; returns its length, or 0 when invalid.
std::size_t decode_utf8(std::string_view text, std::size_t i, std::uint32_t& code_point) {
  unsigned char lead = byte_at(text, i);
  std::size_t length = 0;
  unsigned char second_low = 0x80, second_high = 0xbf;
  if (in_range(lead, 0xc2, 0xdf)) {
    length = 2;
    code_point = lead & 0x1fu;
  } else if (in_range(lead, 0xe0, 0xef)) {
    length = 3;
    code_point = lead & 0x0fu;
    if (lead == 0xe0) second_low = 0xa0;   // overlong
    if (lead == 0xed) second_high = 0x9f;  // surrogates
  } else if (in_range(lead, 0xf0, 0xf4)) {
    length = 4;
    code_point = lead & 0x07u;
    if (lead == 0xf0) second_low = 0x90;   // overlong
    if (lead == 0xf4) second_high = 0x8f;  // beyond U+10FFFF
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    unsigned char c = byte_at(text, i + k);
    bool valid = k == 1 ? in_range(c, second_low, second_high) : in_range(c, 0x80, 0xbf);
    if (!valid) return 0;
    code_point = (code_point << 6) | (c & 0x3fu);
  }
  return length;
}

bool is_hidden_code_point(std::uint32_t cp) {
  bool c1_control = cp >= 0x80 && cp <= 0x9f;
  bool bidi_override = (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
  return c1_control || bidi_override;
}

}  // namespace

std::string sanitize_for_terminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    unsigned char c = byte_at(text, i);
    if (c == static_cast<unsigned char>(kEscape)) {
      i = skip_escape_sequence(text, i);
    } else if (c == '\t') {
      out += ' ';
      ++i;
    } else if (c < 0x20 || c == 0x7f) {
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else {
      std::uint32_t cp = 0;
      std::size_t length = decode_utf8(text, i, cp);
      if (length == 0) {
        out += kReplacement;
        ++i;
      } else {
        if (!is_hidden_code_point(cp)) out.append(text.substr(i, length));
        i += length;
      }
    }
  }
  return out;
}

}  // namespace parley::client
