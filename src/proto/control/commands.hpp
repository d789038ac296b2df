// The control protocol's adapter: a request becomes calls on the chat rules
// and their results a response (docs/ADMIN.md). parleyd serves it on the
// control socket; parleyctl runs the user commands through it directly on
// the database while the server is stopped, so both answer alike.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/chat_service.hpp"
#include "proto/control/request.hpp"
#include "proto/control/response.hpp"

namespace parley::proto::control {

struct CommandHooks {
  // One line per change, naming who made it; never a password.
  std::function<void(const std::string& line)> log;
  // Key and value rows; throw std::runtime_error for a failure. Left empty,
  // the command is refused (no server to reload or to report on).
  std::function<std::vector<Row>()> reload;
  std::function<std::vector<Row>()> status;
};

// "2026-11-30T12:34:56Z"
std::string iso_time(core::TimePoint t);

class Commands {
 public:
  Commands(core::ChatService& chat, CommandHooks hooks) : chat_(chat), hooks_(std::move(hooks)) {}
  // Blocking (a password is hashed, the store is waited for). `by` names the
  // caller in the log, e.g. "uid=0 pid=42".
  Response handle(const Request& request, std::string_view by);

 private:
  Response user_add(const Request& r, std::string_view by);
  Response user_passwd(const Request& r, std::string_view by);
  Response user_del(const Request& r, std::string_view by);
  Response user_list();
  Response who();
  Response kick(const Request& r, std::string_view by);
  Response notice(const Request& r, std::string_view by);
  // Rooms (commands_rooms.cpp), as the server's operator.
  Response room_list();
  Response room_members(const Request& r);
  Response room_change(const Request& r, std::string_view by);
  void log(const std::string& line) const;

  core::ChatService& chat_;
  CommandHooks hooks_;
};

}  // namespace parley::proto::control
