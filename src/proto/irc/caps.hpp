// The IRCv3 capabilities parleyd offers, as bits, and the CAP sub-commands'
// text: what `CAP LS` lists and what a `CAP REQ` asks for.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley::proto::irc {

using Caps = std::uint32_t;

namespace cap {
inline constexpr Caps sasl = 1u << 0;
inline constexpr Caps server_time = 1u << 1;
inline constexpr Caps message_tags = 1u << 2;
inline constexpr Caps echo_message = 1u << 3;
inline constexpr Caps batch = 1u << 4;
inline constexpr Caps labeled_response = 1u << 5;
inline constexpr Caps away_notify = 1u << 6;
inline constexpr Caps account_tag = 1u << 7;
inline constexpr Caps extended_join = 1u << 8;
inline constexpr Caps multi_prefix = 1u << 9;
inline constexpr Caps userhost_in_names = 1u << 10;
inline constexpr Caps chathistory = 1u << 11;
inline constexpr Caps cap_notify = 1u << 12;
inline constexpr Caps invite_notify = 1u << 13;
inline constexpr Caps setname = 1u << 14;
}  // namespace cap

// `CAP LS`'s list; with `version` 302 and above, values too (sasl=PLAIN).
std::string cap_list(int version);

// A `CAP REQ` list: the caps to add and to remove, or nullopt when any name
// is unknown (the whole request is refused, per the spec).
struct CapRequest {
  Caps add = 0;
  Caps remove = 0;
};
std::optional<CapRequest> parse_cap_request(std::string_view list);

// The names of `caps`, space-separated (for ACK and LIST).
std::string cap_names(Caps caps);

}  // namespace parley::proto::irc
