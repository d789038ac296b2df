// Kept conversations in SQLite: private history, pages of a room's or a
// private pair's messages, and the retention sweep. Run on the store
// thread, inside its transaction.
#pragma once

#include <cstddef>

#include "store/sqlite/database.hpp"
#include "store/store.hpp"

namespace parley::store::sqlite {

void insert_private_history(Database& db, AccountId sender, AccountId recipient, const core::ChatMessage& message);
HistoryPage fetch_history(Database& db, const Conversation& conversation, MessageId before, std::size_t limit);
SweepStats sweep_history(Database& db, const RetentionSweep& sweep);

}  // namespace parley::store::sqlite
