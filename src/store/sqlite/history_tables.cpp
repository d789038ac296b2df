#include "store/sqlite/history_tables.hpp"

#include <algorithm>
#include <limits>

#include "store/sqlite/room_tables.hpp"
#include "store/sqlite/seconds.hpp"

namespace parley::store::sqlite {

namespace {

// A private pair is stored once, whoever sent: lower id first.
std::pair<AccountId, AccountId> pair_of(AccountId a, AccountId b) { return {std::min(a, b), std::max(a, b)}; }

// Runs `page` (the conversation as `bind` sets it, ?3: ids below, ?4: the
// limit; newest first) and `older` (the conversation, ?3: ids below).
template <class Bind>
HistoryPage read_page(Statement& page, Statement& older, Bind bind, MessageId before, std::size_t limit,
                      core::MessageKind kind, const std::string& room) {
  HistoryPage out;
  bind(page);
  page.bind(3, before).bind(4, sql_limit(limit));
  while (page.step()) out.messages.push_back(read_message(page, kind, room));
  page.reset();
  std::reverse(out.messages.begin(), out.messages.end());
  MessageId first = out.messages.empty() ? before : out.messages.front().id;
  bind(older);
  older.bind(3, first);
  older.step();
  out.older = older.int64(0);
  older.reset();
  return out;
}

}  // namespace

void insert_private_history(Database& db, AccountId sender, AccountId recipient, const core::ChatMessage& message) {
  auto [low, high] = pair_of(sender, recipient);
  db.prepare(
        "INSERT INTO private_history(low_id, high_id, sender_id, sender, body, sent_at) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6)")
      .bind(1, low)
      .bind(2, high)
      .bind(3, sender)
      .bind(4, message.sender)
      .bind(5, message.text)
      .bind(6, to_seconds(message.sent_at))
      .run();
}

HistoryPage fetch_history(Database& db, const Conversation& conversation, MessageId before, std::size_t limit) {
  // 0 means no bound; no id reaches the largest number.
  if (before <= 0) before = std::numeric_limits<MessageId>::max();
  if (conversation.room != 0) {
    auto& name = db.prepare("SELECT name FROM rooms WHERE id = ?1");
    name.bind(1, conversation.room);
    std::string room = name.step() ? name.text(0) : std::string();
    name.reset();
    auto& page = db.prepare(
        "SELECT id, sender, body, sent_at FROM room_messages WHERE room_id = ?1 AND id < ?3 ORDER BY id DESC LIMIT ?4");
    auto& older = db.prepare("SELECT count(*) FROM room_messages WHERE room_id = ?1 AND id < ?3");
    auto bind = [&](Statement& st) { st.bind(1, conversation.room); };
    return read_page(page, older, bind, before, limit, core::MessageKind::room, room);
  }
  auto [low, high] = pair_of(conversation.a, conversation.b);
  auto& page = db.prepare(
      "SELECT id, sender, body, sent_at FROM private_history WHERE low_id = ?1 AND high_id = ?2 AND id < ?3 "
      "ORDER BY id DESC LIMIT ?4");
  auto& older = db.prepare("SELECT count(*) FROM private_history WHERE low_id = ?1 AND high_id = ?2 AND id < ?3");
  auto bind = [&, low = low, high = high](Statement& st) { st.bind(1, low).bind(2, high); };
  return read_page(page, older, bind, before, limit, core::MessageKind::private_message, {});
}

SweepStats sweep_history(Database& db, const RetentionSweep& sweep) {
  SweepStats stats;
  std::int64_t cutoff = to_seconds(sweep.cutoff);
  db.prepare("DELETE FROM private_history WHERE sent_at < ?1").bind(1, cutoff).run();
  stats.private_messages = sqlite3_changes64(db.handle());
  auto& rooms = db.prepare("DELETE FROM room_messages WHERE room_id = ?1 AND id <= ?2 AND sent_at < ?3");
  for (const auto& [room, upto] : sweep.read_by_all) {
    rooms.bind(1, room).bind(2, upto).bind(3, cutoff).run();
    stats.room_messages += sqlite3_changes64(db.handle());
  }
  return stats;
}

}  // namespace parley::store::sqlite
