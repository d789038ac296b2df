// A chat message and the shared, immutable envelope its recipients queue.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace parley::core {

enum class MessageKind { private_message = 0, broadcast = 1, room = 2, room_event = 3, invitation = 4, presence = 5 };

// A presence message: its sender came online (its first connection),
// went offline (its last one ended), set an away message (in text) or
// cleared it.
enum class PresenceChange { online, offline, away, back };

// What happened in a room, for its members (and, for `removed`, the one
// removed). Protocols render these their own way.
enum class RoomEvent {
  joined,         // sender joined
  left,           // sender left
  removed,        // sender removed target (no sender: the operator, or the room was deleted around a guest)
  topic,          // sender set the topic to text (empty: cleared)
  owner_added,    // target became an owner (sender: who made it so; empty when the room chose)
  owner_dropped,  // sender is no longer an owner (handed over to target)
  access,         // sender made the room invite-only (text "invite-only") or public (text "public")
};

struct ChatMessage {
  std::string sender;  // the user as spelled then; empty: the server's operator
  std::string text;    // already sanitised
  MessageKind kind = MessageKind::private_message;
  TimePoint sent_at{};
  std::string room;     // room messages, events and invitations: the room's name
  std::int64_t id = 0;  // room messages: the store's id, unique in the room; 0 for a guest's (not stored)
  std::string target;   // events and invitations: the user acted upon
  RoomEvent event = RoomEvent::joined;
  PresenceChange presence = PresenceChange::online;
  bool guest = false;  // the sender is a guest (no account)
};

// Each wire protocol encodes a message once, into its own slot, and every
// recipient on that protocol shares the bytes. IRC has one slot per set of
// tags its clients asked for: none, the time, or all.
enum class ProtocolSlot : std::size_t { classic = 0, irc = 1, irc_time = 2, irc_tags = 3, websocket = 4 };
inline constexpr std::size_t kProtocolSlots = 5;

class Envelope {
 public:
  explicit Envelope(ChatMessage message) : message_(std::move(message)) {}
  const ChatMessage& message() const { return message_; }

  template <class Encode>
  std::shared_ptr<const std::string> encoded(ProtocolSlot slot, Encode&& encode) const {
    auto i = static_cast<std::size_t>(slot);
    // After the first caller, a fan-out takes no lock per recipient.
    if (ready_[i].load(std::memory_order_acquire)) return cache_[i];
    std::lock_guard lock(mutex_);
    if (!cache_[i]) {
      cache_[i] = std::make_shared<const std::string>(encode(message_));
      ready_[i].store(true, std::memory_order_release);
    }
    return cache_[i];
  }

 private:
  ChatMessage message_;
  mutable std::mutex mutex_;
  mutable std::array<std::shared_ptr<const std::string>, kProtocolSlots> cache_;
  mutable std::array<std::atomic<bool>, kProtocolSlots> ready_{};
};

using EnvelopePtr = std::shared_ptr<const Envelope>;

// Why the server's operator ends a user's connections.
enum class AdminEnd { kicked, deleted, password_changed, disabled };

// A logged-in connection as the chat rules see it.
class Participant {
 public:
  virtual ~Participant() = default;
  // Called from any thread; must queue and return at once.
  virtual void deliver(EnvelopePtr envelope) = 0;
  // One line from the server's operator (already sanitised); any thread.
  virtual void notice(std::shared_ptr<const std::string> /*text*/) {}
  // Ends the connection with a line saying why; any thread.
  virtual void end_by_admin(AdminEnd /*why*/) {}
  // The peer's address and when the user logged in: fixed before the
  // participant joins, so readable from any thread once it has.
  virtual std::string peer() const { return {}; }
  virtual TimePoint since() const { return {}; }
  // The worker thread that owns this participant, and delivery from that
  // thread: together they let a fan-out hand each thread one task.
  virtual std::size_t shard() const { return 0; }
  virtual void deliver_here(EnvelopePtr envelope) { deliver(std::move(envelope)); }
  // Whether presence messages about the users of its rooms should reach
  // it (watched names reach it anyway): fixed before the participant
  // joins, so readable from any thread.
  virtual bool wants_presence() const { return false; }
  // Whether presence messages about every user should reach it (a client
  // that shows who is online); fixed before it joins.
  virtual bool wants_all_presence() const { return false; }
};

using Recipients = std::vector<std::shared_ptr<Participant>>;

// How one message reaches many participants.
class Fanout {
 public:
  virtual ~Fanout() = default;
  virtual void deliver(Recipients recipients, EnvelopePtr envelope) = 0;
};

}  // namespace parley::core
