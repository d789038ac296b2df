#include "core/json_string.hpp"

#include "core/text.hpp"

namespace parley::core {

namespace {

void append_unicode_escape(std::string& out, char32_t code_point) {
  constexpr std::string_view kHex = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(code_point >> shift) & 0xFu];
}

bool plain_ascii(unsigned char byte) { return byte >= 0x20 && byte < 0x7F && byte != '"' && byte != '\\'; }

}  // namespace

void append_json_escaped(std::string& out, std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    // Printable ASCII, nearly all of a log line, is copied a run at a time.
    std::size_t run = pos;
    while (run < text.size() && plain_ascii(static_cast<unsigned char>(text[run]))) ++run;
    out.append(text.data() + pos, run - pos);
    pos = run;
    if (pos == text.size()) break;
    char32_t cp = 0;
    std::size_t length = decode_utf8(text, pos, cp);
    if (length == 0) {
      append_unicode_escape(out, 0xFFFD);
      ++pos;
      continue;
    }
    switch (cp) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
            is_bidi_control(cp))
          append_unicode_escape(out, cp);
        else
          out.append(text.substr(pos, length));
    }
    pos += length;
  }
}

std::string json_string(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  append_json_escaped(out, text);
  out += '"';
  return out;
}

}  // namespace parley::core
