#include "core/chat_service.hpp"

#include <algorithm>
#include <atomic>
#include <functional>
#include <stdexcept>
#include <thread>

#include "core/text.hpp"

namespace parley::core {

namespace {
// Sanitised and trimmed, copied once.
std::string clean_text(std::string_view text) {
  std::string clean = sanitize_text(text);
  auto trimmed = trim(clean);
  if (trimmed.size() != clean.size()) clean = std::string(trimmed);
  return clean;
}
}  // namespace

ChatService::ChatService(store::Store& store, const Clock& clock, ChatSettings settings, Fanout* fanout)
    : store_(store), clock_(clock), fanout_(fanout), settings_(settings), lockout_(settings.lockout) {}

ChatService::Accounts::iterator ChatService::account(std::string_view user) {
  auto it = accounts_.find(user);
  if (it == accounts_.end()) throw std::out_of_range("no account " + std::string(user));
  return it;
}

ChatService::Accounts::const_iterator ChatService::account(std::string_view user) const {
  auto it = accounts_.find(user);
  if (it == accounts_.end()) throw std::out_of_range("no account " + std::string(user));
  return it;
}

void ChatService::load() {
  auto records = store_.load_accounts();
  std::lock_guard lock(mutex_);
  for (auto& r : records) {
    auto [it, added] = accounts_.try_emplace(
        r.name, Account{r.id, std::move(r.password_hash), std::move(r.intro), r.last_seen, r.manager, r.disabled, {}});
    if (!added)
      throw std::runtime_error("the accounts '" + it->first + "' and '" + r.name +
                               "' differ only in case; account names ignore case");
  }
  load_rooms();
}

Recipients ChatService::take_offline(std::string_view user, Outbox& out) {
  auto it = online_.find(user);
  if (it == online_.end()) return {};
  {
    auto account = accounts_.find(user);
    static const std::vector<store::RoomId> none;
    announce(it->first, false, it->second, account == accounts_.end() ? none : account->second.rooms,
             PresenceChange::offline, {}, out);
  }
  Recipients connections = std::move(it->second.connections);
  auto presence = std::move(it->second);
  online_.erase(it);
  if (auto account = accounts_.find(user); account != accounts_.end()) {
    for (const auto& p : connections) rooms_offline(account->second, p.get());
    mark_rooms_read(account->second, presence);
    account->second.last_seen = clock_.now();
    store_.set_last_seen(account->second.id, *account->second.last_seen, nullptr);
  }
  return connections;
}

namespace {
AdminResult with_status(AdminResult result, AdminStatus status) {
  result.status = status;
  return result;
}
}  // namespace

std::size_t ChatService::end_all(const Recipients& connections, AdminEnd why) {
  for (const auto& p : connections) p->end_by_admin(why);
  return connections.size();
}

ImportStats ChatService::import_users(const std::vector<UserEntry>& entries, std::size_t threads) {
  std::lock_guard admin(admin_mutex_);
  Accounts existing;
  {
    std::lock_guard lock(mutex_);
    existing = accounts_;
  }
  auto managed_elsewhere = [&](const UserEntry& e) {
    auto it = existing.find(e.name);
    return it != existing.end() && it->second.manager != AccountManager::file;
  };
  // Argon2id is slow on purpose: verify and hash the lines in parallel.
  std::vector<std::optional<std::string>> new_hash(entries.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < entries.size();) {
      const auto& e = entries[i];
      if (managed_elsewhere(e)) continue;
      auto it = existing.find(e.name);
      bool current = it != existing.end() && verify_password(it->second.password_hash, e.password) &&
                     !needs_rehash(it->second.password_hash, settings_.hash_cost);
      if (!current) new_hash[i] = hash_password(e.password, settings_.hash_cost);
    }
  };
  std::vector<std::thread> workers;
  for (std::size_t t = 1; t < std::max<std::size_t>(threads, 1); ++t) workers.emplace_back(work);
  work();
  for (auto& w : workers) w.join();

  // Each new hash is moved along, never copied: a large file's import holds
  // its entries and one hash per account.
  ImportStats stats;
  std::vector<store::Store::NewAccount> created;
  std::vector<store::Store::PasswordChange> changed;
  std::vector<std::string> changed_names;
  std::vector<store::AccountId> enable, disable;
  std::vector<std::string> enable_names, disable_names;
  NameViewSet in_file;
  in_file.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    in_file.insert(e.name);
    if (managed_elsewhere(e)) {
      stats.ignored.push_back({e.name, {}, e.line});
      continue;
    }
    auto it = existing.find(e.name);  // any spelling: the stored one is kept
    if (it != existing.end() && it->second.disabled) ++stats.enabled;
    if (!new_hash[i]) {
      ++stats.unchanged;
      if (it->second.disabled) enable.push_back(it->second.id), enable_names.push_back(it->first);
      continue;
    }
    if (it == existing.end())
      created.push_back({e.name, std::move(*new_hash[i]), AccountManager::file});
    else
      changed.push_back({it->second.id, std::move(*new_hash[i]), AccountManager::file}),
          changed_names.push_back(it->first);
  }
  new_hash = {};
  for (const auto& [name, account] : existing)
    if (account.manager == AccountManager::file && !account.disabled && !in_file.count(name))
      disable.push_back(account.id), disable_names.push_back(name);
  stats.created = created.size();
  stats.updated = changed.size();
  stats.disabled = disable.size();
  auto records = store_.save_accounts(std::move(created), changed);
  if (!enable.empty()) store_.set_disabled(enable, false);
  if (!disable.empty()) store_.set_disabled(disable, true);

  std::vector<std::pair<Recipients, AdminEnd>> to_end;
  Outbox out;
  {
    std::lock_guard lock(mutex_);
    for (auto& r : records) {
      accounts_[r.name] = Account{r.id, std::move(r.password_hash), {}, {}, AccountManager::file, false, {}};
      // A guest using the new account's name makes way for its owner.
      if (guests_.count(r.name)) to_end.emplace_back(take_guest_offline(r.name, out), AdminEnd::kicked);
    }
    for (std::size_t i = 0; i < changed.size(); ++i) {
      auto& account = accounts_[changed_names[i]];
      account.password_hash = changed[i].password_hash;
      account.disabled = false;
      to_end.emplace_back(take_offline(changed_names[i], out), AdminEnd::password_changed);
    }
    for (const auto& name : enable_names) accounts_[name].disabled = false;
    for (const auto& name : disable_names) {
      accounts_[name].disabled = true;
      to_end.emplace_back(take_offline(name, out), AdminEnd::disabled);
    }
  }
  deliver_all(std::move(out));
  for (auto& [connections, why] : to_end) stats.ended += end_all(connections, why);
  for (const auto& r : records) stats.created_names.push_back(r.name);
  stats.updated_names = std::move(changed_names);
  stats.enabled_names = std::move(enable_names);
  stats.disabled_names = std::move(disable_names);
  return stats;
}

AdminResult ChatService::add_account(std::string_view name, std::string_view password) {
  AdminResult result;
  result.name = std::string(name);
  if (!is_valid_username(name)) return with_status(std::move(result), AdminStatus::bad_name);
  if (result.problem = password_problem(password); !result.problem.empty())
    return with_status(std::move(result), AdminStatus::bad_password);
  std::lock_guard admin(admin_mutex_);
  if (exists(name)) {
    result.name = *account_name(name);
    return with_status(std::move(result), AdminStatus::exists);
  }
  auto records = store_.save_accounts(
      {{std::string(name), hash_password(password, settings_.hash_cost), AccountManager::parleyctl}}, {});
  Recipients guest;
  Outbox out;
  {
    std::lock_guard lock(mutex_);
    for (auto& r : records) {
      accounts_[r.name] = Account{r.id, std::move(r.password_hash), {}, {}, AccountManager::parleyctl, false, {}};
      // A guest using the new account's name makes way for its owner.
      auto ended = take_guest_offline(r.name, out);
      guest.insert(guest.end(), ended.begin(), ended.end());
    }
  }
  deliver_all(std::move(out));
  result.ended = end_all(guest, AdminEnd::kicked);
  return result;
}

AdminResult ChatService::change_password(std::string_view name, std::string_view password) {
  AdminResult result;
  result.name = std::string(name);
  if (result.problem = password_problem(password); !result.problem.empty())
    return with_status(std::move(result), AdminStatus::bad_password);
  std::lock_guard admin(admin_mutex_);
  store::AccountId id = 0;
  {
    std::lock_guard lock(mutex_);
    auto it = accounts_.find(name);
    if (it == accounts_.end()) return with_status(std::move(result), AdminStatus::unknown_user);
    id = it->second.id;
    result.name = it->first;
    result.manager = it->second.manager;
  }
  std::vector<store::Store::PasswordChange> changed{
      {id, hash_password(password, settings_.hash_cost), AccountManager::parleyctl}};
  store_.save_accounts({}, changed);
  Recipients connections;
  Outbox out;
  {
    std::lock_guard lock(mutex_);
    auto& account = accounts_[result.name];  // admin_mutex_ kept it from going
    account.password_hash = std::move(changed.front().password_hash);
    account.manager = AccountManager::parleyctl;
    account.disabled = false;
    connections = take_offline(result.name, out);
  }
  deliver_all(std::move(out));
  result.ended = end_all(connections, AdminEnd::password_changed);
  return result;
}

AdminResult ChatService::delete_account(std::string_view name) {
  AdminResult result;
  result.name = std::string(name);
  std::lock_guard admin(admin_mutex_);
  Recipients connections;
  store::AccountId id = 0;
  Outbox out;
  {
    // Gone for the rules first: from now on nobody logs in as it or sends to
    // it, and messages for it are refused rather than stored.
    std::lock_guard lock(mutex_);
    auto it = accounts_.find(name);
    if (it == accounts_.end()) return with_status(std::move(result), AdminStatus::unknown_user);
    id = it->second.id;
    result.name = it->first;
    result.manager = it->second.manager;
    connections = take_offline(result.name, out);
    forget_account_rooms(it->second);
    accounts_.erase(it);
  }
  deliver_all(std::move(out));
  store_.delete_account(id);
  result.ended = end_all(connections, AdminEnd::deleted);
  return result;
}

// An account's connections, or a guest's.
AdminResult ChatService::kick(std::string_view name) {
  AdminResult result;
  result.name = std::string(name);
  Recipients connections;
  Outbox out;
  {
    std::lock_guard lock(mutex_);
    auto it = accounts_.find(name);
    if (it != accounts_.end()) {
      result.name = it->first;
      result.manager = it->second.manager;
      connections = take_offline(result.name, out);
    } else if (auto guest = guests_.find(name); guest != guests_.end()) {
      result.name = guest->first;
      connections = take_guest_offline(result.name, out);
    } else {
      return with_status(std::move(result), AdminStatus::unknown_user);
    }
  }
  deliver_all(std::move(out));
  result.ended = end_all(connections, AdminEnd::kicked);
  return result;
}

std::vector<AccountInfo> ChatService::list_accounts() const {
  std::vector<AccountInfo> out;
  {
    std::lock_guard lock(mutex_);
    out.reserve(accounts_.size());
    for (const auto& [name, a] : accounts_)
      out.push_back({name, a.manager, a.disabled, a.last_seen, online_.count(name) > 0});
  }
  std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return name_less(x.name, y.name); });
  return out;
}

std::vector<OnlineInfo> ChatService::who() const {
  std::vector<OnlineInfo> out;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [name, presence] : online_)
      for (const auto& p : presence.connections) out.push_back({name, p->peer(), p->since(), false});
    for (const auto& [nick, guest] : guests_)
      for (const auto& p : guest.presence.connections) out.push_back({nick, p->peer(), p->since(), true});
  }
  std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
    if (!same_name(x.name, y.name)) return name_less(x.name, y.name);
    return x.since < y.since;
  });
  return out;
}

std::optional<std::size_t> ChatService::notice(std::string_view text) {
  auto clean = std::make_shared<const std::string>(clean_text(text));
  if (clean->empty()) return std::nullopt;
  Recipients everyone;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [name, presence] : online_)
      everyone.insert(everyone.end(), presence.connections.begin(), presence.connections.end());
    for (const auto& [nick, guest] : guests_)
      everyone.insert(everyone.end(), guest.presence.connections.begin(), guest.presence.connections.end());
  }
  for (const auto& p : everyone) p->notice(clean);
  return everyone.size();
}

std::size_t ChatService::account_count() const {
  std::lock_guard lock(mutex_);
  return accounts_.size();
}

std::size_t ChatService::connection_count() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [name, presence] : online_) n += presence.connections.size();
  for (const auto& [nick, guest] : guests_) n += guest.presence.connections.size();
  return n;
}

std::optional<std::chrono::seconds> ChatService::blocked_for(std::string_view user, std::string_view address) {
  std::lock_guard lock(mutex_);
  return lockout_.blocked_for(user, address, clock_.now());
}

bool ChatService::check_password(std::string_view user, std::string_view password, Credential* credential) const {
  std::string hash;
  {
    std::lock_guard lock(mutex_);
    auto it = accounts_.find(user);
    if (it != accounts_.end() && !it->second.disabled) hash = it->second.password_hash;
  }
  if (hash.empty()) {
    verify_password(decoy_hash(settings_.hash_cost), password);
    return false;
  }
  if (credential) *credential = std::hash<std::string>{}(hash);
  return verify_password(hash, password);
}

CheckStart ChatService::begin_login_check(std::string_view user, std::string_view address) {
  std::lock_guard lock(mutex_);
  return lockout_.begin_check(user, address, clock_.now());
}

LoginVerdict ChatService::finish_login_check(std::string_view user, std::string_view address, bool password_ok) {
  std::lock_guard lock(mutex_);
  auto end = lockout_.finish_check(user, address, password_ok, clock_.now());
  switch (end.result) {
    case CheckResult::ok:
      return {LoginOutcome::ok, {}};
    case CheckResult::failed:
      return {LoginOutcome::failed, {}};
    case CheckResult::block_started:
      return {LoginOutcome::blocked, end.block};
    case CheckResult::blocked:
      break;
  }
  return {LoginOutcome::still_blocked, end.block};
}

bool ChatService::join(const std::string& user, std::shared_ptr<Participant> participant, std::size_t page_size,
                       store::Callback<store::MailboxPage> first_page, std::optional<Credential> credential,
                       UnreadSnapshot* unread) {
  Outbox out;
  std::unique_lock lock(mutex_);
  auto it = accounts_.find(user);
  if (it == accounts_.end() || it->second.disabled) return false;
  if (credential && *credential != std::hash<std::string>{}(it->second.password_hash)) return false;
  auto& [name, account] = *it;
  account.last_seen = clock_.now();
  auto& presence = online_[name];
  presence.id = account.id;
  rooms_online(account, participant);
  if (participant->wants_all_presence()) presence_everyone_.add(participant);
  // A connection that joins while another one reads the rooms live has
  // nothing unread.
  if (unread && !presence.caught_up) {
    for (auto room_id : account.rooms) {
      const auto& room = rooms_.at(room_id);
      auto read = room.members.at(account.id).read_upto;
      if (room.last_message <= read) continue;
      unread->queries.push_back({room_id, read, room.last_message});
      unread->rooms.push_back(room.name);
    }
  }
  presence.connections.push_back(std::move(participant));
  if (presence.connections.size() == 1) announce(name, false, presence, account.rooms, PresenceChange::online, {}, out);
  store_.set_last_seen(account.id, *account.last_seen, nullptr);
  store_.fetch_mailbox(account.id, 0, page_size, std::move(first_page));
  lock.unlock();
  deliver_all(std::move(out));
  return true;
}

// A deleted account's session may still be finishing its mailbox: its
// fetch fails and its acknowledgement does nothing.
void ChatService::fetch_mailbox(const std::string& user, store::MessageId after, std::size_t page_size,
                                store::Callback<store::MailboxPage> page) {
  std::lock_guard lock(mutex_);
  auto it = accounts_.find(user);
  if (it == accounts_.end()) {
    if (page) page(store::Result<store::MailboxPage>::failure("the account was deleted"));
    return;
  }
  store_.fetch_mailbox(it->second.id, after, page_size, std::move(page));
}

void ChatService::ack_mailbox(const std::string& user, store::MessageId upto, store::Callback<store::Done> done) {
  std::lock_guard lock(mutex_);
  auto it = accounts_.find(user);
  if (it == accounts_.end()) {
    if (done) done(store::Done{});
    return;
  }
  store_.ack_mailbox(it->second.id, upto, std::move(done));
}

store::AccountId ChatService::sender_id(std::string_view user) const {
  auto it = accounts_.find(user);
  return it == accounts_.end() ? 0 : it->second.id;
}

void ChatService::leave(const std::string& user, const Participant* participant) {
  Outbox out;
  {
    std::lock_guard lock(mutex_);
    leave_locked(user, participant, out);
  }
  deliver_all(std::move(out));
}

void ChatService::leave_locked(const std::string& user, const Participant* participant, Outbox& out) {
  drop_watches(participant);
  presence_everyone_.remove(participant);
  auto it = online_.find(user);
  if (it == online_.end()) {
    auto guest = guests_.find(user);
    if (guest == guests_.end()) return;
    const auto& connections = guest->second.presence.connections;
    bool its_own = std::any_of(connections.begin(), connections.end(), [&](auto& p) { return p.get() == participant; });
    if (its_own) take_guest_offline(user, out);
    return;
  }
  auto& connections = it->second.connections;
  auto pos = std::find_if(connections.begin(), connections.end(), [&](auto& p) { return p.get() == participant; });
  if (pos == connections.end()) return;  // already left: leaving is idempotent
  connections.erase(pos);
  auto account = accounts_.find(user);
  if (account != accounts_.end()) rooms_offline(account->second, participant);
  if (connections.empty()) {
    static const std::vector<store::RoomId> none;
    announce(it->first, false, it->second, account == accounts_.end() ? none : account->second.rooms,
             PresenceChange::offline, {}, out);
    if (account != accounts_.end()) mark_rooms_read(account->second, it->second);
    online_.erase(it);
  }
  if (account == accounts_.end()) return;
  account->second.last_seen = clock_.now();
  store_.set_last_seen(account->second.id, *account->second.last_seen, nullptr);
}

std::vector<UserSummary> ChatService::summaries(std::vector<std::string> names) const {
  std::sort(names.begin(), names.end(), name_less);
  std::vector<UserSummary> out;
  out.reserve(names.size());
  for (auto& n : names) {
    const auto& intro = account(n)->second.intro;
    auto presence = online_.find(n);
    out.push_back({std::move(n), intro, false, presence == online_.end() ? std::string() : presence->second.away});
  }
  return out;
}

std::vector<UserSummary> ChatService::who_else(const std::string& user) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> names;
  for (auto& [name, presence] : online_)
    if (!same_name(name, user)) names.push_back(name);
  auto out = summaries(std::move(names));
  if (guests_.empty()) return out;
  for (const auto& [nick, guest] : guests_)
    if (!same_name(nick, user)) out.push_back({nick, {}, true, guest.presence.away});
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return name_less(a.name, b.name); });
  return out;
}

std::optional<std::vector<UserSummary>> ChatService::who_last(const std::string& user, int minutes) const {
  std::lock_guard lock(mutex_);
  if (minutes < 0 || minutes > settings_.last_hour) return std::nullopt;
  auto since = clock_.now() - std::chrono::minutes(minutes);
  std::vector<std::string> names;
  for (auto& [name, account] : accounts_) {
    if (same_name(name, user)) continue;
    bool seen = online_.count(name) > 0 || (account.last_seen && *account.last_seen >= since);
    if (seen) names.push_back(name);
  }
  return summaries(std::move(names));
}

// The sender as the account spells it; under the mutex.
ChatMessage ChatService::make_message(const std::string& from, std::string text, MessageKind kind) const {
  auto it = accounts_.find(from);
  ChatMessage m;
  m.sender = it != accounts_.end() ? it->first : from;
  if (it == accounts_.end()) {
    if (auto guest = guests_.find(from); guest != guests_.end()) {
      m.sender = guest->first;
      m.guest = true;
    }
  }
  m.text = std::move(text);
  m.kind = kind;
  m.sent_at = clock_.now();
  return m;
}

void ChatService::deliver(Recipients to, ChatMessage message) {
  if (to.empty()) return;
  auto envelope = std::make_shared<const Envelope>(std::move(message));
  if (fanout_) return fanout_->deliver(std::move(to), std::move(envelope));
  for (auto& p : to) p->deliver(envelope);
}

void ChatService::deliver_all(Outbox outbox) {
  for (auto& [to, message] : outbox) deliver(std::move(to), std::move(message));
}

void ChatService::add_connections(std::string_view user, Recipients& out) const {
  auto it = online_.find(user);
  if (it != online_.end()) out.insert(out.end(), it->second.connections.begin(), it->second.connections.end());
}

SendStatus ChatService::send_private(const std::string& from, const std::string& to, std::string_view text,
                                     store::Callback<store::Done> stored) {
  std::string clean = clean_text(text);
  if (clean.empty()) return SendStatus::empty_text;
  if (same_name(to, from)) return SendStatus::to_self;
  Recipients live;
  ChatMessage message;
  {
    std::lock_guard lock(mutex_);
    auto target = accounts_.find(to);
    if (target == accounts_.end()) {
      // Live to a guest, and kept nowhere.
      auto guest = guests_.find(to);
      if (guest == guests_.end()) return SendStatus::unknown_user;
      message = make_message(from, std::move(clean), MessageKind::private_message);
      live = guest->second.presence.connections;
    } else if (guest_user(from)) {
      // A guest leaves no offline messages and no history.
      add_connections(to, live);
      if (live.empty()) return SendStatus::recipient_offline;
      message = make_message(from, std::move(clean), MessageKind::private_message);
    } else {
      message = make_message(from, std::move(clean), MessageKind::private_message);
      add_connections(to, live);
      if (settings_.history_retention.count() > 0)
        store_.save_private_history(sender_id(from), target->second.id, message, nullptr);
      if (live.empty()) {
        store_.save_direct({target->second.id}, sender_id(from), std::move(message), std::move(stored));
        return SendStatus::storing;
      }
    }
  }
  deliver(std::move(live), std::move(message));
  return SendStatus::delivered;
}

std::optional<std::size_t> ChatService::broadcast_all(const std::string& from, std::string_view text,
                                                      store::Callback<store::Done> stored) {
  std::string clean = clean_text(text);
  if (clean.empty()) return std::nullopt;
  Recipients live;
  ChatMessage message;
  std::size_t offline = 0;
  {
    std::lock_guard lock(mutex_);
    message = make_message(from, std::move(clean), MessageKind::broadcast);
    auto self = online_.find(from);
    std::size_t others = online_.size() - (self == online_.end() ? 0 : 1);
    // A guest's broadcast reaches whoever is online, and is kept nowhere.
    offline = message.guest ? 0 : accounts_.size() - others - (accounts_.count(from) ? 1 : 0);
    std::vector<store::AccountId> seen_live;
    if (offline > 0) seen_live.reserve(others);
    live.reserve(others);
    for (auto it = online_.begin(); it != online_.end(); ++it) {
      if (it == self) continue;
      auto& connections = it->second.connections;
      live.insert(live.end(), connections.begin(), connections.end());
      if (offline > 0) seen_live.push_back(it->second.id);
    }
    for (const auto& [nick, guest] : guests_) {
      if (same_name(nick, from)) continue;
      live.insert(live.end(), guest.presence.connections.begin(), guest.presence.connections.end());
    }
    if (offline > 0) store_.save_broadcast(sender_id(from), message, std::move(seen_live), std::move(stored));
  }
  deliver(std::move(live), std::move(message));
  return offline;
}

std::optional<std::vector<TargetStatus>> ChatService::broadcast_users(const std::string& from,
                                                                      const std::vector<std::string>& users,
                                                                      std::string_view text,
                                                                      store::Callback<store::Done> stored) {
  std::string clean = clean_text(text);
  if (clean.empty()) return std::nullopt;
  ChatMessage message;
  std::vector<TargetStatus> statuses;
  Recipients live;
  std::vector<store::AccountId> offline;
  NameViewSet seen;  // `Alice` and `alice` are listed once
  {
    std::lock_guard lock(mutex_);
    message = make_message(from, std::move(clean), MessageKind::broadcast);
    for (const auto& name : users) {
      if (!seen.insert(name).second) continue;
      if (same_name(name, from)) continue;
      auto target = accounts_.find(name);
      if (target == accounts_.end()) {
        if (auto guest = guests_.find(name); guest != guests_.end()) {
          live.insert(live.end(), guest->second.presence.connections.begin(), guest->second.presence.connections.end());
          statuses.push_back({guest->first, SendStatus::delivered});
        } else {
          statuses.push_back({name, SendStatus::unknown_user});
        }
      } else if (online_.count(name)) {
        add_connections(name, live);
        statuses.push_back({target->first, SendStatus::delivered});
      } else if (message.guest) {
        statuses.push_back({target->first, SendStatus::recipient_offline});
      } else {
        offline.push_back(target->second.id);
        statuses.push_back({target->first, SendStatus::storing});
      }
    }
    if (!offline.empty()) store_.save_direct(std::move(offline), sender_id(from), message, std::move(stored));
  }
  deliver(std::move(live), std::move(message));
  return statuses;
}

IntroStatus ChatService::set_intro(const std::string& user, std::string_view text, store::Callback<store::Done> done) {
  std::string clean(trim(sanitize_text(text)));
  if (utf8_length(clean) > settings_.intro_max) return IntroStatus::too_long;
  std::lock_guard lock(mutex_);
  auto it = accounts_.find(user);
  if (it == accounts_.end()) {  // deleted meanwhile
    if (done) done(store::Result<store::Done>::failure("the account was deleted"));
    return clean.empty() ? IntroStatus::cleared : IntroStatus::saved;
  }
  auto& account = it->second;
  account.intro = clean;
  store_.set_intro(account.id, std::move(clean), std::move(done));
  return account.intro.empty() ? IntroStatus::cleared : IntroStatus::saved;
}

void ChatService::mark_all_seen() {
  std::lock_guard lock(mutex_);
  auto now = clock_.now();
  for (auto& [name, presence] : online_) {
    auto& account = this->account(name)->second;
    account.last_seen = now;
    store_.set_last_seen(account.id, now, nullptr);
    mark_rooms_read(account, presence);
  }
}

bool ChatService::can_log_in(std::string_view user) const {
  std::lock_guard lock(mutex_);
  auto it = accounts_.find(user);
  return it != accounts_.end() && !it->second.disabled;
}

bool ChatService::exists(std::string_view user) const {
  std::lock_guard lock(mutex_);
  return accounts_.count(user) > 0;
}

std::optional<std::string> ChatService::account_name(std::string_view user) const {
  std::lock_guard lock(mutex_);
  auto it = accounts_.find(user);
  if (it == accounts_.end()) return std::nullopt;
  return it->first;
}

std::size_t ChatService::online_count() const {
  std::lock_guard lock(mutex_);
  return online_.size() + guests_.size();
}

ChatSettings ChatService::settings() const {
  std::lock_guard lock(mutex_);
  return settings_;
}

void ChatService::update_rules(const LockoutPolicy& lockout, int last_hour) {
  std::lock_guard lock(mutex_);
  settings_.lockout = lockout;
  settings_.last_hour = last_hour;
  lockout_.set_policy(lockout);
}

}  // namespace parley::core
