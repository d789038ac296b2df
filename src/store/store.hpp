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
using RoomId = std::int64_t;

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

// --- Rooms -------------------------------------------------------------

struct RoomRecord {
  RoomId id = 0;
  std::string name;  // with its '#', as its creator spelled it
  std::string topic;
  bool invite_only = false;
  core::TimePoint created{};
  MessageId last_message = 0;  // the newest message's id, 0 for none
};

struct MembershipRecord {
  RoomId room = 0;
  AccountId account = 0;
  bool owner = false;
  MessageId read_upto = 0;  // every message up to this id counts as read
  std::int64_t since = 0;   // order of joining within the room (older first)
};

struct InviteRecord {
  RoomId room = 0;
  AccountId account = 0;  // the invited account
  std::string by;         // who invited, as they were spelled
};

struct RoomsSnapshot {
  std::vector<RoomRecord> rooms;
  std::vector<MembershipRecord> memberships;
  std::vector<InviteRecord> invites;
};

// The unread messages of one room for one member: those after `after` up to
// and including `upto`.
struct UnreadQuery {
  RoomId room = 0;
  MessageId after = 0;
  MessageId upto = 0;
};

struct UnreadRoom {
  RoomId room = 0;
  std::int64_t count = 0;               // all unread messages
  std::vector<StoredMessage> messages;  // the newest of them, at most the limit, oldest first
};

// A conversation whose history is asked for: a room, or the private
// messages between two accounts.
struct Conversation {
  RoomId room = 0;  // 0: the private conversation of `a` and `b`
  AccountId a = 0;
  AccountId b = 0;
};

struct HistoryPage {
  std::vector<StoredMessage> messages;  // oldest first
  std::int64_t older = 0;               // how many kept messages come before the first one
};

// What a retention sweep removes: private history sent before `cutoff`, and
// room messages sent before it that every member has read.
struct RetentionSweep {
  core::TimePoint cutoff{};
  std::vector<std::pair<RoomId, MessageId>> read_by_all;  // per room, the highest id every member has read
};

struct SweepStats {
  std::int64_t room_messages = 0;
  std::int64_t private_messages = 0;
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
  // on broadcasts, its room memberships and invitations); what it sent to
  // others stays, private history included. Its id is never reused.
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

  // --- Rooms --------------------------------------------------------------
  // Ids of new rooms and messages come back at once, in submission order,
  // while their rows are written behind (and reported to `done`).
  virtual RoomsSnapshot load_rooms() = 0;  // blocking, for start-up
  virtual RoomId create_room(std::string name, AccountId owner, core::TimePoint created, MessageId read_upto,
                             Callback<Done> done) = 0;
  // Removes the room with its members, invitations and messages.
  virtual void delete_room(RoomId room, Callback<Done> done) = 0;
  virtual void set_topic(RoomId room, std::string topic, Callback<Done> done) = 0;
  virtual void set_invite_only(RoomId room, bool invite_only, Callback<Done> done) = 0;
  // Adds the member (removing any invitation of it), or updates its role.
  virtual void add_member(RoomId room, AccountId account, bool owner, MessageId read_upto, std::int64_t since,
                          Callback<Done> done) = 0;
  virtual void set_owner(RoomId room, AccountId account, bool owner, Callback<Done> done) = 0;
  virtual void remove_member(RoomId room, AccountId account, Callback<Done> done) = 0;
  virtual void add_invite(RoomId room, AccountId account, std::string by, Callback<Done> done) = 0;
  virtual void remove_invite(RoomId room, AccountId account, Callback<Done> done) = 0;
  // One row per message, whatever the number of members.
  virtual MessageId save_room_message(RoomId room, AccountId sender, core::ChatMessage message,
                                      Callback<Done> done) = 0;
  // Read positions only move forward.
  virtual void set_read_positions(AccountId account, std::vector<std::pair<RoomId, MessageId>> positions,
                                  Callback<Done> done) = 0;
  // Per query, in order, the count and at most `limit` newest unread messages.
  virtual void fetch_unread(std::vector<UnreadQuery> queries, std::size_t limit,
                            Callback<std::vector<UnreadRoom>> done) = 0;

  // --- History --------------------------------------------------------------
  // A private message kept for `history`, whether or not it was delivered live.
  virtual void save_private_history(AccountId sender, AccountId recipient, core::ChatMessage message,
                                    Callback<Done> done) = 0;
  // The `limit` newest kept messages of the conversation with ids below
  // `before` (0: from the newest).
  virtual void fetch_history(Conversation conversation, MessageId before, std::size_t limit,
                             Callback<HistoryPage> done) = 0;
  virtual void sweep_history(RetentionSweep sweep, Callback<SweepStats> done) = 0;
};

}  // namespace parley::store
