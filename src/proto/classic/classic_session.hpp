// The classic line protocol on one connection: the Username/Password
// dialogue, offline delivery, then one command per line, each answered and
// followed by the `Command: ` prompt. An adapter only: the shared session
// steps live in session::Session, the rules in core::ChatService.
#pragma once

#include <cstdint>
#include <string>

#include "proto/classic/commands.hpp"
#include "session/session.hpp"

namespace parley::proto::classic {

class ClassicSession final : public session::Session {
 public:
  using Session::Session;

 private:
  enum class State : std::uint8_t { username, password, verifying, joining, commands, intro };

  void on_started() override;
  void on_line(std::string_view line) override;
  void on_line_too_long() override;
  void on_login_verdict(const std::string& name, core::LoginVerdict verdict) override;
  void on_offline_begin() override;
  void on_offline_message(const core::ChatMessage& message) override;
  void on_offline_kept() override;
  void on_joined() override;
  std::shared_ptr<const std::string> encode(const core::EnvelopePtr& envelope) override;
  std::string timeout_notice() override;
  std::string idle_warning(std::chrono::seconds left) override;
  std::string shutdown_notice() override;
  std::string admin_end_notice(core::AdminEnd why) override;
  std::string server_notice(std::string_view text) override;
  std::string refusal_notice(session::Refusal why, std::chrono::seconds left) override;
  void on_stored() override;
  std::string_view protocol() const override { return "classic"; }

  void on_command(std::string_view line);
  // Counts a command line of a logged-in user by kind.
  static void count_in(const Command& command);
  void on_private(const PrivateMessage& c);
  void on_broadcast_all(const BroadcastAll& c);
  void on_broadcast_users(const BroadcastUsers& c);
  void save_intro(std::string_view text);
  void prompt();
  void on_unread_room(const core::RoomUnread& room) override;
  // Rooms and history (classic_rooms.cpp); each answers and prompts.
  void on_room_command(const Command& command);
  void after_room_change(const core::RoomReply& reply, std::string if_stored);
  void on_member_command(const RoomMemberCommand& c);
  void on_room_message(const RoomMessage& c);
  void on_history(const History& c);
  void show_history(std::string conversation, int count, store::Result<store::HistoryPage> page);

  // Where `history more` goes on from.
  struct HistoryCursor {
    std::string target;
    store::MessageId before = 0;
    int count = 0;
  };

  State state_ = State::username;
  std::unique_ptr<HistoryCursor> history_;  // only after a history listing
};

}  // namespace parley::proto::classic
