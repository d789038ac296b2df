// Durable state behind an interface: SQLite now, other back ends later.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/account_manager.hpp"
#include "core/clock.hpp"
#include "core/message.hpp"

namespace parley::store {

using AccountId = std::int64_t;
using MessageId = std::int64_t;

// A value or an error message.
template <class T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose
  static Result failure(std::string error) { return Result(Error{std::move(error)}); }
  bool ok() const { return value_.index() == 0; }
  T& value() { return std::get<0>(value_); }
  const T& value() const { return std::get<0>(value_); }
  const std::string& error() const { return std::get<1>(value_).text; }

 private:
  struct Error {
    std::string text;
  };
  explicit Result(Error e) : value_(std::move(e)) {}
  std::variant<T, Error> value_;
};

struct Done {};

// What a health check and a metrics scrape ask the store.
struct Probe {
  std::int64_t stored_messages = 0;  // waiting in mailboxes; a broadcast stored once counts once
};

template <class T>
using Callback = std::function<void(Result<T>)>;

struct AccountRecord {
  AccountId id = 0;
  std::string name;
  std::string password_hash;
  std::string intro;
  std::optional<core::TimePoint> last_seen;
  core::AccountManager manager = core::AccountManager::file;
  bool disabled = false;  // cannot log in; keeps its introduction and mailbox
};

struct StoredMessage {
  MessageId id = 0;
  core::ChatMessage message;
};

// One page of an account's waiting messages, oldest first.
struct MailboxPage {
  std::vector<StoredMessage> messages;
  MessageId upto = 0;  // acknowledging `upto` removes exactly this page
  bool more = false;   // another page follows
  // The store's last write failed (disk full, I/O error): acknowledging this
  // page would most likely fail too, and the page would be shown again.
  bool writes_failing = false;
};

// Asynchronous operations run in submission order; a write's callback runs
// only after it is durably committed. Callbacks run on the store's own
// thread: they must hand work back to their own executor and return.
class Store {
 public:
  virtual ~Store() = default;

  // Blocking calls, for start-up and tests only.
  virtual std::vector<AccountRecord> load_accounts() = 0;
  // Creates and updates accounts in one transaction; returns the created ones.
  struct NewAccount {
    std::string name;
    std::string password_hash;
    core::AccountManager manager = core::AccountManager::file;
  };
  // A new password also enables the account and names its manager.
  struct PasswordChange {
    AccountId id = 0;
    std::string password_hash;
    core::AccountManager manager = core::AccountManager::file;
  };
  virtual std::vector<AccountRecord> save_accounts(std::vector<NewAccount> created,
                                                   std::vector<PasswordChange> changed) = 0;
  virtual void set_disabled(const std::vector<AccountId>& ids, bool disabled) = 0;
  // Removes the account and what waits for it (its own messages, its marks
  // on broadcasts); what it sent to others stays. Its id is never reused.
  virtual void delete_account(AccountId id) = 0;
  // Small named values the server keeps for itself.
  virtual std::optional<std::string> get_setting(const std::string& key) = 0;
  virtual void put_setting(const std::string& key, const std::string& value) = 0;
  // Returns once everything submitted before has been committed.
  virtual void flush() = 0;

  virtual void set_intro(AccountId id, std::string intro, Callback<Done> done) = 0;
  virtual void set_last_seen(AccountId id, core::TimePoint when, Callback<Done> done) = 0;
  // A message for each of `recipients`.
  virtual void save_direct(std::vector<AccountId> recipients, AccountId sender, core::ChatMessage message,
                           Callback<Done> done) = 0;
  // One stored copy for every account that exists now, except the sender and
  // those in `seen_live`.
  virtual void save_broadcast(AccountId sender, core::ChatMessage message, std::vector<AccountId> seen_live,
                              Callback<Done> done) = 0;
  virtual void fetch_mailbox(AccountId id, MessageId after, std::size_t limit, Callback<MailboxPage> done) = 0;
  virtual void ack_mailbox(AccountId id, MessageId upto, Callback<Done> done) = 0;
  // A quick read in the store's order: its answer shows the store works.
  virtual void probe(Callback<Probe> done) = 0;
};

}  // namespace parley::store
