// Building parleyd's IRC lines: sources, tags and parameters. Text from
// users is already one line (core cleans it); these only assemble.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/message.hpp"

namespace parley::proto::irc {

// What a user typed, as others would receive it: sanitised and trimmed.
std::string clean(std::string_view text);

// Users' hosts are not their addresses, which other users have no business
// knowing: accounts are `name!name@parley`, guests `nick!guest@guest`.
std::string user_source(std::string_view nick, bool guest);

// `2026-11-30T18:00:00.000Z`, for the server-time tag.
std::string server_time(core::TimePoint t);

// Appends text that stays inside one line: CR, LF and NUL become spaces.
// Replies echo what a client sent, which may hold them.
void append_one_line(std::string& out, std::string_view text);

// One line: `:source COMMAND middle... :trailing\r\n`. Middle parameters are
// written as given (no spaces in them); the trailing one always with ':'.
// CR, LF and NUL in the parameters become spaces.
std::string line(std::string_view source, std::string_view command, std::initializer_list<std::string_view> middle,
                 std::string_view trailing);
// The same without a trailing parameter.
std::string line(std::string_view source, std::string_view command, std::initializer_list<std::string_view> middle);

// The tags parleyd puts on users' messages, by what the recipient asked for.
enum class TagSet { none, time, all };

// The longest line parleyd writes, CR LF included and tags aside (IRC's 512).
inline constexpr std::size_t kLineMax = 512;

// Appends " " and a middle parameter: one word (up to a space; `*` when
// empty), one line, cut to 128 bytes (names are shorter; an echoed one may
// not be).
void append_middle(std::string& out, std::string_view param);

// Appends " :" and `text` as a trailing parameter, one line, cut at a UTF-8
// boundary so that the line from `line_start` stays within kLineMax.
void append_trailing(std::string& out, std::size_t line_start, std::string_view text);

// A private message, broadcast or room message for recipient `to` (a
// private message's target): the part every IRC recipient of the same
// TagSet shares. A text too long for one line becomes several, each with the
// same tags; `extra_tags` (`batch=...`, `msgid=...`) go first in each.
std::string message_line(const core::ChatMessage& m, TagSet tags, std::string_view to, std::string_view extra_tags = {},
                         std::string_view command = "PRIVMSG");

// The server-wide channel: a message to it is a broadcast to every user.
inline constexpr std::string_view kEveryone = "&everyone";
// The service user that answers commands in words.
inline constexpr std::string_view kService = "*parley";
inline constexpr std::string_view kServiceSource = "*parley!parley@parley";

}  // namespace parley::proto::irc
