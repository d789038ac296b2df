// The web client's JSON protocol on one WebSocket connection (the transport
// turns frames into lines): login onto the shared login steps, then JSON
// requests as calls on the chat rules, and the chat's messages and events
// as JSON objects. An adapter only: the shared session steps live in
// session::Session, the rules in core::ChatService. See docs/WEB.md.
#pragma once

#include <cstdint>
#include <string>

#include "proto/web/web_request.hpp"
#include "session/session.hpp"

namespace parley::proto::web {

class WebSession final : public session::Session {
 public:
  using Session::Session;

  // The online list of a web client shows everyone.
  bool wants_all_presence() const override { return true; }

 private:
  enum class State : std::uint8_t { login, verifying, joining, ready };

  // --- session hooks
  void on_started() override;
  void on_line(std::string_view line) override;
  void on_line_too_long() override;
  void on_login_verdict(const std::string& name, core::LoginVerdict verdict) override;
  void on_offline_begin() override {}
  void on_offline_message(const core::ChatMessage& message) override;
  void on_offline_kept() override;
  void on_unread_room(const core::RoomUnread& room) override;
  void on_joined() override;
  std::shared_ptr<const std::string> encode(const core::EnvelopePtr& envelope) override;
  std::string timeout_notice() override;
  std::string idle_warning(std::chrono::seconds left) override;
  std::string shutdown_notice() override;
  std::string admin_end_notice(core::AdminEnd why) override;
  std::string server_notice(std::string_view text) override;
  std::string refusal_notice(session::Refusal why, std::chrono::seconds left) override;
  void on_stored() override;
  std::string_view protocol() const override { return "web"; }

  void on_request(const Request& r);
  void on_login(const Request& r);
  void on_command(const Request& r);
  static void count_in(const Request& r);
  void fail(std::string_view code, std::string_view text);
  void on_send(const Request& r);
  void on_private(const std::string& to, std::string_view text);
  void on_broadcast(const Request& r);
  void on_intro(const Request& r);
  void on_wholast(const Request& r);
  // --- rooms and history (web_rooms.cpp)
  void on_room_message(const std::string& room, std::string_view text);
  void on_join(const Request& r);
  void on_leave(const Request& r);
  void on_topic(const Request& r);
  void on_members(const Request& r);
  void on_member_action(const Request& r);
  void on_access(const Request& r);
  void on_rooms();
  void on_history(const Request& r);
  void show_history(const std::string& with, const std::string& ref, store::Result<store::HistoryPage> page);
  // A change the store is writing: `if_stored` once committed.
  void after_room_change(const core::RoomReply& reply, std::string if_stored);
  void room_failed(const core::RoomReply& reply);

  std::string ok_line() const;
  std::string unavailable_line() const;

  State state_ = State::login;
  std::string ref_;        // of the request being answered
  std::string_view line_;  // that request, during on_line() only
};

}  // namespace parley::proto::web
