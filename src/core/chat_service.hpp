// The chat rules: accounts, lockout, presence, routing, mailbox, last seen.
// No sockets and no wire format: protocol adapters call in, and reach users
// through the Participant interface.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/account_manager.hpp"
#include "core/account_name.hpp"
#include "core/clock.hpp"
#include "core/lockout.hpp"
#include "core/message.hpp"
#include "core/password.hpp"
#include "core/rooms.hpp"
#include "core/user_file.hpp"
#include "store/store.hpp"

namespace parley::core {

struct ChatSettings {
  LockoutPolicy lockout;
  int last_hour = 60;           // the largest wholast window, in minutes
  std::size_t intro_max = 200;  // characters
  HashCost hash_cost = HashCost::interactive;
  // Private and room messages are kept this long for `history`; 0 keeps
  // nothing beyond what offline members still need.
  std::chrono::seconds history_retention = std::chrono::hours(24 * 30);
  std::size_t max_rooms = 10000;         // on the server
  std::size_t max_rooms_per_user = 100;  // that one account is in
};

struct UserSummary {
  std::string name;
  std::string intro;
  bool guest = false;
  std::string away{};  // empty: not away
  bool operator==(const UserSummary&) const = default;
};

// One user as WHOIS-like lookups see it.
struct UserDetails {
  std::string name;  // the account's spelling or the guest's nick
  std::string intro;
  bool guest = false;
  bool online = false;
  std::string away;
  std::optional<TimePoint> last_seen;  // accounts only
  // Its public rooms and the rooms it shares with the one asking, sorted.
  std::vector<std::string> rooms;
  std::size_t connections = 0;
  TimePoint since{};  // online: when its oldest connection logged in
};

// A guest: a user without an account, online under a nickname.
enum class GuestStatus {
  ok,
  bad_name,      // not a valid account name
  account_name,  // an account's name, in any case
  in_use,        // an online guest's nick, in any case
};

inline constexpr std::size_t kAwayMax = 200;  // characters; longer away messages are cut

enum class LoginOutcome {
  ok,
  failed,
  blocked,        // this failure started a block
  still_blocked,  // the pair was blocked before the check was decided
};
// Which stored password a check verified: a digest of its hash, whose salt
// is new each time a password is set.
using Credential = std::size_t;

struct LoginVerdict {
  LoginOutcome outcome = LoginOutcome::failed;
  std::chrono::seconds block{0};  // blocked: the block's length; still_blocked: time left
  Credential credential = 0;      // ok: the stored password the check verified
};

enum class SendStatus {
  delivered,  // to every connection of an online recipient
  storing,    // recipient offline: the callback reports the commit
  unknown_user,
  to_self,
  empty_text,
  recipient_offline,  // from a guest to an account offline: guests leave no messages
};

struct TargetStatus {
  std::string name;
  SendStatus status;
};

enum class IntroStatus { saved, cleared, too_long };

struct ImportStats {
  std::size_t created = 0;
  std::size_t updated = 0;         // a new password (which also enables a disabled account)
  std::size_t unchanged = 0;       // parleyctl's lines not counted
  std::size_t enabled = 0;         // disabled file accounts whose line came back
  std::size_t disabled = 0;        // file accounts no longer in the file
  std::vector<UserEntry> ignored;  // lines for parleyctl's accounts (no password kept)
  std::size_t ended = 0;           // connections ended (a changed password, a disabled account)
  // Which accounts, for the log (never their passwords).
  std::vector<std::string> created_names, updated_names, enabled_names, disabled_names;
};

// Account administration (parleyctl).
enum class AdminStatus { ok, unknown_user, exists, bad_name, bad_password };

struct AdminResult {
  AdminStatus status = AdminStatus::ok;
  std::string name;                                    // the account's own spelling (ok), or what was given
  std::string problem;                                 // bad_password: what is wrong
  AccountManager manager = AccountManager::parleyctl;  // before the change
  std::size_t ended = 0;                               // connections ended
};

struct AccountInfo {
  std::string name;
  AccountManager manager = AccountManager::file;
  bool disabled = false;
  std::optional<TimePoint> last_seen;
  bool online = false;
};

// One logged-in connection.
struct OnlineInfo {
  std::string name;
  std::string peer;
  TimePoint since{};
  bool guest = false;
};

// Account names ignore ASCII case: every call takes a name in any spelling,
// and what users see (lists, senders) is the spelling the account was
// created with.
class ChatService {
 public:
  // Without a fanout, each recipient's deliver() is called in turn.
  ChatService(store::Store& store, const Clock& clock, ChatSettings settings, Fanout* fanout = nullptr);
  ChatService(const ChatService&) = delete;
  ChatService& operator=(const ChatService&) = delete;

  // Start-up (blocking): read the accounts, then apply the accounts file,
  // hashing on `threads` threads.
  void load();
  // The users file's accounts become exactly `entries`: new names are
  // created, changed passwords replaced, file accounts missing from it
  // disabled and those back in it enabled. parleyctl's accounts are left
  // alone and their lines reported. Also at run time (reload): the
  // connections of a changed or disabled account are ended.
  ImportStats import_users(const std::vector<UserEntry>& entries, std::size_t threads = 1);

  // --- Administration (blocking: they hash passwords and wait for the
  // store; one runs at a time, imports included) -----------------------
  AdminResult add_account(std::string_view name, std::string_view password);
  // The account becomes parleyctl's and is enabled; its connections end.
  AdminResult change_password(std::string_view name, std::string_view password);
  // Its connections end, its waiting messages go; what it sent stays.
  AdminResult delete_account(std::string_view name);
  AdminResult kick(std::string_view name);
  // Sorted by name without regard to case.
  std::vector<AccountInfo> list_accounts() const;
  std::vector<OnlineInfo> who() const;
  // `text` sanitised, to every logged-in connection; returns how many, or
  // nullopt when nothing is left of the text.
  std::optional<std::size_t> notice(std::string_view text);
  std::size_t account_count() const;
  std::size_t connection_count() const;

  // --- Login -------------------------------------------------------------
  std::optional<std::chrono::seconds> blocked_for(std::string_view user, std::string_view address);
  // Argon2id: slow on purpose, call it off the network threads. Unknown
  // names cost the same as known ones.
  // `credential`, when given, receives which stored password was verified.
  bool check_password(std::string_view user, std::string_view password, Credential* credential = nullptr) const;
  // A password check is admitted before it is hashed and finished with its
  // result: see LockoutTracker for why both steps are needed.
  CheckStart begin_login_check(std::string_view user, std::string_view address);
  LoginVerdict finish_login_check(std::string_view user, std::string_view address, bool password_ok);

  // --- Presence and mailbox ---------------------------------------------
  // Marks the user online on `participant` and fetches the first page of
  // waiting messages (both in one step, so no message slips between them).
  // False, with nothing done, when the account was deleted or disabled
  // since its password was checked, or (with `credential`) its password
  // changed meanwhile: a check that began before `user passwd` must not
  // let the old password in after it.
  // `unread`, when given, receives what is unread in the user's rooms (for
  // a user already online and caught up on another connection, nothing).
  bool join(const std::string& user, std::shared_ptr<Participant> participant, std::size_t page_size,
            store::Callback<store::MailboxPage> first_page, std::optional<Credential> credential = std::nullopt,
            UnreadSnapshot* unread = nullptr);
  void fetch_mailbox(const std::string& user, store::MessageId after, std::size_t page_size,
                     store::Callback<store::MailboxPage> page);
  // Called once a page has been written to the user's connection.
  void ack_mailbox(const std::string& user, store::MessageId upto, store::Callback<store::Done> done);
  // Ends one connection of an account or the guest; the participant's
  // watches go too.
  void leave(const std::string& user, const Participant* participant);

  // --- Guests: online only, under a nick that no account has -------------
  // A guest leaves no trace in the store: no mailbox, history, last seen or
  // intro; it joins existing public rooms live. leave() ends it, and the
  // nick is free again. A guest has one connection.
  GuestStatus join_guest(const std::string& nick, std::shared_ptr<Participant> participant);
  bool is_guest(std::string_view name) const;

  // --- Presence ------------------------------------------------------------
  // Presence messages about a user go to the participants watching its
  // name and to the connections of its rooms' members and guests that
  // want them; never to the user's own connections.
  // Empty text: back. Sanitised, cut to kAwayMax characters; forgotten
  // when the user goes offline.
  void set_away(const std::string& user, std::string_view text);
  // nullopt: not away, or not online.
  std::optional<std::string> away(std::string_view user) const;
  // Any name, in any case: an account, a guest's nick, a name nobody has.
  // The caller bounds how many names a participant watches.
  void watch(const std::shared_ptr<Participant>& participant, std::string_view name);
  void unwatch(const Participant* participant, std::string_view name);
  void unwatch_all(const Participant* participant);
  // An account or a guest online.
  bool is_online(std::string_view name) const;
  // nullopt: no such account and no such guest online.
  std::optional<UserDetails> details(std::string_view asking, std::string_view name) const;

  std::vector<UserSummary> who_else(const std::string& user) const;
  // nullopt when minutes is outside 0..last_hour.
  std::optional<std::vector<UserSummary>> who_last(const std::string& user, int minutes) const;

  // --- Messages ----------------------------------------------------------
  // `stored` is called only when the result is `storing`.
  SendStatus send_private(const std::string& from, const std::string& to, std::string_view text,
                          store::Callback<store::Done> stored);
  // Returns how many accounts are offline (nullopt: no text); `stored` is
  // called when that is > 0.
  std::optional<std::size_t> broadcast_all(const std::string& from, std::string_view text,
                                           store::Callback<store::Done> stored);
  // Each listed user once, the sender skipped. `stored` is called when some
  // status is `storing`. nullopt: no text.
  std::optional<std::vector<TargetStatus>> broadcast_users(const std::string& from,
                                                           const std::vector<std::string>& users, std::string_view text,
                                                           store::Callback<store::Done> stored);

  IntroStatus set_intro(const std::string& user, std::string_view text, store::Callback<store::Done> done);

  // Records "last seen now" for everybody online (at shutdown), and that
  // they have read their rooms.
  void mark_all_seen();

  // --- Rooms (chat_service_rooms.cpp) -------------------------------------
  // `from` is the acting connection (nullptr for the operator): events go to
  // every other connection of the room's members. `stored` is called only
  // when the status is ok or created, once the change is committed.
  RoomReply join_room(const std::string& user, std::string_view room, const Participant* from,
                      store::Callback<store::Done> stored);
  RoomReply leave_room(const std::string& user, std::string_view room, const Participant* from,
                       store::Callback<store::Done> stored);
  // An empty topic clears it.
  RoomReply set_topic(const Actor& actor, std::string_view room, std::string_view topic, const Participant* from,
                      store::Callback<store::Done> stored);
  // The topic, for a member or anyone when the room is public.
  RoomReply topic(const std::string& user, std::string_view room) const;
  RoomReply invite(const Actor& actor, std::string_view user, std::string_view room, const Participant* from,
                   store::Callback<store::Done> stored);
  RoomReply remove_member(const Actor& actor, std::string_view user, std::string_view room, const Participant* from,
                          store::Callback<store::Done> stored);
  // `user` becomes an owner too.
  RoomReply add_owner(const Actor& actor, std::string_view user, std::string_view room, const Participant* from,
                      store::Callback<store::Done> stored);
  // `user` becomes an owner and the actor no longer is one (the operator:
  // `user` becomes the only owner).
  RoomReply hand_over(const Actor& actor, std::string_view user, std::string_view room, const Participant* from,
                      store::Callback<store::Done> stored);
  RoomReply set_access(const Actor& actor, std::string_view room, bool invite_only, const Participant* from,
                       store::Callback<store::Done> stored);
  // Delivered at once to the members online, stored once for history and
  // for the others; `stored` reports the commit (when the status is ok).
  RoomReply send_room(const std::string& user, std::string_view room, std::string_view text, const Participant* from,
                      store::Callback<store::Done> stored);
  // Rooms the user is in, public rooms, invitations; each sorted by name.
  RoomListing rooms(const std::string& user) const;
  // Every room (the operator's view), sorted by name.
  std::vector<RoomInfo> all_rooms() const;
  MembersReply members(const Actor& actor, std::string_view room) const;
  std::size_t room_count() const;

  // Login: the unread messages of `snapshot`, then, once they reached the
  // connection, the acknowledgement that moves the read positions.
  void fetch_unread(const UnreadSnapshot& snapshot, std::size_t limit, store::Callback<std::vector<RoomUnread>> done);
  void ack_unread(const std::string& user, const UnreadSnapshot& snapshot);

  // --- History --------------------------------------------------------------
  // `target` is "#room" (the user must be a member) or another user. On ok,
  // `page` gets the `limit` newest messages before `before` (0: the newest).
  HistoryReply history(const std::string& user, std::string_view target, store::MessageId before, std::size_t limit,
                       store::Callback<store::HistoryPage> page);
  // Removes what the retention no longer keeps (see ChatSettings).
  void sweep_history(store::Callback<store::SweepStats> done);
  // On reload.
  void update_room_rules(std::chrono::seconds history_retention, std::size_t max_rooms, std::size_t max_rooms_per_user);

  bool exists(std::string_view user) const;
  // The account exists and is not disabled.
  bool can_log_in(std::string_view user) const;
  // The account's own spelling of `user`, given in any case.
  std::optional<std::string> account_name(std::string_view user) const;
  std::size_t online_count() const;
  // A copy: the lockout policy and last_hour may change at run time.
  ChatSettings settings() const;
  // On reload: the lockout policy for checks from now on (blocks already
  // started keep their end) and the largest wholast window. The hash cost
  // and intro_max stay as they were.
  void update_rules(const LockoutPolicy& lockout, int last_hour);

 private:
  // Messages gathered under the mutex and delivered once it is released.
  using Outbox = std::vector<std::pair<Recipients, ChatMessage>>;
  // Keyed by the account's own spelling, found by any spelling.
  struct Account {
    store::AccountId id = 0;
    std::string password_hash;
    std::string intro;
    std::optional<TimePoint> last_seen;
    AccountManager manager = AccountManager::file;
    bool disabled = false;
    std::vector<store::RoomId> rooms;  // the rooms it is in
  };
  using Accounts = NameMap<Account>;
  // The sender's id for the store; 0 for an account deleted meanwhile.
  store::AccountId sender_id(std::string_view user) const;
  // Takes the user offline at once (under the mutex) and returns the
  // connections to end.
  Recipients take_offline(std::string_view user, Outbox& out);
  static std::size_t end_all(const Recipients& connections, AdminEnd why);
  // The account of `user` (any spelling); throws for an unknown name.
  Accounts::iterator account(std::string_view user);
  Accounts::const_iterator account(std::string_view user) const;
  ChatMessage make_message(const std::string& from, std::string text, MessageKind kind) const;
  void deliver(Recipients to, ChatMessage message);
  void deliver_all(Outbox outbox);
  void add_connections(std::string_view user, Recipients& out) const;
  std::vector<UserSummary> summaries(std::vector<std::string> names) const;

  store::Store& store_;
  const Clock& clock_;
  Fanout* fanout_;
  std::mutex admin_mutex_;    // one administration or import at a time; taken before mutex_
  mutable std::mutex mutex_;  // guards everything below; never held while sending
  // hash_cost and intro_max never change and are read without the mutex.
  ChatSettings settings_;
  Accounts accounts_;
  struct Presence {
    store::AccountId id = 0;
    Recipients connections;
    // Its unread room messages were shown: from now on it reads its rooms
    // live, and going offline marks them read.
    bool caught_up = false;
    std::string away;  // empty: not away
  };
  NameMap<Presence> online_;  // keyed by the account's own spelling
  struct Guest {
    Presence presence;
    std::vector<store::RoomId> rooms;  // live in them
  };
  NameMap<Guest> guests_;  // keyed by the nick as given; never an account's name
  // Who watches each name (any case), and what each participant watches.
  using Watchers = std::unordered_map<const Participant*, std::shared_ptr<Participant>>;
  NameMap<Watchers> watchers_;
  LiveSet presence_everyone_;  // participants told about every user's presence
  std::unordered_map<const Participant*, NameMap<bool>> watching_;
  // A presence message about `name` (as spelled), for its watchers and its
  // rooms' connections that want it.
  void announce(const std::string& name, bool guest, const Presence& presence, const std::vector<store::RoomId>& rooms,
                PresenceChange change, std::string text, Outbox& out) const;
  // The guest goes offline at once: it leaves its rooms (an event each);
  // returns its connections.
  Recipients take_guest_offline(std::string_view nick, Outbox& out);
  void leave_locked(const std::string& user, const Participant* participant, Outbox& out);
  void drop_watches(const Participant* participant);
  // The user is a guest (not an account) that is online.
  bool guest_user(std::string_view user) const;
  LockoutTracker lockout_;

  // --- Rooms: under mutex_ ---------------------------------------------------
  void load_rooms();
  Room* find_room(std::string_view name);
  const Room* find_room(std::string_view name) const;
  // The participant's connection joins or leaves the live sets of its rooms.
  void rooms_online(const Account& account, const std::shared_ptr<Participant>& participant);
  void rooms_offline(const Account& account, const Participant* participant);
  static void live_add(Room& room, const std::shared_ptr<Participant>& participant);
  static void live_remove(Room& room, const Participant* participant);
  // Guests in rooms (under mutex_).
  RoomReply guest_join_room(const std::string& nick, std::string_view name, const Participant* from);
  void guest_leave_room(Guest& guest, const std::string& nick, Room& room, RoomEvent event, const std::string& by,
                        const Participant* from);
  bool guest_in(const Room& room, std::string_view nick) const { return room.guests.count(nick) > 0; }
  bool acting_guest(const Actor& actor) const;
  // The user went offline: if it was caught up, it has read everything.
  void mark_rooms_read(Account& account, const Presence& presence);
  void add_member(Room& room, Account& account, const std::string& name, bool owner,
                  store::Callback<store::Done> stored);
  // Removes the membership; an ownerless room gets its longest member as
  // owner, an empty one is deleted (`room` is then gone).
  void drop_member(Room& room, Account& account, store::Callback<store::Done> stored);
  void room_event(Room& room, RoomEvent event, const std::string& sender, std::string target, std::string text,
                  const Participant* from, bool sender_guest = false);
  void delete_room(Room& room, store::Callback<store::Done> done);
  void forget_account_rooms(Account& account);
  RoomInfo info(const Room& room, store::AccountId asking) const;
  bool may_manage(const Actor& actor, const Room& room) const;
  // An owner's action on a member: the room, the right to manage it, the
  // member, checked in that order; anything but ok is the refusal.
  struct ManagedMember {
    Room* room = nullptr;
    Accounts::iterator account;
    RoomMember* member = nullptr;
  };
  RoomReply find_managed_member(const Actor& actor, std::string_view user, std::string_view name, ManagedMember& out);

  std::unordered_map<store::RoomId, Room> rooms_;
  NameMap<store::RoomId> room_ids_;  // by the room's name in any case
};

}  // namespace parley::core
