#include "proto/control/commands.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "core/text.hpp"

namespace parley::proto::control {

namespace {

Response refused(std::string text) { return Response::failure(ErrorKind::refused, std::move(text)); }

// The refusal for a result that is not ok.
Response refusal(const core::AdminResult& r) {
  switch (r.status) {
    case core::AdminStatus::ok:
      break;
    case core::AdminStatus::unknown_user:
      return refused("no such user: " + r.name);
    case core::AdminStatus::exists:
      return refused("user " + r.name + " already exists");
    case core::AdminStatus::bad_name:
      return refused("invalid user name '" + core::log_safe(r.name) +
                     "' (use 1 to 32 letters, digits, '.', '_' or '-')");
    case core::AdminStatus::bad_password:
      return refused("password refused: " + r.problem);
  }
  return refused("refused");
}

}  // namespace

std::string iso_time(core::TimePoint t) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", std::chrono::time_point_cast<std::chrono::seconds>(t));
}

void Commands::log(const std::string& line) const {
  if (hooks_.log) hooks_.log(line);
}

Response Commands::handle(const Request& r, std::string_view by) {
  const auto& c = r.command;
  if (c == "user-add") return user_add(r, by);
  if (c == "user-passwd") return user_passwd(r, by);
  if (c == "user-del") return user_del(r, by);
  if (c == "user-list") return user_list();
  if (c == "who") return who();
  if (c == "kick") return kick(r, by);
  if (c == "notice") return notice(r, by);
  if (c == "room-list") return room_list();
  if (c == "room-members") return room_members(r);
  if (c.rfind("room-", 0) == 0) return room_change(r, by);
  if (c == "reload" || c == "status") {
    auto& hook = c == "reload" ? hooks_.reload : hooks_.status;
    if (!hook) return refused(c + " needs a running server");
    if (c == "reload") log(fmt::format("reload by {}", by));
    try {
      return Response::success(hook());
    } catch (const std::runtime_error& e) {
      return Response::failure(ErrorKind::failed, e.what());
    }
  }
  return Response::failure(ErrorKind::request, "unknown command");
}

Response Commands::user_add(const Request& r, std::string_view by) {
  auto result = chat_.add_account(r.args.at(0), r.args.at(1));
  if (result.status != core::AdminStatus::ok) return refusal(result);
  log(fmt::format("account added user={} manager=parleyctl by {}", result.name, by));
  return Response::success({{result.name}});
}

Response Commands::user_passwd(const Request& r, std::string_view by) {
  auto result = chat_.change_password(r.args.at(0), r.args.at(1));
  if (result.status != core::AdminStatus::ok) return refusal(result);
  log(fmt::format("password changed user={} manager={} (was {}) connections-ended={} by {}", result.name,
                  core::to_string(core::AccountManager::parleyctl), core::to_string(result.manager), result.ended, by));
  return Response::success({{result.name, std::string(core::to_string(result.manager)), std::to_string(result.ended)}});
}

Response Commands::user_del(const Request& r, std::string_view by) {
  auto result = chat_.delete_account(r.args.at(0));
  if (result.status != core::AdminStatus::ok) return refusal(result);
  log(fmt::format("account deleted user={} manager={} connections-ended={} by {}", result.name,
                  core::to_string(result.manager), result.ended, by));
  if (result.manager == core::AccountManager::file)
    log(
        fmt::format("{} came from the users file: the next change of that file brings it back if its line "
                    "stays",
                    result.name));
  return Response::success({{result.name, std::string(core::to_string(result.manager)), std::to_string(result.ended)}});
}

Response Commands::user_list() {
  std::vector<Row> rows;
  for (const auto& a : chat_.list_accounts())
    rows.push_back({a.name, std::string(core::to_string(a.manager)), a.disabled ? "disabled" : "enabled",
                    a.last_seen ? iso_time(*a.last_seen) : "-", a.online ? "online" : "offline"});
  return Response::success(std::move(rows));
}

Response Commands::who() {
  std::vector<Row> rows;
  for (const auto& o : chat_.who()) rows.push_back({o.name, o.peer, iso_time(o.since)});
  return Response::success(std::move(rows));
}

Response Commands::kick(const Request& r, std::string_view by) {
  auto result = chat_.kick(r.args.at(0));
  if (result.status != core::AdminStatus::ok) return refusal(result);
  if (result.ended == 0) return refused(result.name + " is not online");
  log(fmt::format("kicked user={} connections-ended={} by {}", result.name, result.ended, by));
  return Response::success({{result.name, std::to_string(result.ended)}});
}

Response Commands::notice(const Request& r, std::string_view by) {
  auto sent = chat_.notice(r.args.at(0));
  if (!sent) return refused("the notice is empty once control characters are removed");
  log(fmt::format("notice to {} connections by {}: {}", *sent, by, core::sanitize_text(r.args.at(0))));
  return Response::success({{std::to_string(*sent)}});
}

}  // namespace parley::proto::control
