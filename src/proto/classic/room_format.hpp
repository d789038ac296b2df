// The classic protocol's strings for rooms and history. Like format.hpp,
// pinned by docs/PROTOCOL.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/chat_service.hpp"
#include "core/message.hpp"
#include "core/rooms.hpp"
#include "proto/classic/commands.hpp"
#include "store/store.hpp"

namespace parley::proto::classic {

// Live lines: "[#room] alice: hello", the room's events, an invitation.
std::string room_line(const core::ChatMessage& message);
// "[2026-11-30T14:05:03Z] alice: hello": stored messages in history and
// unread listings, with the time in UTC for the reader to convert.
std::string stamped_line(const core::ChatMessage& message);
std::string utc_stamp(core::TimePoint when);

// A command's answer when the chat rules said no (or, for a few, yes).
std::string room_error(const core::RoomReply& reply, std::string_view user);
std::string joined(const core::RoomReply& reply);
std::string left(std::string_view room);
std::string topic_is(const core::RoomReply& reply);
std::string topic_set(const core::RoomReply& reply);
std::string member_done(MemberAction action, const core::RoomReply& reply);
std::string access_set(const core::RoomReply& reply, bool invite_only);
std::string room_listing(const core::RoomListing& listing);
std::string member_listing(const core::MembersReply& reply);

std::string unread_header(const core::RoomUnread& room);
std::string history_header(std::string_view conversation);
std::string history_empty(std::string_view conversation);
std::string history_earlier(std::int64_t older);
std::string history_error(const core::HistoryReply& reply);
inline constexpr std::string_view kHistoryNothingMore =
    "Error: no history listing to continue; use 'history <user>|#room [<n>]'\n";
std::string history_range();
std::string room_limit(core::RoomStatus status, std::size_t limit);
inline constexpr std::string_view kRoomChangeFailed = "Error: the change could not be saved; please try again\n";

}  // namespace parley::proto::classic
