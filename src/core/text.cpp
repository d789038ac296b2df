#include "core/text.hpp"

#include <cstdint>

namespace parley::core {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

std::size_t decode_utf8(std::string_view s, std::size_t pos, char32_t& cp) {
  auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(s[i]); };
  std::uint8_t b0 = byte(pos);
  std::size_t len;
  char32_t min;
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1Fu, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0Fu, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07u, min = 0x10000;
  } else {
    return 0;
  }
  if (pos + len > s.size()) return 0;
  for (std::size_t i = 1; i < len; ++i) {
    std::uint8_t b = byte(pos + i);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool is_bidi_control(char32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F ||
         cp == 0x061C;
}

namespace {

// Length of the escape sequence starting with ESC at `pos` (ESC included).
std::size_t escape_length(std::string_view s, std::size_t pos) {
  std::size_t i = pos + 1;
  if (i >= s.size()) return 1;
  char c = s[i];
  if (c == '[') {  // CSI: parameters and intermediates, then a final byte
    ++i;
    while (i < s.size() && static_cast<unsigned char>(s[i]) >= 0x20 && static_cast<unsigned char>(s[i]) <= 0x3F) ++i;
    while (i < s.size() && static_cast<unsigned char>(s[i]) >= 0x20 && static_cast<unsigned char>(s[i]) <= 0x2F) ++i;
    if (i < s.size() && static_cast<unsigned char>(s[i]) >= 0x40 && static_cast<unsigned char>(s[i]) <= 0x7E) ++i;
    return i - pos;
  }
  if (c == ']' || c == 'P' || c == '_' || c == '^' || c == 'X') {  // OSC, DCS...: up to BEL or ST
    ++i;
    while (i < s.size()) {
      if (s[i] == '\a') return i + 1 - pos;
      if (s[i] == '\x1b' && i + 1 < s.size() && s[i + 1] == '\\') return i + 2 - pos;
      ++i;
    }
    return i - pos;
  }
  // Two-byte (or with intermediates) sequences such as ESC c, ESC ( B.
  while (i < s.size() && static_cast<unsigned char>(s[i]) >= 0x20 && static_cast<unsigned char>(s[i]) <= 0x2F) ++i;
  if (i < s.size() && static_cast<unsigned char>(s[i]) >= 0x30 && static_cast<unsigned char>(s[i]) <= 0x7E) ++i;
  return i - pos;
}

}  // namespace

std::string sanitize_text(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  std::size_t pos = 0;
  while (pos < in.size()) {
    // Printable ASCII, the common case, is copied a run at a time.
    std::size_t run = pos;
    while (run < in.size() && static_cast<unsigned>(static_cast<unsigned char>(in[run])) - 0x20u < 0x5Fu) ++run;
    out.append(in.data() + pos, run - pos);
    pos = run;
    if (pos == in.size()) break;
    char32_t cp;
    std::size_t len = decode_utf8(in, pos, cp);
    if (len == 0) {
      out += kReplacement;
      ++pos;
      continue;
    }
    if (cp == 0x1B) {
      pos += escape_length(in, pos);
      continue;
    }
    if (cp == '\t') {
      out += ' ';
    } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp)) {
      // dropped: bells, backspaces, carriage returns, C1 controls (including CSI 0x9B)
    } else {
      out.append(in.substr(pos, len));
    }
    pos += len;
  }
  return out;
}

std::size_t utf8_length(std::string_view text) {
  std::size_t n = 0;
  for (char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

std::string_view trim(std::string_view text) {
  auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

std::string log_safe(std::string_view value, std::size_t max) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : value.substr(0, max)) {
    auto b = static_cast<unsigned char>(c);
    if (b >= 0x21 && b < 0x7F && b != '\\') {
      out += c;
    } else {
      out += "\\x";
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
    }
  }
  if (value.size() > max) out += "...";
  return out;
}

}  // namespace parley::core
