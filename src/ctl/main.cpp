// parleyctl: administers a running parleyd through its control socket, and
// its accounts through the database while it is stopped (docs/ADMIN.md).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/room_name.hpp"
#include "core/text.hpp"
#include "core/user_file.hpp"
#include "ctl/control_client.hpp"
#include "ctl/exit_codes.hpp"
#include "ctl/offline.hpp"
#include "ctl/output.hpp"
#include "ctl/password_prompt.hpp"
#include "server/config.hpp"
#include "store/database_lock.hpp"

namespace {

using namespace parley;
using proto::control::Request;

struct Options {
  bool json = false;
  std::string socket;
  std::string db;
  std::string config;
  std::int64_t timeout = 600;
};

struct Target {
  std::string socket;  // empty: the server has none
  std::string db;
  core::HashCost cost = core::HashCost::interactive;
};

// The installed service's settings, used when no path is given and the
// file exists: `parleyctl who` just works on a packaged server.
std::string default_config(const Options& o) {
  if (!o.config.empty() || !o.db.empty() || !o.socket.empty()) return o.config;
  std::error_code ec;
  return std::filesystem::exists(PARLEY_DEFAULT_CONFIG, ec) ? PARLEY_DEFAULT_CONFIG : "";
}

// The same defaults as parleyd's: the command line, then --config (or the
// installed config file), then parley.db and parleyd.sock beside it.
Target resolve(Options o) {
  Target t;
  std::optional<server::ServerConfig> file;
  o.config = default_config(o);
  if (!o.config.empty()) {
    std::ifstream in(o.config, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + o.config);
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = server::parse_config_toml(text.str(), o.config);
    if (auto* error = std::get_if<std::string>(&parsed)) throw std::runtime_error(*error);
    file = std::get<server::ServerConfig>(parsed);
  }
  t.db = !o.db.empty() ? o.db : file ? file->db_path : "parley.db";
  // A control-socket the file sets (none among them) is kept; left out, it
  // is the default beside whichever database is used.
  if (!o.socket.empty())
    t.socket = o.socket;
  else if (file && file->control_socket != server::default_control_socket(file->db_path))
    t.socket = file->control_socket;
  else
    t.socket = server::default_control_socket(t.db);
  if (file) t.cost = file->hash_cost;
  return t;
}

// A room as given: the '#' may be left out, since a shell takes a word
// starting with '#' for a comment unless it is quoted.
std::string room_arg(const std::string& room) { return core::looks_like_room(room) ? room : "#" + room; }

int fail(int code, const std::string& message) {
  std::cerr << "parleyctl: " << message << "\n";
  return code;
}

int print(const Options& o, const Request& request, const proto::control::Response& response) {
  if (!response.ok) return fail(ctl::kRefused, response.error);
  if (o.json)
    ctl::print_json(std::cout, request, response);
  else
    ctl::print_plain(std::cout, response);
  if (request.command == "user-del" && !response.rows.empty() && response.rows.front().size() > 1 &&
      response.rows.front()[1] == "file")
    std::cerr << "parleyctl: warning: " << response.rows.front()[0]
              << " came from the users file; the next change of that file brings it back if its line stays\n";
  return ctl::kOk;
}

int run(const Options& o, Request request) {
  Target target = resolve(o);
  std::string unreachable;
  if (!target.socket.empty()) {
    auto answer = ctl::ask_server(target.socket, request, std::chrono::seconds(o.timeout));
    if (auto* response = std::get_if<proto::control::Response>(&answer)) return print(o, request, *response);
    unreachable = "cannot reach parleyd at " + target.socket + " (" + std::get<ctl::Unreachable>(answer).reason + ")";
  } else {
    unreachable = "parleyd has no control socket (control-socket is none)";
  }
  if (!ctl::runs_offline(request)) return fail(ctl::kUnreachable, unreachable + "; is it running?");
  try {
    return print(o, request, ctl::run_offline(target.db, target.cost, request));
  } catch (const store::DatabaseInUse& e) {
    return fail(ctl::kUnreachable, unreachable + ", but " + e.what() +
                                       ": is parleyd running with another control-socket (--socket PATH)?");
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{
      "parleyctl: administer parleyd (accounts, rooms, who is online, notices, reload, status) through its "
      "control socket; the user and room commands also work on the database while parleyd is stopped.",
      "parleyctl"};
  app.set_version_flag("--version", std::string("parleyctl ") + PARLEY_VERSION);
  app.add_flag("--json", o.json, "Print JSON instead of one item a line");
  app.add_option("--socket", o.socket, "parleyd's control socket (default: parleyd.sock beside the database)");
  app.add_option("--db", o.db,
                 "The database, for the user and room commands while parleyd is stopped (default: parley.db)");
  app.add_option("--config", o.config,
                 "parleyd's TOML file: its db and control-socket are used (default: " PARLEY_DEFAULT_CONFIG
                 " when it exists and neither --db nor --socket is given)");
  app.add_option("--timeout", o.timeout, "Seconds to wait for parleyd's answer (default: 600)")
      ->check(CLI::Range(1, 86400));
  app.require_subcommand(1);

  Request request;
  std::string name;
  std::vector<std::string> words;
  auto* user = app.add_subcommand("user", "Accounts: add, passwd, del, list")->require_subcommand(1);
  auto* add = user->add_subcommand("add", "Create an account; the password is read from a prompt or stdin");
  add->add_option("NAME", name, "Account name")->required();
  auto* passwd = user->add_subcommand("passwd",
                                      "Set an account's password (read from a prompt or stdin); its "
                                      "connections end");
  passwd->add_option("NAME", name, "Account name")->required();
  auto* del = user->add_subcommand("del", "Delete an account and its waiting messages; its connections end");
  del->add_option("NAME", name, "Account name")->required();
  auto* list = user->add_subcommand("list", "Every account: name, manager, enabled/disabled, last seen, online");
  auto* who = app.add_subcommand("who", "Online users: name, address, logged in since (UTC)");
  auto* kick = app.add_subcommand("kick", "End a user's connections, with a line telling them");
  kick->add_option("NAME", name, "Account name")->required();
  auto* notice = app.add_subcommand("notice", "Send one line from the server to everyone online");
  notice->add_option("TEXT", words, "The text")->required();
  auto* reload = app.add_subcommand(
      "reload", "Reload parleyd as SIGHUP does: the config file, the users file, the TLS certificate");
  auto* status = app.add_subcommand("status", "Version, uptime, connections, users online, counters");
  std::string room;
  std::string access;
  auto* rooms = app.add_subcommand("room",
                                   "Rooms, as their owners may: list, members, topic, remove, owner, handover, "
                                   "access, invite (ROOM: '#name', the '#' may be left out)")
                    ->require_subcommand(1);
  auto* room_list = rooms->add_subcommand("list", "Every room: name, members, online, public/invite-only, topic");
  auto* room_members = rooms->add_subcommand("members", "A room's members: name, owner/member, online/offline");
  room_members->add_option("ROOM", room, "The room")->required();
  auto* room_topic = rooms->add_subcommand("topic", "Set a room's topic; '-' or an empty text clears it");
  room_topic->add_option("ROOM", room, "The room")->required();
  room_topic->add_option("TEXT", words, "The topic")->required();
  auto* room_remove = rooms->add_subcommand("remove", "Remove a member (an owner too) from a room");
  auto* room_owner = rooms->add_subcommand("owner", "Make a member an owner of a room too");
  auto* room_handover =
      rooms->add_subcommand("handover", "Make a member the only owner of a room (the others stay members)");
  auto* room_invite = rooms->add_subcommand("invite", "Invite a user to a room");
  for (auto* command : {room_remove, room_owner, room_handover, room_invite}) {
    command->add_option("NAME", name, "Account name")->required();
    command->add_option("ROOM", room, "The room")->required();
  }
  auto* room_access = rooms->add_subcommand("access", "Make a room public or invite-only");
  room_access->add_option("ROOM", room, "The room")->required();
  room_access->add_option("ACCESS", access, "public or invite-only")
      ->required()
      ->check(CLI::IsMember({"public", "invite-only"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    return fail(ctl::kUsage, std::string(e.what()) + " (see parleyctl --help)");
  }

  try {
    if (*add || *passwd) {
      request.command = *add ? "user-add" : "user-passwd";
      if (*add && !core::is_valid_username(name))
        return fail(ctl::kRefused,
                    "invalid user name '" + core::log_safe(name) + "' (use 1 to 32 letters, digits, '.', '_' or '-')");
      auto password = ctl::read_new_password(name);
      if (auto problem = core::password_problem(password); !problem.empty())
        return fail(ctl::kRefused, "password refused: " + problem + "; nothing was changed");
      request.args = {name, std::move(password)};
    } else if (*del) {
      request = {"user-del", {name}};
    } else if (*list) {
      request = {"user-list", {}};
    } else if (*who) {
      request = {"who", {}};
    } else if (*kick) {
      request = {"kick", {name}};
    } else if (*notice) {
      std::string text;
      for (const auto& w : words) text += (text.empty() ? "" : " ") + w;
      // Like any text users see: control characters and escapes removed.
      request = {"notice", {std::string(core::trim(core::sanitize_text(text)))}};
      if (request.args.front().empty()) return fail(ctl::kUsage, "the notice is empty");
    } else if (*reload) {
      request = {"reload", {}};
    } else if (*status) {
      request = {"status", {}};
    } else if (*room_list) {
      request = {"room-list", {}};
    } else if (*room_members) {
      request = {"room-members", {room_arg(room)}};
    } else if (*room_topic) {
      std::string text;
      for (const auto& w : words) text += (text.empty() ? "" : " ") + w;
      std::string topic(core::trim(core::sanitize_text(text)));
      // "-" on the wire clears it, as in the classic `topic #room -`.
      if (topic.empty() && !core::trim(text).empty())
        return fail(ctl::kUsage, "the topic is empty once control characters are removed (- clears it)");
      request = {"room-topic", {room_arg(room), topic.empty() ? "-" : topic}};
    } else if (*room_access) {
      request = {"room-access", {room_arg(room), access}};
    } else if (*room_remove || *room_owner || *room_handover || *room_invite) {
      std::string command = *room_remove     ? "room-remove"
                            : *room_owner    ? "room-owner"
                            : *room_handover ? "room-handover"
                                             : "room-invite";
      request = {command, {name, room_arg(room)}};
    }
    // Refused here what the server would refuse: a control character, say.
    try {
      proto::control::format_request(request);
    } catch (const std::invalid_argument& e) {
      return fail(ctl::kUsage, e.what());
    }
    return run(o, std::move(request));
  } catch (const std::exception& e) {
    return fail(ctl::kRefused, e.what());
  }
}
