// IRC's wire format: one line in (parse), one line out (format), and the
// text rules around them. Per the modern IRC client protocol and IRCv3
// message-tags; nothing here knows about sessions or sockets.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::proto::irc {

// The longest tag section a line may carry, '@' and the space after it
// included (IRCv3 message-tags).
inline constexpr std::size_t kMaxTagBytes = 8191;
// The longest line besides its tags, without the CR LF.
inline constexpr std::size_t kMaxLineBytes = 510;
// Parameters one message holds; words beyond are part of the last one.
inline constexpr std::size_t kMaxParams = 15;

struct Tag {
  std::string key;    // with any '+' client prefix and "vendor/"
  std::string value;  // unescaped; empty for "key" and "key="
};

struct Message {
  std::vector<Tag> tags;
  std::string source;               // without the ':'; empty when none
  std::string command;              // upper-cased ASCII; numerics stay digits
  std::vector<std::string> params;  // a trailing parameter is the last, without its ':'

  // The value of the last tag with this key (the last one wins when a key
  // is given twice); nullptr when absent.
  const std::string* tag(std::string_view key) const;
  // "" when absent.
  std::string_view param(std::size_t i) const;
};

enum class ParseError {
  empty,          // nothing but spaces or tabs
  no_command,     // tags or a source, then nothing
  bad_command,    // not letters, nor exactly 3 digits
  tags_too_long,  // tag section over kMaxTagBytes
  too_long,       // the rest over kMaxLineBytes (answer ERR_INPUTTOOLONG, 417)
};

struct Parsed {
  std::optional<Message> message;
  ParseError error = ParseError::empty;  // meaningful when there is no message
};

// One line without its CR LF; a lone trailing '\r' is removed too. The tag
// section ('@' to the space after it) may have kMaxTagBytes, the rest
// kMaxLineBytes (spaces and source included). Words are separated by one or
// more spaces; spaces around them are ignored, but a trailing parameter is
// kept as sent. Tags whose key is not `['+'] [vendor '/'] name` (name:
// letters, digits and '-'; vendor: letters, digits, '-' and '.') are dropped,
// as are empty ones. After 14 parameters, the rest of the line is the 15th
// (its ':' removed). Other bytes (NUL, CR, control characters, invalid
// UTF-8) are kept as they are: checking text is the caller's.
Parsed parse(std::string_view line);

// Per IRCv3 message-tags: ';' "\:", ' ' "\s", '\' "\\", CR "\r", LF "\n".
// NUL, which no line may hold, is left out.
std::string escape_tag_value(std::string_view value);
// The reverse; a backslash before any other character is dropped (the
// character stays), a trailing backslash is dropped.
std::string unescape_tag_value(std::string_view value);

// "a,b,,c" gives "a", "b", "c": the non-empty items.
std::vector<std::string_view> split_list(std::string_view list, char sep = ',');

// One outgoing line.
struct Out {
  std::vector<Tag> tags;  // written "@k=v;k2 " (values escaped, "=" left out when empty)
  std::string source;     // written ":source " when not empty
  std::string command;
  // Every parameter but the last must be a non-empty word without spaces,
  // not starting with ':'. The last is written as a trailing parameter
  // (":text") when `trailing` is set, or when it needs to be: empty, with a
  // space, or starting with ':'.
  std::vector<std::string> params;
  bool trailing = false;
};

// The line, ending in "\r\n". Never more than one line: CR, LF and NUL in the
// source, command or parameters are written as spaces, NUL in tag values is
// left out, and bytes a key cannot hold (NUL, CR, LF, ' ', ';', '=') are left
// out of it; tags with an empty key are skipped. Lengths are not checked.
std::string format(const Out& line);
// The same, appended to `out` without allocating per parameter.
void append(std::string& out, const Out& line);

// Text to go inside a parameter: CR, LF and NUL become spaces.
std::string one_line(std::string_view text);

// Cuts a long text into pieces of at most `max_bytes` bytes (0 counts as 1),
// as views into it: at the last space within the last 50 bytes of a piece
// when there is one (that space is in neither piece), else at the last UTF-8
// character boundary (a piece can split a character only when `max_bytes`
// is shorter than it, or in invalid UTF-8). Pieces are never empty, except
// the one piece of an empty text.
std::vector<std::string_view> split_text(std::string_view text, std::size_t max_bytes);

}  // namespace parley::proto::irc
