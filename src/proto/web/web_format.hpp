// The web protocol's events and objects, written as JSON (docs/WEB.md). Pure
// functions: what a chat message, a user or a room looks like on the wire.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/chat_service.hpp"
#include "core/rooms.hpp"
#include "session/admission.hpp"

namespace parley::proto::web {

// UTC, ISO 8601 with milliseconds: "2026-11-30T17:55:02.123Z".
std::string iso_time(core::TimePoint when);

// A live message or event as every web recipient gets it (one line), or
// nothing for a kind the protocol does not show.
std::string live_line(const core::ChatMessage& message);

// A chat message (private, broadcast, room) as a `message` object. `id`:
// the store's, 0 for none; `to`: a private message's recipient, when the
// reader cannot tell; `offline`: it waited in the mailbox.
std::string message_object(const core::ChatMessage& message, std::int64_t id, std::string_view to, bool offline);

std::string user_object(const core::UserSummary& user);
std::string users_array(const std::vector<core::UserSummary>& users);
std::string room_object(const core::RoomInfo& room);
std::string rooms_array(const std::vector<core::RoomInfo>& rooms);

// What a refusal or an error is called on the wire.
std::string_view refusal_code(session::Refusal why);
std::string_view room_status_code(core::RoomStatus status);
std::string_view admin_end_reason(core::AdminEnd why);

// {"type":"error","code":...,"text":...,"ref":...}
std::string error_line(std::string_view code, std::string_view text, std::string_view ref);
// {"type":"bye","reason":...,"text":...}
std::string bye_line(std::string_view reason, std::string_view text);

// A classic protocol reply as a text field: without its line ending.
std::string_view words(std::string_view classic_line);

}  // namespace parley::proto::web
