// Text hygiene: what one user sends must not drive another user's terminal.
#pragma once

#include <string>
#include <string_view>

namespace parley::core {

// Removes control characters (C0, DEL, C1), ANSI escape sequences and
// bidirectional overrides; a tab becomes a space; invalid UTF-8 becomes U+FFFD.
std::string sanitize_text(std::string_view input);

// Decodes one UTF-8 code point at `pos`; returns its length, or 0 when the
// bytes there are not valid UTF-8 (overlong forms and surrogates included).
std::size_t decode_utf8(std::string_view text, std::size_t pos, char32_t& code_point);

// Bidirectional overrides, embeddings, isolates and marks: they reorder
// what a terminal shows.
bool is_bidi_control(char32_t code_point);

// Number of code points in valid UTF-8 text.
std::size_t utf8_length(std::string_view text);

// Trims ASCII spaces and tabs at both ends.
std::string_view trim(std::string_view text);

// A value safe to put in a log line: printable ASCII kept, the rest escaped
// as \xNN, cut to `max` bytes.
std::string log_safe(std::string_view value, std::size_t max = 64);

}  // namespace parley::core
