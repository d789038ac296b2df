#include "store/sqlite/sqlite_store.hpp"

#include <algorithm>
#include <chrono>
#include <future>
#include <optional>

#include "metrics/histogram.hpp"
#include "metrics/registry.hpp"
#include "store/sqlite/history_tables.hpp"
#include "store/sqlite/private_files.hpp"
#include "store/sqlite/room_tables.hpp"
#include "store/sqlite/schema_upgrade.hpp"
#include "store/sqlite/seconds.hpp"

namespace parley::store {

namespace {

// The tables; upgrade_schema() then adds what later versions brought and
// sets the version.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS accounts(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  intro TEXT NOT NULL DEFAULT '',
  last_seen INTEGER,
  broadcast_cursor INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS accounts_by_cursor ON accounts(broadcast_cursor);
-- recipient_id NULL: a broadcast to every account, stored once.
CREATE TABLE IF NOT EXISTS messages(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  recipient_id INTEGER,
  sender_id INTEGER NOT NULL,
  sender TEXT NOT NULL,
  body TEXT NOT NULL,
  kind INTEGER NOT NULL,
  sent_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_recipient ON messages(recipient_id, id);
-- Accounts that received a broadcast live and must not get it again.
CREATE TABLE IF NOT EXISTS broadcast_seen(
  account_id INTEGER NOT NULL,
  message_id INTEGER NOT NULL,
  PRIMARY KEY(account_id, message_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS settings(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
-- Rooms; their ids come from the store ahead of the rows, AUTOINCREMENT
-- keeps them from being given twice.
CREATE TABLE IF NOT EXISTS rooms(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  topic TEXT NOT NULL DEFAULT '',
  invite_only INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS rooms_by_folded_name ON rooms(name COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS room_members(
  room_id INTEGER NOT NULL,
  account_id INTEGER NOT NULL,
  owner INTEGER NOT NULL DEFAULT 0,
  read_upto INTEGER NOT NULL DEFAULT 0,
  since INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(room_id, account_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS room_members_by_account ON room_members(account_id);
CREATE TABLE IF NOT EXISTS room_invites(
  room_id INTEGER NOT NULL,
  account_id INTEGER NOT NULL,
  by TEXT NOT NULL,
  PRIMARY KEY(room_id, account_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS room_invites_by_account ON room_invites(account_id);
-- One row per room message, whatever the number of members: each member's
-- read position says what it has seen.
CREATE TABLE IF NOT EXISTS room_messages(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id INTEGER NOT NULL,
  sender_id INTEGER NOT NULL,
  sender TEXT NOT NULL,
  body TEXT NOT NULL,
  sent_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS room_messages_by_room ON room_messages(room_id, id);
-- Private messages kept for history, each pair once: low_id < high_id.
CREATE TABLE IF NOT EXISTS private_history(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  low_id INTEGER NOT NULL,
  high_id INTEGER NOT NULL,
  sender_id INTEGER NOT NULL,
  sender TEXT NOT NULL,
  body TEXT NOT NULL,
  sent_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS private_history_by_pair ON private_history(low_id, high_id, id);
CREATE INDEX IF NOT EXISTS private_history_by_time ON private_history(sent_at);
)sql";

using sqlite::from_seconds;
using sqlite::to_seconds;

// A failure of the storage itself, not of one job's own doing.
bool storage_error(int code) { return (code & 0xff) == SQLITE_FULL || (code & 0xff) == SQLITE_IOERR; }

MessageId max_message_id(sqlite::Database& db) {
  // AUTOINCREMENT keeps the highest id ever used in sqlite_sequence, so a
  // cursor never falls behind ids of deleted rows.
  auto& st = db.prepare("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0)");
  st.step();
  MessageId id = st.int64(0);
  st.reset();
  return id;
}

// Ids of deleted accounts stay in messages they sent (sender_id), so a new
// account must never get one: the highest id ever deleted is kept.
constexpr const char* kDeletedIdKey = "highest_deleted_account_id";

AccountId next_account_id(sqlite::Database& db) {
  auto& st = db.prepare(
      "SELECT max(COALESCE((SELECT max(id) FROM accounts), 0), "
      "COALESCE((SELECT CAST(value AS INTEGER) FROM settings WHERE key = ?1), 0)) + 1");
  st.bind(1, kDeletedIdKey);
  st.step();
  AccountId id = st.int64(0);
  st.reset();
  return id;
}

// A broadcast every account's cursor has passed is needed by nobody.
void drop_delivered_broadcasts(sqlite::Database& db) {
  db.prepare(
        "DELETE FROM messages WHERE recipient_id IS NULL AND id <= "
        "(SELECT COALESCE(min(broadcast_cursor), 0) FROM accounts)")
      .run();
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path, std::size_t max_batch)
    : open_notes_(sqlite::make_files_private(path)), db_(path), max_batch_(max_batch) {
  sqlite3_busy_timeout(db_.handle(), 5000);
  db_.exec("PRAGMA journal_mode=WAL");
  db_.exec("PRAGMA synchronous=FULL");
  db_.exec("PRAGMA foreign_keys=ON");
  // Sorting a mailbox page needs no temporary file, so reading still works
  // when the disk is full.
  db_.exec("PRAGMA temp_store=MEMORY");
  // History tables grow by a row per message: with SQLite's default 2 MiB
  // page cache each insert rereads index pages through pread.
  db_.exec("PRAGMA cache_size=-32768");
  db_.exec(kSchema);
  sqlite::upgrade_schema(db_, path);
  last_room_id_ = sqlite::highest_room_id(db_);
  last_room_message_id_ = sqlite::highest_room_message_id(db_);
  thread_ = std::thread([this] { worker(); });
}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::uint64_t SqliteStore::commits() const {
  std::lock_guard lock(mutex_);
  return commits_;
}

std::uint64_t SqliteStore::rows_written() const {
  std::lock_guard lock(mutex_);
  return rows_written_;
}

template <class T, class Work>
SqliteStore::Job SqliteStore::make_job(Work work, Callback<T> done) {
  auto out = std::make_shared<std::optional<T>>();
  Job job;
  job.run = [out, work = std::move(work)](sqlite::Database& db) mutable { out->emplace(work(db)); };
  job.finish = [out, done = std::move(done)](const std::string* error) {
    if (!done) return;
    if (error)
      done(Result<T>::failure(*error));
    else
      done(Result<T>(std::move(**out)));
  };
  return job;
}

template <class T, class Work>
void SqliteStore::submit(Work work, Callback<T> done) {
  Job job = make_job<T>(std::move(work), std::move(done));
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

template <class Make>
std::int64_t SqliteStore::submit_numbered(std::int64_t& last, Make make) {
  std::int64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    id = ++last;
    queue_.push_back(make(id));
  }
  wake_.notify_one();
  return id;
}

template <class T, class Work>
T SqliteStore::call(Work work) {
  std::promise<Result<T>> promise;
  auto future = promise.get_future();
  submit<T>(std::move(work), Callback<T>([&promise](Result<T> r) { promise.set_value(std::move(r)); }));
  Result<T> r = future.get();
  if (!r.ok()) throw sqlite::Error(r.error());
  return std::move(r.value());
}

void SqliteStore::worker() {
  std::deque<Job> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is committed
      // Everything queued while the last commit was syncing goes in one
      // transaction: that is the group commit.
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    run_batch(batch);
    batch.clear();
  }
}

void SqliteStore::run_batch(std::deque<Job>& batch) {
  auto started = std::chrono::steady_clock::now();
  std::vector<std::optional<std::string>> errors(batch.size());
  std::int64_t written = 0;
  auto batch_error = run_transaction(batch, 0, batch.size(), errors, written);
  if (batch_error && batch.size() > 1) {
    // A commit that failed (disk full, I/O error) must not fail the reads
    // and writes that merely shared its transaction: each job runs again
    // alone and gets its own verdict.
    for (std::size_t i = 0; i < batch.size(); ++i) {
      errors[i].reset();
      if (auto error = run_transaction(batch, i, i + 1, errors, written)) errors[i] = std::move(error);
    }
  } else if (batch_error) {
    errors[0] = std::move(batch_error);
  }
  {
    std::lock_guard lock(mutex_);
    ++commits_;
    rows_written_ += static_cast<std::uint64_t>(written);
  }
  auto latency = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started);
  metrics::add(metrics::Figure::store_commits);
  metrics::add(metrics::Figure::store_commit_nanoseconds, latency.count());
  metrics::add(metrics::commit_bucket(latency));
  auto failed = std::count_if(errors.begin(), errors.end(), [](const auto& e) { return e.has_value(); });
  if (failed > 0) metrics::add(metrics::Figure::store_failures, failed);
  if (written > 0) metrics::add(metrics::Figure::store_rows_written, written);
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i].finish(errors[i] ? &*errors[i] : nullptr);
}

std::optional<std::string> SqliteStore::run_transaction(std::deque<Job>& batch, std::size_t first, std::size_t last,
                                                        std::vector<std::optional<std::string>>& errors,
                                                        std::int64_t& written) {
  auto changes_before = sqlite3_total_changes64(db_.handle());
  std::int64_t kept = 0;  // rows changed by jobs that did not roll back
  bool storage_failed = false;
  std::optional<std::string> error;
  try {
    db_.exec("BEGIN IMMEDIATE");
    for (std::size_t i = first; i < last; ++i) {
      db_.exec("SAVEPOINT job");
      auto job_before = sqlite3_total_changes64(db_.handle());
      try {
        batch[i].run(db_);
        db_.exec("RELEASE job");
        kept += sqlite3_total_changes64(db_.handle()) - job_before;
      } catch (const std::exception& e) {
        errors[i] = e.what();
        storage_failed = storage_failed || storage_error(sqlite3_extended_errcode(db_.handle()));
        db_.exec("ROLLBACK TO job");
        db_.exec("RELEASE job");
      }
    }
    db_.exec("COMMIT");
    written += kept;
  } catch (const std::exception& e) {
    error = e.what();
    storage_failed = true;
    if (!sqlite3_get_autocommit(db_.handle())) {
      try {
        db_.exec("ROLLBACK");
      } catch (const std::exception&) {
      }
    }
  }
  // Only a transaction that wrote tells whether writing works.
  if (storage_failed || sqlite3_total_changes64(db_.handle()) != changes_before) storage_failing_ = storage_failed;
  return error;
}

void SqliteStore::flush() {
  call<Done>([](sqlite::Database&) { return Done{}; });
}

std::vector<AccountRecord> SqliteStore::load_accounts() {
  return call<std::vector<AccountRecord>>([](sqlite::Database& db) {
    std::vector<AccountRecord> out;
    auto& st =
        db.prepare("SELECT id, name, password_hash, intro, last_seen, manager, disabled FROM accounts ORDER BY id");
    while (st.step()) {
      AccountRecord r;
      r.id = st.int64(0);
      r.name = st.text(1);
      r.password_hash = st.text(2);
      r.intro = st.text(3);
      if (!st.is_null(4)) r.last_seen = from_seconds(st.int64(4));
      r.manager = core::parse_account_manager(st.text(5)).value_or(core::AccountManager::file);
      r.disabled = st.int64(6) != 0;
      out.push_back(std::move(r));
    }
    st.reset();
    return out;
  });
}

std::vector<AccountRecord> SqliteStore::save_accounts(std::vector<NewAccount> created,
                                                      std::vector<PasswordChange> changed) {
  return call<std::vector<AccountRecord>>(
      [created = std::move(created), changed = std::move(changed)](sqlite::Database& db) mutable {
        std::vector<AccountRecord> out;
        // A new account starts past every existing broadcast.
        MessageId cursor = max_message_id(db);
        AccountId next_id = created.empty() ? 0 : next_account_id(db);
        auto& insert = db.prepare(
            "INSERT INTO accounts(id, name, password_hash, broadcast_cursor, manager) VALUES(?1, ?2, ?3, ?4, ?5)");
        out.reserve(created.size());
        for (auto& a : created) {
          insert.bind(1, next_id)
              .bind(2, a.name)
              .bind(3, a.password_hash)
              .bind(4, cursor)
              .bind(5, std::string(core::to_string(a.manager)))
              .run();
          AccountRecord r;
          r.id = next_id++;
          r.name = std::move(a.name);
          r.password_hash = std::move(a.password_hash);
          r.manager = a.manager;
          out.push_back(std::move(r));
        }
        auto& update = db.prepare("UPDATE accounts SET password_hash = ?2, manager = ?3, disabled = 0 WHERE id = ?1");
        for (const auto& c : changed)
          update.bind(1, c.id).bind(2, c.password_hash).bind(3, std::string(core::to_string(c.manager))).run();
        return out;
      });
}

void SqliteStore::set_disabled(const std::vector<AccountId>& ids, bool disabled) {
  call<Done>([ids, disabled](sqlite::Database& db) {
    auto& st = db.prepare("UPDATE accounts SET disabled = ?2 WHERE id = ?1");
    for (AccountId id : ids) st.bind(1, id).bind(2, std::int64_t{disabled ? 1 : 0}).run();
    return Done{};
  });
}

void SqliteStore::delete_account(AccountId id) {
  call<Done>([id](sqlite::Database& db) {
    db.prepare("DELETE FROM messages WHERE recipient_id = ?1").bind(1, id).run();
    db.prepare("DELETE FROM broadcast_seen WHERE account_id = ?1").bind(1, id).run();
    sqlite::forget_member(db, id);
    db.prepare("DELETE FROM accounts WHERE id = ?1").bind(1, id).run();
    db.prepare(
          "INSERT INTO settings(key, value) VALUES(?1, ?2) "
          "ON CONFLICT(key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))")
        .bind(1, kDeletedIdKey)
        .bind(2, std::to_string(id))
        .run();
    drop_delivered_broadcasts(db);
    return Done{};
  });
}

std::optional<std::string> SqliteStore::get_setting(const std::string& key) {
  return call<std::optional<std::string>>([key](sqlite::Database& db) {
    auto& st = db.prepare("SELECT value FROM settings WHERE key = ?1");
    st.bind(1, key);
    std::optional<std::string> value;
    if (st.step()) value = st.text(0);
    st.reset();
    return value;
  });
}

void SqliteStore::put_setting(const std::string& key, const std::string& value) {
  call<Done>([key, value](sqlite::Database& db) {
    db.prepare("INSERT INTO settings(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .bind(1, key)
        .bind(2, value)
        .run();
    return Done{};
  });
}

void SqliteStore::set_intro(AccountId id, std::string intro, Callback<Done> done) {
  submit<Done>(
      [id, intro = std::move(intro)](sqlite::Database& db) {
        db.prepare("UPDATE accounts SET intro = ?2 WHERE id = ?1").bind(1, id).bind(2, intro).run();
        return Done{};
      },
      std::move(done));
}

void SqliteStore::set_last_seen(AccountId id, core::TimePoint when, Callback<Done> done) {
  submit<Done>(
      [id, when](sqlite::Database& db) {
        db.prepare("UPDATE accounts SET last_seen = max(COALESCE(last_seen, 0), ?2) WHERE id = ?1")
            .bind(1, id)
            .bind(2, to_seconds(when))
            .run();
        return Done{};
      },
      std::move(done));
}

void SqliteStore::save_direct(std::vector<AccountId> recipients, AccountId sender, core::ChatMessage message,
                              Callback<Done> done) {
  submit<Done>(
      [recipients = std::move(recipients), sender, message = std::move(message)](sqlite::Database& db) {
        auto& st = db.prepare(
            "INSERT INTO messages(recipient_id, sender_id, sender, body, kind, sent_at) VALUES(?1, ?2, ?3, ?4, ?5, "
            "?6)");
        for (AccountId r : recipients) {
          st.bind(1, r)
              .bind(2, sender)
              .bind(3, message.sender)
              .bind(4, message.text)
              .bind(5, static_cast<std::int64_t>(message.kind))
              .bind(6, to_seconds(message.sent_at))
              .run();
        }
        return Done{};
      },
      std::move(done));
}

void SqliteStore::save_broadcast(AccountId sender, core::ChatMessage message, std::vector<AccountId> seen_live,
                                 Callback<Done> done) {
  submit<Done>(
      [sender, message = std::move(message), seen_live = std::move(seen_live)](sqlite::Database& db) {
        db.prepare(
              "INSERT INTO messages(recipient_id, sender_id, sender, body, kind, sent_at) "
              "VALUES(NULL, ?1, ?2, ?3, ?4, ?5)")
            .bind(1, sender)
            .bind(2, message.sender)
            .bind(3, message.text)
            .bind(4, static_cast<std::int64_t>(message.kind))
            .bind(5, to_seconds(message.sent_at))
            .run();
        MessageId id = db.last_insert_id();
        auto& seen = db.prepare("INSERT OR IGNORE INTO broadcast_seen(account_id, message_id) VALUES(?1, ?2)");
        for (AccountId a : seen_live) seen.bind(1, a).bind(2, id).run();
        return Done{};
      },
      std::move(done));
}

void SqliteStore::fetch_mailbox(AccountId id, MessageId after, std::size_t limit, Callback<MailboxPage> done) {
  submit<MailboxPage>(
      [this, id, after, limit](sqlite::Database& db) {
        MailboxPage page;
        page.writes_failing = storage_failing_;
        MessageId newest = max_message_id(db);
        auto& st = db.prepare(R"sql(
          SELECT id, sender, body, kind, sent_at FROM messages
            WHERE recipient_id = ?1 AND id > ?2
          UNION ALL
          SELECT m.id, m.sender, m.body, m.kind, m.sent_at FROM messages m
            WHERE m.recipient_id IS NULL
              AND m.id > max(?2, (SELECT broadcast_cursor FROM accounts WHERE id = ?1))
              AND m.sender_id != ?1
              AND NOT EXISTS (SELECT 1 FROM broadcast_seen s WHERE s.account_id = ?1 AND s.message_id = m.id)
          ORDER BY 1 LIMIT ?3)sql");
        st.bind(1, id).bind(2, after).bind(3, static_cast<std::int64_t>(limit) + 1);
        while (st.step()) {
          if (page.messages.size() == limit) {
            page.more = true;
            break;
          }
          StoredMessage m;
          m.id = st.int64(0);
          m.message.sender = st.text(1);
          m.message.text = st.text(2);
          m.message.kind = static_cast<core::MessageKind>(st.int64(3));
          m.message.sent_at = from_seconds(st.int64(4));
          page.messages.push_back(std::move(m));
        }
        st.reset();
        page.upto = page.more ? page.messages.back().id : newest;
        return page;
      },
      std::move(done));
}

void SqliteStore::ack_mailbox(AccountId id, MessageId upto, Callback<Done> done) {
  submit<Done>(
      [id, upto](sqlite::Database& db) {
        db.prepare("DELETE FROM messages WHERE recipient_id = ?1 AND id <= ?2").bind(1, id).bind(2, upto).run();
        db.prepare("UPDATE accounts SET broadcast_cursor = max(broadcast_cursor, ?2) WHERE id = ?1")
            .bind(1, id)
            .bind(2, upto)
            .run();
        db.prepare("DELETE FROM broadcast_seen WHERE account_id = ?1 AND message_id <= ?2")
            .bind(1, id)
            .bind(2, upto)
            .run();
        drop_delivered_broadcasts(db);
        return Done{};
      },
      std::move(done));
}

// count(*) over the messages table walks its smallest index without reading
// the rows: milliseconds for a million waiting messages.
void SqliteStore::probe(Callback<Probe> done) {
  submit<Probe>(
      [](sqlite::Database& db) {
        auto& st = db.prepare("SELECT count(*) FROM messages");
        st.step();
        Probe probe;
        probe.stored_messages = st.int64(0);
        st.reset();
        return probe;
      },
      std::move(done));
}

RoomsSnapshot SqliteStore::load_rooms() {
  return call<RoomsSnapshot>([](sqlite::Database& db) { return sqlite::load_rooms(db); });
}

RoomId SqliteStore::create_room(std::string name, AccountId owner, core::TimePoint created, MessageId read_upto,
                                Callback<Done> done) {
  return submit_numbered(last_room_id_, [&](RoomId id) {
    return make_job<Done>(
        [id, name = std::move(name), owner, created, read_upto](sqlite::Database& db) {
          sqlite::insert_room(db, id, name, owner, created, read_upto);
          return Done{};
        },
        std::move(done));
  });
}

void SqliteStore::delete_room(RoomId room, Callback<Done> done) {
  submit<Done>(
      [room](sqlite::Database& db) {
        sqlite::delete_room(db, room);
        return Done{};
      },
      std::move(done));
}

void SqliteStore::set_topic(RoomId room, std::string topic, Callback<Done> done) {
  submit<Done>(
      [room, topic = std::move(topic)](sqlite::Database& db) {
        sqlite::set_topic(db, room, topic);
        return Done{};
      },
      std::move(done));
}

void SqliteStore::set_invite_only(RoomId room, bool invite_only, Callback<Done> done) {
  submit<Done>(
      [room, invite_only](sqlite::Database& db) {
        sqlite::set_invite_only(db, room, invite_only);
        return Done{};
      },
      std::move(done));
}

void SqliteStore::add_member(RoomId room, AccountId account, bool owner, MessageId read_upto, std::int64_t since,
                             Callback<Done> done) {
  submit<Done>(
      [room, account, owner, read_upto, since](sqlite::Database& db) {
        sqlite::add_member(db, room, account, owner, read_upto, since);
        return Done{};
      },
      std::move(done));
}

void SqliteStore::set_owner(RoomId room, AccountId account, bool owner, Callback<Done> done) {
  submit<Done>(
      [room, account, owner](sqlite::Database& db) {
        sqlite::set_owner(db, room, account, owner);
        return Done{};
      },
      std::move(done));
}

void SqliteStore::remove_member(RoomId room, AccountId account, Callback<Done> done) {
  submit<Done>(
      [room, account](sqlite::Database& db) {
        sqlite::remove_member(db, room, account);
        return Done{};
      },
      std::move(done));
}

void SqliteStore::add_invite(RoomId room, AccountId account, std::string by, Callback<Done> done) {
  submit<Done>(
      [room, account, by = std::move(by)](sqlite::Database& db) {
        sqlite::add_invite(db, room, account, by);
        return Done{};
      },
      std::move(done));
}

void SqliteStore::remove_invite(RoomId room, AccountId account, Callback<Done> done) {
  submit<Done>(
      [room, account](sqlite::Database& db) {
        sqlite::remove_invite(db, room, account);
        return Done{};
      },
      std::move(done));
}

MessageId SqliteStore::save_room_message(RoomId room, AccountId sender, core::ChatMessage message,
                                         Callback<Done> done) {
  return submit_numbered(last_room_message_id_, [&](MessageId id) {
    return make_job<Done>(
        [id, room, sender, message = std::move(message)](sqlite::Database& db) {
          sqlite::insert_room_message(db, id, room, sender, message);
          return Done{};
        },
        std::move(done));
  });
}

void SqliteStore::set_read_positions(AccountId account, std::vector<std::pair<RoomId, MessageId>> positions,
                                     Callback<Done> done) {
  submit<Done>(
      [account, positions = std::move(positions)](sqlite::Database& db) {
        sqlite::set_read_positions(db, account, positions);
        return Done{};
      },
      std::move(done));
}

void SqliteStore::fetch_unread(std::vector<UnreadQuery> queries, std::size_t limit,
                               Callback<std::vector<UnreadRoom>> done) {
  submit<std::vector<UnreadRoom>>(
      [queries = std::move(queries), limit](sqlite::Database& db) { return sqlite::fetch_unread(db, queries, limit); },
      std::move(done));
}

void SqliteStore::write_history_rows(sqlite::Database& db) {
  std::vector<HistoryRow> rows;
  {
    std::lock_guard lock(mutex_);
    rows.swap(history_rows_);
  }
  for (const auto& r : rows) sqlite::insert_private_history(db, r.sender, r.recipient, r.message);
}

void SqliteStore::save_private_history(AccountId sender, AccountId recipient, core::ChatMessage message,
                                       Callback<Done> done) {
  if (!done) {
    bool dropped = false;
    {
      std::lock_guard lock(mutex_);
      if (history_rows_.size() >= kMaxHistoryRows) {
        dropped = true;
      } else {
        // The first row of a batch brings the job that writes them all.
        if (history_rows_.empty())
          queue_.push_back(make_job<Done>(
              [this](sqlite::Database& db) {
                write_history_rows(db);
                return Done{};
              },
              nullptr));
        history_rows_.push_back({sender, recipient, std::move(message)});
      }
    }
    if (dropped) return metrics::add(metrics::Figure::history_rows_dropped);
    wake_.notify_one();
    return;
  }
  submit<Done>(
      [sender, recipient, message = std::move(message)](sqlite::Database& db) {
        sqlite::insert_private_history(db, sender, recipient, message);
        return Done{};
      },
      std::move(done));
}

void SqliteStore::fetch_history(Conversation conversation, MessageId before, std::size_t limit,
                                Callback<HistoryPage> done) {
  submit<HistoryPage>([conversation, before,
                       limit](sqlite::Database& db) { return sqlite::fetch_history(db, conversation, before, limit); },
                      std::move(done));
}

void SqliteStore::sweep_history(RetentionSweep sweep, Callback<SweepStats> done) {
  submit<SweepStats>([sweep = std::move(sweep)](sqlite::Database& db) { return sqlite::sweep_history(db, sweep); },
                     std::move(done));
}

}  // namespace parley::store
