#include "ctl/output.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

#include "proto/control/json.hpp"

namespace parley::ctl {

using proto::control::json_array;
using proto::control::JsonObject;
using proto::control::Row;

namespace {

const std::string& at(const Row& row, std::size_t i) {
  static const std::string missing = "-";
  return i < row.size() ? row[i] : missing;
}

std::int64_t number(const std::string& text) {
  try {
    return std::stoll(text);
  } catch (const std::exception&) {
    return 0;
  }
}

bool is_number(const std::string& text) {
  return !text.empty() && text.size() < 19 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A value, or null for "-" (a time never reached, no topic).
void add_or_null(JsonObject& o, std::string_view key, const std::string& value) {
  if (value == "-")
    o.add_null(key);
  else
    o.add(key, std::string_view(value));
}

}  // namespace

void print_plain(std::ostream& out, const proto::control::Response& response) {
  for (const auto& row : response.rows) {
    for (std::size_t i = 0; i < row.size(); ++i) out << (i ? " " : "") << row[i];
    out << '\n';
  }
}

void print_json(std::ostream& out, const proto::control::Request& request, const proto::control::Response& response) {
  const auto& c = request.command;
  const auto& rows = response.rows;
  std::string json;
  if (c == "user-list" || c == "who") {
    std::vector<std::string> items;
    for (const auto& r : rows) {
      JsonObject o;
      o.add("user", std::string_view(at(r, 0)));
      if (c == "who") {
        o.add("address", std::string_view(at(r, 1))).add("since", std::string_view(at(r, 2)));
      } else {
        o.add("manager", std::string_view(at(r, 1))).add("disabled", at(r, 2) == "disabled");
        add_or_null(o, "last_seen", at(r, 3));
        o.add("online", at(r, 4) == "online");
      }
      items.push_back(o.str());
    }
    json = json_array(items);
  } else if (c == "room-list" || c == "room-members") {
    std::vector<std::string> items;
    for (const auto& r : rows) {
      JsonObject o;
      if (c == "room-list") {
        o.add("room", std::string_view(at(r, 0)))
            .add("members", number(at(r, 1)))
            .add("online", number(at(r, 2)))
            .add("invite_only", at(r, 3) == "invite-only");
        add_or_null(o, "topic", at(r, 4));
      } else {
        o.add("user", std::string_view(at(r, 0))).add("owner", at(r, 1) == "owner").add("online", at(r, 2) == "online");
      }
      items.push_back(o.str());
    }
    json = json_array(items);
  } else if (c.rfind("room-", 0) == 0) {
    // One row about one room: room-topic and room-access name the room
    // first, the others the user.
    Row r = rows.empty() ? Row{} : rows.front();
    JsonObject o;
    if (c == "room-topic") {
      o.add("room", std::string_view(at(r, 0)));
      add_or_null(o, "topic", at(r, 1));
    } else if (c == "room-access") {
      o.add("room", std::string_view(at(r, 0))).add("invite_only", at(r, 1) == "invite-only");
    } else {
      o.add("room", std::string_view(at(r, 1))).add("user", std::string_view(at(r, 0)));
    }
    json = o.str();
  } else if (c == "reload") {
    // {"changed":[...],"needs_restart":[...],"files":[...],"done":"..."}
    std::vector<std::string> changed, restart, files;
    std::string done;
    for (const auto& r : rows) {
      auto line = proto::control::json_string(at(r, 1));
      if (at(r, 0) == "changed") changed.push_back(line);
      if (at(r, 0) == "needs-restart") restart.push_back(line);
      if (at(r, 0) == "files") files.push_back(line);
      if (at(r, 0) == "done") done = at(r, 1);
    }
    json = JsonObject()
               .add_raw("changed", json_array(changed))
               .add_raw("needs_restart", json_array(restart))
               .add_raw("files", json_array(files))
               .add("done", std::string_view(done))
               .str();
  } else if (c == "status") {
    JsonObject o;
    for (const auto& r : rows) {
      std::string key = at(r, 0);
      std::replace(key.begin(), key.end(), '-', '_');
      if (is_number(at(r, 1)))
        o.add(key, number(at(r, 1)));
      else
        o.add(key, std::string_view(at(r, 1)));
    }
    json = o.str();
  } else if (c == "notice") {
    json = JsonObject().add("connections", number(rows.empty() ? "0" : at(rows.front(), 0))).str();
  } else {
    // user-add, user-passwd, user-del, kick: one row about one user.
    Row r = rows.empty() ? Row{} : rows.front();
    JsonObject o;
    o.add("user", std::string_view(at(r, 0)));
    if (c == "user-add") o.add("manager", "parleyctl");
    if (c == "user-passwd") o.add("manager", "parleyctl").add("previous_manager", std::string_view(at(r, 1)));
    if (c == "user-del") o.add("manager", std::string_view(at(r, 1)));
    if (c == "user-passwd" || c == "user-del") o.add("connections_ended", number(at(r, 2)));
    if (c == "kick") o.add("connections_ended", number(at(r, 1)));
    json = o.str();
  }
  out << json << '\n';
}

}  // namespace parley::ctl
