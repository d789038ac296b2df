// The SQLite store: one writer thread, group commit, WAL with synchronous=FULL.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/database.hpp"
#include "store/store.hpp"

namespace parley::store {

class SqliteStore final : public Store {
 public:
  // Opens (creating if needed) the database, its files owner-only, and
  // starts the store thread.
  explicit SqliteStore(const std::string& path, std::size_t max_batch = 512);
  ~SqliteStore() override;

  std::vector<AccountRecord> load_accounts() override;
  std::vector<AccountRecord> save_accounts(std::vector<NewAccount> created,
                                           std::vector<PasswordChange> changed) override;
  void set_disabled(const std::vector<AccountId>& ids, bool disabled) override;
  void delete_account(AccountId id) override;
  std::optional<std::string> get_setting(const std::string& key) override;
  void put_setting(const std::string& key, const std::string& value) override;
  void flush() override;

  void set_intro(AccountId id, std::string intro, Callback<Done> done) override;
  void set_last_seen(AccountId id, core::TimePoint when, Callback<Done> done) override;
  void save_direct(std::vector<AccountId> recipients, AccountId sender, core::ChatMessage message,
                   Callback<Done> done) override;
  void save_broadcast(AccountId sender, core::ChatMessage message, std::vector<AccountId> seen_live,
                      Callback<Done> done) override;
  void fetch_mailbox(AccountId id, MessageId after, std::size_t limit, Callback<MailboxPage> done) override;
  void ack_mailbox(AccountId id, MessageId upto, Callback<Done> done) override;
  void probe(Callback<Probe> done) override;

  RoomsSnapshot load_rooms() override;
  RoomId create_room(std::string name, AccountId owner, core::TimePoint created, MessageId read_upto,
                     Callback<Done> done) override;
  void delete_room(RoomId room, Callback<Done> done) override;
  void set_topic(RoomId room, std::string topic, Callback<Done> done) override;
  void set_invite_only(RoomId room, bool invite_only, Callback<Done> done) override;
  void add_member(RoomId room, AccountId account, bool owner, MessageId read_upto, std::int64_t since,
                  Callback<Done> done) override;
  void set_owner(RoomId room, AccountId account, bool owner, Callback<Done> done) override;
  void remove_member(RoomId room, AccountId account, Callback<Done> done) override;
  void add_invite(RoomId room, AccountId account, std::string by, Callback<Done> done) override;
  void remove_invite(RoomId room, AccountId account, Callback<Done> done) override;
  MessageId save_room_message(RoomId room, AccountId sender, core::ChatMessage message, Callback<Done> done) override;
  void set_read_positions(AccountId account, std::vector<std::pair<RoomId, MessageId>> positions,
                          Callback<Done> done) override;
  void fetch_unread(std::vector<UnreadQuery> queries, std::size_t limit,
                    Callback<std::vector<UnreadRoom>> done) override;

  void save_private_history(AccountId sender, AccountId recipient, core::ChatMessage message,
                            Callback<Done> done) override;
  void fetch_history(Conversation conversation, MessageId before, std::size_t limit,
                     Callback<HistoryPage> done) override;
  void sweep_history(RetentionSweep sweep, Callback<SweepStats> done) override;

  // Counters for tests and benchmarks.
  std::uint64_t commits() const;
  // Rows inserted, updated or deleted by committed jobs.
  std::uint64_t rows_written() const;
  // What opening found and changed (a file's mode tightened, an empty
  // database set up), one line each for the log.
  const std::vector<std::string>& open_notes() const { return open_notes_; }

 private:
  // `run` executes inside the batch's transaction (and its own savepoint);
  // `finish` reports the outcome after the commit.
  struct Job {
    std::function<void(sqlite::Database&)> run;
    std::function<void(const std::string* error)> finish;
  };

  template <class T, class Work>
  static Job make_job(Work work, Callback<T> done);
  template <class T, class Work>
  void submit(Work work, Callback<T> done);
  // Takes the next id from `last` and queues the job `make(id)` under one
  // lock, so ids follow the order of submission; returns the id.
  template <class Make>
  std::int64_t submit_numbered(std::int64_t& last, Make make);
  template <class T, class Work>
  T call(Work work);
  void worker();
  void run_batch(std::deque<Job>& batch);
  // Runs jobs [first, last) in one transaction; returns the error that
  // failed the transaction as a whole, if any.
  // Adds to `written` the rows its committed jobs changed.
  std::optional<std::string> run_transaction(std::deque<Job>& batch, std::size_t first, std::size_t last,
                                             std::vector<std::optional<std::string>>& errors, std::int64_t& written);

  std::vector<std::string> open_notes_;  // before db_: the files are made private before SQLite opens them
  sqlite::Database db_;
  std::size_t max_batch_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::uint64_t commits_ = 0;
  std::uint64_t rows_written_ = 0;
  // The last ids handed out, ahead of their rows.
  RoomId last_room_id_ = 0;
  MessageId last_room_message_id_ = 0;
  // Private history that nobody waits for: rows gather here and one job
  // writes all that came meanwhile, so a busy server pays one job per
  // batch, not one per message. Bounded: past it rows are dropped (and
  // counted), never the server's memory.
  struct HistoryRow {
    AccountId sender = 0;
    AccountId recipient = 0;
    core::ChatMessage message;
  };
  std::vector<HistoryRow> history_rows_;
  static constexpr std::size_t kMaxHistoryRows = 100'000;
  void write_history_rows(sqlite::Database& db);
  // Store thread only: the last write failed for the storage's sake (disk
  // full, I/O error) rather than its own.
  bool storage_failing_ = false;
  std::thread thread_;
};

}  // namespace parley::store
