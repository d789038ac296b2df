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

  // Counters for tests and benchmarks.
  std::uint64_t commits() const;
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
  void submit(Work work, Callback<T> done);
  template <class T, class Work>
  T call(Work work);
  void worker();
  void run_batch(std::deque<Job>& batch);
  // Runs jobs [first, last) in one transaction; returns the error that
  // failed the transaction as a whole, if any.
  std::optional<std::string> run_transaction(std::deque<Job>& batch, std::size_t first, std::size_t last,
                                             std::vector<std::optional<std::string>>& errors);

  std::vector<std::string> open_notes_;  // before db_: the files are made private before SQLite opens them
  sqlite::Database db_;
  std::size_t max_batch_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::uint64_t commits_ = 0;
  // Store thread only: the last write failed for the storage's sake (disk
  // full, I/O error) rather than its own.
  bool storage_failing_ = false;
  std::thread thread_;
};

}  // namespace parley::store
