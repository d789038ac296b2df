#include "store/sqlite/room_tables.hpp"

#include <algorithm>
#include <limits>

#include "store/sqlite/seconds.hpp"

namespace parley::store::sqlite {

namespace {

std::int64_t flag(bool b) { return b ? 1 : 0; }

std::int64_t single_number(Statement& st) {
  st.step();
  std::int64_t n = st.int64(0);
  st.reset();
  return n;
}

std::string room_name(Database& db, RoomId room) {
  auto& st = db.prepare("SELECT name FROM rooms WHERE id = ?1");
  st.bind(1, room);
  std::string name = st.step() ? st.text(0) : std::string();
  st.reset();
  return name;
}

}  // namespace

std::int64_t sql_limit(std::size_t limit) {
  constexpr auto most = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(std::min(limit, most));
}

RoomId highest_room_id(Database& db) {
  return single_number(db.prepare("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'rooms'), 0)"));
}

MessageId highest_room_message_id(Database& db) {
  return single_number(
      db.prepare("SELECT max(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'room_messages'), 0), "
                 "COALESCE((SELECT max(read_upto) FROM room_members), 0))"));
}

StoredMessage read_message(Statement& st, core::MessageKind kind, const std::string& room) {
  StoredMessage m;
  m.id = st.int64(0);
  m.message.kind = kind;
  m.message.id = m.id;
  m.message.room = room;
  m.message.sender = st.text(1);
  m.message.text = st.text(2);
  m.message.sent_at = from_seconds(st.int64(3));
  return m;
}

RoomsSnapshot load_rooms(Database& db) {
  RoomsSnapshot out;
  // Swept messages may have taken the newest away; what members have read
  // still counts as given.
  auto& rooms = db.prepare(R"sql(
    SELECT r.id, r.name, r.topic, r.invite_only, r.created,
           max(COALESCE((SELECT max(m.id) FROM room_messages m WHERE m.room_id = r.id), 0),
               COALESCE((SELECT max(p.read_upto) FROM room_members p WHERE p.room_id = r.id), 0))
      FROM rooms r ORDER BY r.id)sql");
  while (rooms.step()) {
    RoomRecord r;
    r.id = rooms.int64(0);
    r.name = rooms.text(1);
    r.topic = rooms.text(2);
    r.invite_only = rooms.int64(3) != 0;
    r.created = from_seconds(rooms.int64(4));
    r.last_message = rooms.int64(5);
    out.rooms.push_back(std::move(r));
  }
  rooms.reset();
  auto& members =
      db.prepare("SELECT room_id, account_id, owner, read_upto, since FROM room_members ORDER BY room_id, since");
  while (members.step()) {
    MembershipRecord m;
    m.room = members.int64(0);
    m.account = members.int64(1);
    m.owner = members.int64(2) != 0;
    m.read_upto = members.int64(3);
    m.since = members.int64(4);
    out.memberships.push_back(m);
  }
  members.reset();
  auto& invites = db.prepare("SELECT room_id, account_id, by FROM room_invites ORDER BY room_id, account_id");
  while (invites.step()) {
    InviteRecord i;
    i.room = invites.int64(0);
    i.account = invites.int64(1);
    i.by = invites.text(2);
    out.invites.push_back(std::move(i));
  }
  invites.reset();
  return out;
}

void insert_room(Database& db, RoomId id, const std::string& name, AccountId owner, core::TimePoint created,
                 MessageId read_upto) {
  db.prepare("INSERT INTO rooms(id, name, created) VALUES(?1, ?2, ?3)")
      .bind(1, id)
      .bind(2, name)
      .bind(3, to_seconds(created))
      .run();
  add_member(db, id, owner, true, read_upto, 0);
}

void delete_room(Database& db, RoomId room) {
  db.prepare("DELETE FROM room_messages WHERE room_id = ?1").bind(1, room).run();
  db.prepare("DELETE FROM room_invites WHERE room_id = ?1").bind(1, room).run();
  db.prepare("DELETE FROM room_members WHERE room_id = ?1").bind(1, room).run();
  db.prepare("DELETE FROM rooms WHERE id = ?1").bind(1, room).run();
}

void set_topic(Database& db, RoomId room, const std::string& topic) {
  db.prepare("UPDATE rooms SET topic = ?2 WHERE id = ?1").bind(1, room).bind(2, topic).run();
}

void set_invite_only(Database& db, RoomId room, bool invite_only) {
  db.prepare("UPDATE rooms SET invite_only = ?2 WHERE id = ?1").bind(1, room).bind(2, flag(invite_only)).run();
}

void add_member(Database& db, RoomId room, AccountId account, bool owner, MessageId read_upto, std::int64_t since) {
  db.prepare(
        "INSERT INTO room_members(room_id, account_id, owner, read_upto, since) VALUES(?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT(room_id, account_id) DO UPDATE SET owner = excluded.owner")
      .bind(1, room)
      .bind(2, account)
      .bind(3, flag(owner))
      .bind(4, read_upto)
      .bind(5, since)
      .run();
  remove_invite(db, room, account);
}

void set_owner(Database& db, RoomId room, AccountId account, bool owner) {
  db.prepare("UPDATE room_members SET owner = ?3 WHERE room_id = ?1 AND account_id = ?2")
      .bind(1, room)
      .bind(2, account)
      .bind(3, flag(owner))
      .run();
}

void remove_member(Database& db, RoomId room, AccountId account) {
  db.prepare("DELETE FROM room_members WHERE room_id = ?1 AND account_id = ?2").bind(1, room).bind(2, account).run();
}

void add_invite(Database& db, RoomId room, AccountId account, const std::string& by) {
  db.prepare(
        "INSERT INTO room_invites(room_id, account_id, by) VALUES(?1, ?2, ?3) "
        "ON CONFLICT(room_id, account_id) DO UPDATE SET by = excluded.by")
      .bind(1, room)
      .bind(2, account)
      .bind(3, by)
      .run();
}

void remove_invite(Database& db, RoomId room, AccountId account) {
  db.prepare("DELETE FROM room_invites WHERE room_id = ?1 AND account_id = ?2").bind(1, room).bind(2, account).run();
}

void insert_room_message(Database& db, MessageId id, RoomId room, AccountId sender, const core::ChatMessage& message) {
  db.prepare("INSERT INTO room_messages(id, room_id, sender_id, sender, body, sent_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)")
      .bind(1, id)
      .bind(2, room)
      .bind(3, sender)
      .bind(4, message.sender)
      .bind(5, message.text)
      .bind(6, to_seconds(message.sent_at))
      .run();
}

void set_read_positions(Database& db, AccountId account, const std::vector<std::pair<RoomId, MessageId>>& positions) {
  auto& st =
      db.prepare("UPDATE room_members SET read_upto = ?3 WHERE room_id = ?1 AND account_id = ?2 AND read_upto < ?3");
  for (const auto& [room, upto] : positions) st.bind(1, room).bind(2, account).bind(3, upto).run();
}

std::vector<UnreadRoom> fetch_unread(Database& db, const std::vector<UnreadQuery>& queries, std::size_t limit) {
  std::vector<UnreadRoom> out;
  out.reserve(queries.size());
  auto& count = db.prepare("SELECT count(*) FROM room_messages WHERE room_id = ?1 AND id > ?2 AND id <= ?3");
  auto& newest = db.prepare(
      "SELECT id, sender, body, sent_at FROM room_messages WHERE room_id = ?1 AND id > ?2 AND id <= ?3 "
      "ORDER BY id DESC LIMIT ?4");
  for (const auto& q : queries) {
    UnreadRoom unread;
    unread.room = q.room;
    unread.count = single_number(count.bind(1, q.room).bind(2, q.after).bind(3, q.upto));
    if (unread.count > 0 && limit > 0) {
      std::string name = room_name(db, q.room);
      newest.bind(1, q.room).bind(2, q.after).bind(3, q.upto).bind(4, sql_limit(limit));
      while (newest.step()) unread.messages.push_back(read_message(newest, core::MessageKind::room, name));
      newest.reset();
      std::reverse(unread.messages.begin(), unread.messages.end());
    }
    out.push_back(std::move(unread));
  }
  return out;
}

void forget_member(Database& db, AccountId account) {
  db.prepare("DELETE FROM room_members WHERE account_id = ?1").bind(1, account).run();
  db.prepare("DELETE FROM room_invites WHERE account_id = ?1").bind(1, account).run();
}

}  // namespace parley::store::sqlite
