// Rooms, their members, invitations and messages in SQLite: the statements
// the store's jobs run, on the store thread, inside its transaction.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "store/sqlite/database.hpp"
#include "store/store.hpp"

namespace parley::store::sqlite {

// The highest ids ever given, deleted rows included, so that ids handed
// out ahead of their rows never repeat one. A message id a member has read
// counts as given even if its row was never written.
RoomId highest_room_id(Database& db);
MessageId highest_room_message_id(Database& db);

// The message in the current row of `st`, whose columns are id, sender,
// body and sent_at.
StoredMessage read_message(Statement& st, core::MessageKind kind, const std::string& room);

RoomsSnapshot load_rooms(Database& db);
// The room, with `owner` its first member.
void insert_room(Database& db, RoomId id, const std::string& name, AccountId owner, core::TimePoint created,
                 MessageId read_upto);
void delete_room(Database& db, RoomId room);
void set_topic(Database& db, RoomId room, const std::string& topic);
void set_invite_only(Database& db, RoomId room, bool invite_only);
void add_member(Database& db, RoomId room, AccountId account, bool owner, MessageId read_upto, std::int64_t since);
void set_owner(Database& db, RoomId room, AccountId account, bool owner);
void remove_member(Database& db, RoomId room, AccountId account);
void add_invite(Database& db, RoomId room, AccountId account, const std::string& by);
void remove_invite(Database& db, RoomId room, AccountId account);
void insert_room_message(Database& db, MessageId id, RoomId room, AccountId sender, const core::ChatMessage& message);
void set_read_positions(Database& db, AccountId account, const std::vector<std::pair<RoomId, MessageId>>& positions);
std::vector<UnreadRoom> fetch_unread(Database& db, const std::vector<UnreadQuery>& queries, std::size_t limit);
// The account's memberships and invitations, when the account goes.
void forget_member(Database& db, AccountId account);

// SQLite's LIMIT takes a signed number.
std::int64_t sql_limit(std::size_t limit);

}  // namespace parley::store::sqlite
