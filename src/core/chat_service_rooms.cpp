// The room rules of the chat service: membership, ownership, invitations,
// room messages, read positions, history and retention.
#include <algorithm>

#include "core/chat_service.hpp"
#include "core/room_name.hpp"
#include "core/text.hpp"

namespace parley::core {

namespace {

RoomReply reply(RoomStatus status, std::string room = {}, std::string target = {}) {
  RoomReply r;
  r.status = status;
  r.room = std::move(room);
  r.target = std::move(target);
  return r;
}

std::string clean_line(std::string_view text) { return std::string(trim(sanitize_text(text))); }

// A guest's change is kept nowhere: it is done once the mutex is released.
RoomReply guest_done(RoomReply r, std::unique_lock<std::mutex>& lock, store::Callback<store::Done>& stored) {
  lock.unlock();
  if (r.status == RoomStatus::ok && stored) stored(store::Done{});
  return r;
}

}  // namespace

void ChatService::load_rooms() {
  auto snapshot = store_.load_rooms();
  std::unordered_map<store::AccountId, Accounts::iterator> by_id;
  for (auto it = accounts_.begin(); it != accounts_.end(); ++it) by_id.emplace(it->second.id, it);
  for (auto& r : snapshot.rooms) {
    Room room;
    room.id = r.id;
    room.name = std::move(r.name);
    room.topic = std::move(r.topic);
    room.invite_only = r.invite_only;
    room.created = r.created;
    room.last_message = r.last_message;
    room_ids_[room.name] = room.id;
    rooms_.emplace(room.id, std::move(room));
  }
  for (const auto& m : snapshot.memberships) {
    auto room = rooms_.find(m.room);
    auto account = by_id.find(m.account);
    if (room == rooms_.end() || account == by_id.end()) continue;
    room->second.members[m.account] = RoomMember{account->second->first, m.owner, m.read_upto, m.since};
    room->second.next_since = std::max(room->second.next_since, m.since + 1);
    account->second->second.rooms.push_back(m.room);
  }
  for (auto& i : snapshot.invites) {
    auto room = rooms_.find(i.room);
    if (room != rooms_.end() && by_id.count(i.account)) room->second.invites[i.account] = std::move(i.by);
  }
}

Room* ChatService::find_room(std::string_view name) {
  auto it = room_ids_.find(name);
  return it == room_ids_.end() ? nullptr : &rooms_.at(it->second);
}

const Room* ChatService::find_room(std::string_view name) const {
  auto it = room_ids_.find(name);
  return it == room_ids_.end() ? nullptr : &rooms_.at(it->second);
}

void ChatService::live_add(Room& room, const std::shared_ptr<Participant>& participant) {
  room.live.add(participant);
  if (participant->wants_presence()) room.presence_live.add(participant);
}

void ChatService::live_remove(Room& room, const Participant* participant) {
  room.live.remove(participant);
  room.presence_live.remove(participant);
}

void ChatService::rooms_online(const Account& account, const std::shared_ptr<Participant>& participant) {
  for (auto id : account.rooms) live_add(rooms_.at(id), participant);
}

void ChatService::rooms_offline(const Account& account, const Participant* participant) {
  for (auto id : account.rooms) live_remove(rooms_.at(id), participant);
}

void ChatService::mark_rooms_read(Account& account, const Presence& presence) {
  if (!presence.caught_up) return;
  std::vector<std::pair<store::RoomId, store::MessageId>> moved;
  for (auto id : account.rooms) {
    auto& room = rooms_.at(id);
    auto& member = room.members.at(account.id);
    if (member.read_upto >= room.last_message) continue;
    member.read_upto = room.last_message;
    moved.emplace_back(id, room.last_message);
  }
  if (!moved.empty()) store_.set_read_positions(account.id, std::move(moved), nullptr);
}

bool ChatService::may_manage(const Actor& actor, const Room& room) const {
  if (actor.is_operator()) return true;
  auto it = accounts_.find(actor.user);
  if (it == accounts_.end()) return false;
  auto member = room.members.find(it->second.id);
  return member != room.members.end() && member->second.owner;
}

void ChatService::room_event(Room& room, RoomEvent event, const std::string& sender, std::string target,
                             std::string text, const Participant* from, bool sender_guest) {
  ChatMessage m;
  m.sender = sender;  // the account's spelling or guest's nick, or empty for the operator
  m.guest = sender_guest;
  m.text = std::move(text);
  m.kind = MessageKind::room_event;
  m.sent_at = clock_.now();
  m.room = room.name;
  m.target = std::move(target);
  m.event = event;
  deliver(room.live.all_but(from), std::move(m));
}

void ChatService::add_member(Room& room, Account& account, const std::string& name, bool owner,
                             store::Callback<store::Done> stored) {
  // What was said before joining is history, not unread.
  RoomMember member{name, owner, room.last_message, room.next_since++};
  store_.add_member(room.id, account.id, owner, member.read_upto, member.since, std::move(stored));
  room.members[account.id] = member;
  room.invites.erase(account.id);
  account.rooms.push_back(room.id);
  if (auto presence = online_.find(name); presence != online_.end())
    for (const auto& p : presence->second.connections) live_add(room, p);
}

void ChatService::drop_member(Room& room, Account& account, store::Callback<store::Done> stored) {
  auto& leaving = room.members.at(account.id);
  bool was_owner = leaving.owner;
  std::string member_name = std::move(leaving.name);
  room.members.erase(account.id);
  std::erase(account.rooms, room.id);
  if (auto presence = online_.find(member_name); presence != online_.end())
    for (const auto& p : presence->second.connections) live_remove(room, p.get());
  if (room.members.empty()) {
    // The guests go with the room, removed by nobody.
    while (!room.guests.empty()) {
      std::string nick = room.guests.begin()->first;
      guest_leave_room(guests_.at(nick), nick, room, RoomEvent::removed, {}, nullptr);
    }
    store_.remove_member(room.id, account.id, nullptr);
    return delete_room(room, std::move(stored));
  }
  store_.remove_member(room.id, account.id, std::move(stored));
  if (!was_owner) return;
  bool owned = std::any_of(room.members.begin(), room.members.end(), [](const auto& m) { return m.second.owner; });
  if (owned) return;
  // The longest member takes over an ownerless room.
  auto heir = std::min_element(room.members.begin(), room.members.end(),
                               [](const auto& a, const auto& b) { return a.second.since < b.second.since; });
  heir->second.owner = true;
  store_.set_owner(room.id, heir->first, true, nullptr);
  room_event(room, RoomEvent::owner_added, {}, heir->second.name, {}, nullptr);
}

void ChatService::delete_room(Room& room, store::Callback<store::Done> done) {
  // Only an empty room is deleted: no account lists it any more.
  auto id = room.id;
  store_.delete_room(id, std::move(done));
  room_ids_.erase(room.name);
  rooms_.erase(id);
}

void ChatService::forget_account_rooms(Account& account) {
  auto joined = account.rooms;
  for (auto id : joined) {
    auto it = rooms_.find(id);
    if (it == rooms_.end()) continue;
    auto name = it->second.members.at(account.id).name;
    room_event(it->second, RoomEvent::left, name, {}, {}, nullptr);
    drop_member(it->second, account, nullptr);
  }
  for (auto& [id, room] : rooms_) room.invites.erase(account.id);
}

RoomReply ChatService::join_room(const std::string& user, std::string_view name, const Participant* from,
                                 store::Callback<store::Done> stored) {
  if (!is_valid_room_name(name)) return reply(RoomStatus::bad_name, std::string(name));
  std::unique_lock lock(mutex_);
  auto account = accounts_.find(user);
  if (account == accounts_.end()) {
    if (!guests_.count(user)) return reply(RoomStatus::no_such_user);
    return guest_done(guest_join_room(user, name, from), lock, stored);
  }
  auto& [spelled, me] = *account;
  Room* room = find_room(name);
  if (room && room->members.count(me.id)) return reply(RoomStatus::already_member, room->name);
  if (me.rooms.size() >= settings_.max_rooms_per_user)
    return reply(RoomStatus::too_many_joined, room ? room->name : std::string(name));
  if (!room) {
    if (rooms_.size() >= settings_.max_rooms) return reply(RoomStatus::too_many_rooms, std::string(name));
    Room fresh;
    fresh.name = std::string(name);
    fresh.created = clock_.now();
    // Its first message gets an id above every id given so far.
    fresh.id = store_.create_room(fresh.name, me.id, fresh.created, 0, nullptr);
    room_ids_[fresh.name] = fresh.id;
    room = &rooms_.emplace(fresh.id, std::move(fresh)).first->second;
    add_member(*room, me, spelled, true, std::move(stored));
    auto r = reply(RoomStatus::created, room->name);
    r.members = 1;
    return r;
  }
  if (room->invite_only && !room->invites.count(me.id)) return reply(RoomStatus::invite_only, room->name);
  add_member(*room, me, spelled, false, std::move(stored));
  room_event(*room, RoomEvent::joined, spelled, {}, {}, from);
  auto r = reply(RoomStatus::ok, room->name);
  r.members = room->members.size();
  r.topic = room->topic;
  return r;
}

RoomReply ChatService::leave_room(const std::string& user, std::string_view name, const Participant* from,
                                  store::Callback<store::Done> stored) {
  std::unique_lock lock(mutex_);
  auto account = accounts_.find(user);
  Room* room = find_room(name);
  if (!room) return reply(RoomStatus::no_such_room, std::string(name));
  if (account == accounts_.end() && guest_in(*room, user)) {
    auto guest = guests_.find(user);
    auto r = reply(RoomStatus::ok, room->name);
    guest_leave_room(guest->second, guest->first, *room, RoomEvent::left, guest->first, from);
    return guest_done(std::move(r), lock, stored);
  }
  if (account == accounts_.end() || !room->members.count(account->second.id))
    return reply(RoomStatus::not_member, room->name);
  auto r = reply(RoomStatus::ok, room->name);
  room_event(*room, RoomEvent::left, account->first, {}, {}, from);
  drop_member(*room, account->second, std::move(stored));
  return r;
}

RoomReply ChatService::set_topic(const Actor& actor, std::string_view name, std::string_view text,
                                 const Participant* from, store::Callback<store::Done> stored) {
  std::string clean = clean_line(text);
  std::lock_guard lock(mutex_);
  Room* room = find_room(name);
  if (!room) return reply(RoomStatus::no_such_room, std::string(name));
  if (acting_guest(actor)) return reply(RoomStatus::guest_not_allowed, room->name);
  if (!may_manage(actor, *room)) return reply(RoomStatus::not_owner, room->name);
  if (utf8_length(clean) > kTopicMax) return reply(RoomStatus::too_long, room->name);
  room->topic = clean;
  store_.set_topic(room->id, clean, std::move(stored));
  room_event(*room, RoomEvent::topic, actor.user, {}, clean, from);
  auto r = reply(RoomStatus::ok, room->name);
  r.topic = std::move(clean);
  return r;
}

RoomReply ChatService::topic(const std::string& user, std::string_view name) const {
  std::lock_guard lock(mutex_);
  const Room* room = find_room(name);
  if (!room) return reply(RoomStatus::no_such_room, std::string(name));
  auto account = accounts_.find(user);
  bool member = account != accounts_.end() ? room->members.count(account->second.id) > 0 : guest_in(*room, user);
  if (room->invite_only && !member) return reply(RoomStatus::not_member, room->name);
  auto r = reply(RoomStatus::ok, room->name);
  r.topic = room->topic;
  return r;
}

RoomReply ChatService::invite(const Actor& actor, std::string_view user, std::string_view name, const Participant* from,
                              store::Callback<store::Done> stored) {
  std::lock_guard lock(mutex_);
  Room* room = find_room(name);
  if (!room) return reply(RoomStatus::no_such_room, std::string(name));
  if (acting_guest(actor)) return reply(RoomStatus::guest_not_allowed, room->name);
  if (!actor.is_operator()) {
    auto me = accounts_.find(actor.user);
    if (me == accounts_.end() || !room->members.count(me->second.id)) return reply(RoomStatus::not_member, room->name);
    // Anyone in a public room may point a friend to it; an invite-only
    // room's door is its owners'.
    if (room->invite_only && !may_manage(actor, *room)) return reply(RoomStatus::not_owner, room->name);
  }
  auto target = accounts_.find(user);
  if (target == accounts_.end()) return reply(RoomStatus::no_such_user, room->name, std::string(user));
  if (same_name(target->first, actor.user)) return reply(RoomStatus::to_self, room->name, target->first);
  if (room->members.count(target->second.id)) return reply(RoomStatus::already_member, room->name, target->first);
  if (room->invites.count(target->second.id)) return reply(RoomStatus::already_invited, room->name, target->first);
  if (room->invites.size() >= kInvitesPerRoom) return reply(RoomStatus::too_many_invites, room->name, target->first);
  std::string by = actor.is_operator() ? std::string() : accounts_.find(actor.user)->first;
  room->invites[target->second.id] = by;
  store_.add_invite(room->id, target->second.id, by, std::move(stored));
  Recipients to;
  add_connections(target->first, to);
  ChatMessage m;
  m.sender = by;
  m.kind = MessageKind::invitation;
  m.sent_at = clock_.now();
  m.room = room->name;
  m.target = target->first;
  (void)from;
  deliver(std::move(to), std::move(m));
  return reply(RoomStatus::ok, room->name, target->first);
}

RoomReply ChatService::find_managed_member(const Actor& actor, std::string_view user, std::string_view name,
                                           ManagedMember& out) {
  out.room = find_room(name);
  if (!out.room) return reply(RoomStatus::no_such_room, std::string(name));
  const auto& room_name = out.room->name;
  if (acting_guest(actor)) return reply(RoomStatus::guest_not_allowed, room_name);
  if (!may_manage(actor, *out.room)) return reply(RoomStatus::not_owner, room_name);
  out.account = accounts_.find(user);
  if (out.account == accounts_.end()) return reply(RoomStatus::no_such_user, room_name, std::string(user));
  const auto& target = out.account->first;
  if (same_name(target, actor.user)) return reply(RoomStatus::to_self, room_name, target);
  auto member = out.room->members.find(out.account->second.id);
  if (member == out.room->members.end()) return reply(RoomStatus::target_not_member, room_name, target);
  out.member = &member->second;
  return reply(RoomStatus::ok, room_name, target);
}

RoomReply ChatService::remove_member(const Actor& actor, std::string_view user, std::string_view name,
                                     const Participant* from, store::Callback<store::Done> stored) {
  std::unique_lock lock(mutex_);
  ManagedMember t;
  if (auto refused = find_managed_member(actor, user, name, t); refused.status != RoomStatus::ok) {
    // An owner may also show a guest the door.
    auto guest = guests_.find(user);
    if (refused.status != RoomStatus::no_such_user || guest == guests_.end()) return refused;
    if (!guest_in(*t.room, user)) return reply(RoomStatus::target_not_member, t.room->name, guest->first);
    auto r = reply(RoomStatus::ok, t.room->name, guest->first);
    guest_leave_room(guest->second, guest->first, *t.room, RoomEvent::removed, actor.user, from);
    return guest_done(std::move(r), lock, stored);
  }
  auto* room = t.room;
  auto target = t.account;
  auto* member = t.member;
  if (member->owner && !actor.is_operator()) return reply(RoomStatus::target_is_owner, room->name, target->first);
  auto r = reply(RoomStatus::ok, room->name, target->first);
  // The one removed hears it too, before its connections leave the room.
  room_event(*room, RoomEvent::removed, actor.user, target->first, {}, from);
  drop_member(*room, target->second, std::move(stored));
  return r;
}

RoomReply ChatService::add_owner(const Actor& actor, std::string_view user, std::string_view name,
                                 const Participant* from, store::Callback<store::Done> stored) {
  std::lock_guard lock(mutex_);
  ManagedMember t;
  if (auto refused = find_managed_member(actor, user, name, t); refused.status != RoomStatus::ok) return refused;
  auto* room = t.room;
  auto target = t.account;
  auto* member = t.member;
  if (member->owner) return reply(RoomStatus::target_is_owner, room->name, target->first);
  member->owner = true;
  store_.set_owner(room->id, target->second.id, true, std::move(stored));
  room_event(*room, RoomEvent::owner_added, actor.user, target->first, {}, from);
  return reply(RoomStatus::ok, room->name, target->first);
}

RoomReply ChatService::hand_over(const Actor& actor, std::string_view user, std::string_view name,
                                 const Participant* from, store::Callback<store::Done> stored) {
  std::lock_guard lock(mutex_);
  ManagedMember t;
  if (auto refused = find_managed_member(actor, user, name, t); refused.status != RoomStatus::ok) return refused;
  auto* room = t.room;
  auto target = t.account;
  auto* member = t.member;
  std::vector<std::pair<store::AccountId, bool>> changes;
  if (!member->owner) changes.emplace_back(target->second.id, true);
  // A user gives up its own ownership; the operator leaves one owner.
  for (const auto& [id, m] : room->members) {
    bool gives_up = actor.is_operator() ? id != target->second.id : same_name(m.name, actor.user);
    if (gives_up && m.owner) changes.emplace_back(id, false);
  }
  for (std::size_t i = 0; i < changes.size(); ++i) {
    auto [id, owner] = changes[i];
    room->members.at(id).owner = owner;
    store_.set_owner(room->id, id, owner, i + 1 == changes.size() ? std::move(stored) : nullptr);
  }
  if (changes.empty() && stored) stored(store::Done{});
  room_event(*room, RoomEvent::owner_dropped, actor.user, target->first, {}, from);
  return reply(RoomStatus::ok, room->name, target->first);
}

RoomReply ChatService::set_access(const Actor& actor, std::string_view name, bool invite_only, const Participant* from,
                                  store::Callback<store::Done> stored) {
  std::lock_guard lock(mutex_);
  Room* room = find_room(name);
  if (!room) return reply(RoomStatus::no_such_room, std::string(name));
  if (acting_guest(actor)) return reply(RoomStatus::guest_not_allowed, room->name);
  if (!may_manage(actor, *room)) return reply(RoomStatus::not_owner, room->name);
  room->invite_only = invite_only;
  store_.set_invite_only(room->id, invite_only, std::move(stored));
  room_event(*room, RoomEvent::access, actor.user, {}, invite_only ? "invite-only" : "public", from);
  return reply(RoomStatus::ok, room->name);
}

RoomReply ChatService::send_room(const std::string& user, std::string_view name, std::string_view text,
                                 const Participant* from, store::Callback<store::Done> stored) {
  std::string clean = clean_line(text);
  Recipients live;
  ChatMessage message;
  RoomReply r;
  bool guest = false;
  {
    std::lock_guard lock(mutex_);
    Room* room = find_room(name);
    if (!room) return reply(RoomStatus::no_such_room, std::string(name));
    auto account = accounts_.find(user);
    guest = account == accounts_.end() && guest_in(*room, user);
    if (!guest && (account == accounts_.end() || !room->members.count(account->second.id)))
      return reply(RoomStatus::not_member, room->name);
    if (clean.empty()) return reply(RoomStatus::empty_text, room->name);
    message = make_message(user, std::move(clean), MessageKind::room);
    message.room = room->name;
    // One row, whatever the number of members; its id orders the room. A
    // guest's message is live only (id 0).
    if (!guest) {
      message.id = store_.save_room_message(room->id, account->second.id, message, std::move(stored));
      room->last_message = message.id;
    }
    live = room->live.all_but(from);
    r = reply(RoomStatus::ok, room->name);
    r.id = message.id;
    r.sent_at = message.sent_at;
  }
  deliver(std::move(live), std::move(message));
  if (guest && stored) stored(store::Done{});
  return r;
}

RoomInfo ChatService::info(const Room& room, store::AccountId asking) const {
  RoomInfo i;
  i.name = room.name;
  i.topic = room.topic;
  i.invite_only = room.invite_only;
  i.members = room.members.size();
  for (const auto& [id, m] : room.members)
    if (online_.count(m.name)) ++i.online;
  auto me = room.members.find(asking);
  i.owner = me != room.members.end() && me->second.owner;
  i.guests = room.guests.size();
  return i;
}

namespace {
template <class T>
void sort_by_name(std::vector<T>& items, std::string T::*field) {
  std::sort(items.begin(), items.end(), [field](const T& a, const T& b) { return name_less(a.*field, b.*field); });
}
}  // namespace

RoomListing ChatService::rooms(const std::string& user) const {
  RoomListing out;
  std::lock_guard lock(mutex_);
  auto account = accounts_.find(user);
  store::AccountId me = account == accounts_.end() ? 0 : account->second.id;
  bool guest = account == accounts_.end() && guests_.count(user);
  for (const auto& [id, room] : rooms_) {
    if (room.members.count(me) || (guest && guest_in(room, user)))
      out.joined.push_back(info(room, me));
    else if (!room.invite_only)
      out.public_rooms.push_back(info(room, me));
    if (auto invite = room.invites.find(me); invite != room.invites.end())
      out.invitations.push_back({room.name, invite->second});
  }
  sort_by_name(out.joined, &RoomInfo::name);
  sort_by_name(out.public_rooms, &RoomInfo::name);
  sort_by_name(out.invitations, &RoomListing::Invitation::room);
  return out;
}

std::vector<RoomInfo> ChatService::all_rooms() const {
  std::vector<RoomInfo> out;
  std::lock_guard lock(mutex_);
  for (const auto& [id, room] : rooms_) out.push_back(info(room, 0));
  sort_by_name(out, &RoomInfo::name);
  return out;
}

MembersReply ChatService::members(const Actor& actor, std::string_view name) const {
  MembersReply out;
  std::lock_guard lock(mutex_);
  const Room* room = find_room(name);
  if (!room) {
    out.status = RoomStatus::no_such_room;
    out.room = std::string(name);
    return out;
  }
  out.room = room->name;
  if (!actor.is_operator() && room->invite_only) {
    auto me = accounts_.find(actor.user);
    bool member = me != accounts_.end() ? room->members.count(me->second.id) > 0 : guest_in(*room, actor.user);
    if (!member) {
      out.status = RoomStatus::not_member;
      return out;
    }
  }
  for (const auto& [id, m] : room->members) {
    auto account = accounts_.find(m.name);
    out.members.push_back({m.name, account == accounts_.end() ? std::string() : account->second.intro, m.owner,
                           online_.count(m.name) > 0, false});
  }
  for (const auto& [nick, connection] : room->guests) out.members.push_back({nick, {}, false, true, true});
  sort_by_name(out.members, &MemberInfo::name);
  return out;
}

std::size_t ChatService::room_count() const {
  std::lock_guard lock(mutex_);
  return rooms_.size();
}

void ChatService::fetch_unread(const UnreadSnapshot& snapshot, std::size_t limit,
                               store::Callback<std::vector<RoomUnread>> done) {
  store_.fetch_unread(
      snapshot.queries, limit,
      [names = snapshot.rooms, done = std::move(done)](store::Result<std::vector<store::UnreadRoom>> r) {
        if (!r.ok()) return done(store::Result<std::vector<RoomUnread>>::failure(r.error()));
        std::vector<RoomUnread> out;
        auto& rooms = r.value();
        for (std::size_t i = 0; i < rooms.size() && i < names.size(); ++i) {
          if (rooms[i].count == 0) continue;
          out.push_back({names[i], rooms[i].count, std::move(rooms[i].messages)});
        }
        done(std::move(out));
      });
}

void ChatService::ack_unread(const std::string& user, const UnreadSnapshot& snapshot) {
  std::lock_guard lock(mutex_);
  auto account = accounts_.find(user);
  if (account == accounts_.end()) return;
  std::vector<std::pair<store::RoomId, store::MessageId>> moved;
  for (const auto& q : snapshot.queries) {
    auto room = rooms_.find(q.room);
    if (room == rooms_.end()) continue;  // deleted meanwhile
    auto member = room->second.members.find(account->second.id);
    if (member == room->second.members.end() || member->second.read_upto >= q.upto) continue;
    member->second.read_upto = q.upto;
    moved.emplace_back(q.room, q.upto);
  }
  if (!moved.empty()) store_.set_read_positions(account->second.id, std::move(moved), nullptr);
  if (auto presence = online_.find(user); presence != online_.end()) presence->second.caught_up = true;
}

HistoryReply ChatService::history(const std::string& user, std::string_view target, store::MessageId before,
                                  std::size_t limit, store::Callback<store::HistoryPage> page) {
  HistoryReply out;
  std::lock_guard lock(mutex_);
  auto me = accounts_.find(user);
  if (me == accounts_.end()) {
    out.status = guests_.count(user) ? HistoryStatus::guest : HistoryStatus::no_such_user;
    return out;
  }
  store::Conversation conversation;
  if (looks_like_room(target)) {
    const Room* room = find_room(target);
    if (!room) {
      out.status = HistoryStatus::no_such_room;
      out.conversation = std::string(target);
      return out;
    }
    out.conversation = room->name;
    if (!room->members.count(me->second.id)) {
      out.status = HistoryStatus::not_member;
      return out;
    }
    conversation.room = room->id;
  } else {
    auto other = accounts_.find(target);
    if (other == accounts_.end()) {
      out.status = HistoryStatus::no_such_user;
      out.conversation = std::string(target);
      return out;
    }
    out.conversation = other->first;
    conversation.a = me->second.id;
    conversation.b = other->second.id;
  }
  store_.fetch_history(conversation, before, limit, std::move(page));
  return out;
}

void ChatService::sweep_history(store::Callback<store::SweepStats> done) {
  std::lock_guard lock(mutex_);
  store::RetentionSweep sweep;
  sweep.cutoff = clock_.now() - settings_.history_retention;
  // Keeping nothing includes what was sent this very second.
  if (settings_.history_retention.count() == 0) sweep.cutoff += std::chrono::seconds(1);
  for (const auto& [id, room] : rooms_) {
    // A member online that has caught up reads everything as it comes.
    store::MessageId read_by_all = room.last_message;
    for (const auto& [account, m] : room.members) {
      auto presence = online_.find(m.name);
      bool reading_live = presence != online_.end() && presence->second.caught_up;
      if (!reading_live) read_by_all = std::min(read_by_all, m.read_upto);
    }
    if (read_by_all > 0) sweep.read_by_all.emplace_back(id, read_by_all);
  }
  store_.sweep_history(std::move(sweep), std::move(done));
}

void ChatService::update_room_rules(std::chrono::seconds history_retention, std::size_t max_rooms,
                                    std::size_t max_rooms_per_user) {
  std::lock_guard lock(mutex_);
  settings_.history_retention = history_retention;
  settings_.max_rooms = max_rooms;
  settings_.max_rooms_per_user = max_rooms_per_user;
}

}  // namespace parley::core

namespace parley::core {

RoomReply ChatService::guest_join_room(const std::string& nick, std::string_view name, const Participant* from) {
  Room* room = find_room(name);
  if (!room) return reply(RoomStatus::guest_not_allowed, std::string(name));  // guests create no rooms
  auto& [spelled, guest] = *guests_.find(nick);
  if (guest_in(*room, nick)) return reply(RoomStatus::already_member, room->name);
  if (room->invite_only) return reply(RoomStatus::guest_not_allowed, room->name);
  if (guest.rooms.size() >= settings_.max_rooms_per_user) return reply(RoomStatus::too_many_joined, room->name);
  room->guests[spelled] = guest.presence.connections.front();
  for (const auto& p : guest.presence.connections) live_add(*room, p);
  guest.rooms.push_back(room->id);
  room_event(*room, RoomEvent::joined, spelled, {}, {}, from, true);
  auto r = reply(RoomStatus::ok, room->name);
  r.members = room->members.size() + room->guests.size();
  r.topic = room->topic;
  return r;
}

void ChatService::guest_leave_room(Guest& guest, const std::string& nick, Room& room, RoomEvent event,
                                   const std::string& by, const Participant* from) {
  auto remove = [&] {
    room.guests.erase(nick);
    for (const auto& p : guest.presence.connections) live_remove(room, p.get());
    std::erase(guest.rooms, room.id);
  };
  if (event == RoomEvent::left) {
    remove();
    room_event(room, event, nick, {}, {}, from, true);
  } else {  // the one removed hears it too
    room_event(room, event, by, nick, {}, from);
    remove();
  }
}

}  // namespace parley::core
