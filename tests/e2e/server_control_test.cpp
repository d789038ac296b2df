// parleyctl against a real parleyd: accounts added, changed and deleted
// while users are online, the users file and reload, who, kick, notice and
// status, rooms as the server administrator; the same user and room
// commands with the server stopped; and a control socket that refuses
// anyone but the server's user and root.
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "harness.hpp"
#include "server_support.hpp"

namespace parley::test {
namespace {

bool exited_with(int status, int code) { return WIFEXITED(status) && WEXITSTATUS(status) == code; }

// Just enough of RFC 8259 to say whether a text is one JSON value.
class JsonChecker {
 public:
  explicit JsonChecker(const std::string& text) : s_(text) {}
  bool valid() {
    space();
    if (!value()) return false;
    space();
    return i_ == s_.size();
  }

 private:
  void space() {
    while (i_ < s_.size() && std::strchr(" \t\r\n", s_[i_])) ++i_;
  }
  bool literal(const char* word) {
    auto n = std::strlen(word);
    if (s_.compare(i_, n, word) != 0) return false;
    i_ += n;
    return true;
  }
  bool string() {
    if (i_ >= s_.size() || s_[i_] != '"') return false;
    for (++i_; i_ < s_.size(); ++i_) {
      auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') return ++i_, true;
      if (c < 0x20) return false;
      if (c == '\\') {
        if (++i_ >= s_.size() || !std::strchr("\"\\/bfnrtu", s_[i_])) return false;
        if (s_[i_] == 'u') {
          for (int k = 0; k < 4; ++k)
            if (++i_ >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[i_]))) return false;
        }
      }
    }
    return false;
  }
  bool number() {
    auto start = i_;
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
    return i_ > start && std::isdigit(static_cast<unsigned char>(s_[i_ - 1]));
  }
  bool value() {
    space();
    if (i_ >= s_.size()) return false;
    char c = s_[i_];
    if (c == '"') return string();
    if (c == '{' || c == '[') {
      char close = c == '{' ? '}' : ']';
      ++i_;
      space();
      if (i_ < s_.size() && s_[i_] == close) return ++i_, true;
      for (;;) {
        space();
        if (c == '{') {
          if (!string()) return false;
          space();
          if (i_ >= s_.size() || s_[i_++] != ':') return false;
        }
        if (!value()) return false;
        space();
        if (i_ >= s_.size()) return false;
        if (s_[i_] == close) return ++i_, true;
        if (s_[i_++] != ',') return false;
      }
    }
    if (literal("true") || literal("false") || literal("null")) return true;
    return number();
  }
  const std::string& s_;
  std::size_t i_ = 0;
};

class ServerControl : public ServerFixture {
 protected:
  std::string socket() const { return (dir_ / "parleyd.sock").string(); }
  std::string db() const { return (dir_ / "parley.db").string(); }
  // parleyctl with this server's socket and database; `input` is its stdin.
  CommandResult ctl(std::vector<std::string> args, const std::string& input = "") {
    std::vector<std::string> argv{binary_path("parleyctl"), "--socket", socket(), "--db", db()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, input);
  }
  void expect_ok(const CommandResult& r, const std::string& out) {
    EXPECT_TRUE(exited_with(r.status, 0)) << r.out << r.err;
    EXPECT_EQ(r.out, out) << r.err;
  }
  std::string login_refused(const std::string& user, const std::string& password) {
    LineClient c(port());
    c.expect("Username: ");
    c.send_line(user);
    c.expect("Password: ");
    c.send_line(password);
    return c.expect("\n");
  }
};

const std::string kWrong = "Error: invalid username or password\n";

TEST_F(ServerControl, AnAddedUserLogsIn) {
  start();
  expect_ok(ctl({"user", "add", "Newbie"}, "fresh-pass\n"), "Newbie\n");
  EXPECT_FALSE(server_->wait_for_log("control: account added user=Newbie manager=parleyctl by uid=").empty());
  EXPECT_FALSE(server_->log_contains("fresh-pass"));
  auto c = user("newbie", "fresh-pass");
  EXPECT_EQ(c->command("whoelse"), "The currently online users are:\n(Not found)\nCommand: ");
  auto again = ctl({"user", "add", "NEWBIE"}, "x\n");
  EXPECT_TRUE(exited_with(again.status, 1)) << again.err;
  EXPECT_EQ(again.err, "parleyctl: user Newbie already exists\n");
  auto spaced = ctl({"user", "add", "other"}, "two words\n");
  EXPECT_TRUE(exited_with(spaced.status, 1));
  EXPECT_NE(spaced.err.find("password refused"), std::string::npos) << spaced.err;
}

TEST_F(ServerControl, PasswdEndsTheSessionsAndOnlyTheNewPasswordWorks) {
  start();
  auto online = user("columbia", "116bway");
  expect_ok(ctl({"user", "passwd", "columbia"}, "n3w-pass\n"), "columbia file 1\n");
  EXPECT_EQ(online->read_until_closed(),
            "Your password has been changed by the server administrator; please log in again\n");
  EXPECT_EQ(login_refused("columbia", "116bway"), kWrong);
  user("columbia", "n3w-pass");
  EXPECT_FALSE(server_->wait_for_log("reason=password changed").empty());
  EXPECT_FALSE(server_->log_contains("n3w-pass"));
}

TEST_F(ServerControl, DelDisconnectsTheUserWhoCannotLogInAgain) {
  start();
  auto sender = user("seas", "summerisover");
  EXPECT_EQ(sender->command("message alice kept for nobody"),
            "(Receiver alice is currently offline, message will be delivered when they log in next time)\n"
            "Command: ");
  auto online = user("bob", "hunter2");
  auto r = ctl({"user", "del", "BOB"});
  expect_ok(r, "bob file 1\n");
  EXPECT_NE(r.err.find("warning: bob came from the users file"), std::string::npos) << r.err;
  EXPECT_EQ(online->read_until_closed(), "Your account has been deleted by the server administrator\n");
  EXPECT_EQ(login_refused("bob", "hunter2"), kWrong);
  EXPECT_EQ(sender->command("message bob hi"), "Error: no such user: bob\nCommand: ");
  expect_ok(ctl({"user", "del", "alice"}), "alice file 0\n");
  auto gone = ctl({"user", "del", "alice"});
  EXPECT_TRUE(exited_with(gone.status, 1));
  EXPECT_EQ(gone.err, "parleyctl: no such user: alice\n");
}

TEST_F(ServerControl, ALineRemovedFromTheUsersFileStopsThatPasswordAtReload) {
  start();
  auto online = user("carol", "swordfish");
  std::string users = demo_users();
  auto without = users;
  without.erase(without.find("carol swordfish\n"), std::string("carol swordfish\n").size());
  dir_.write("user_pass.txt", without);
  auto r = ctl({"reload"});
  EXPECT_TRUE(exited_with(r.status, 0)) << r.err;
  EXPECT_NE(r.out.find("1 disabled"), std::string::npos) << r.out;
  EXPECT_TRUE(server_->log_contains("user_pass.txt: disabled (no longer in the file) carol")) << server_->log();
  EXPECT_EQ(online->read_until_closed(), "Your account has been disabled by the server administrator\n");
  EXPECT_EQ(login_refused("carol", "swordfish"), kWrong);
  auto list = ctl({"user", "list"});
  EXPECT_NE(list.out.find("carol file disabled "), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("alice file enabled - offline\n"), std::string::npos) << list.out;

  // The line back brings the account back, with that line's password.
  dir_.write("user_pass.txt", without + "carol n3wsword\n");
  EXPECT_TRUE(exited_with(ctl({"reload"}).status, 0));
  EXPECT_EQ(login_refused("carol", "swordfish"), kWrong);
  user("carol", "n3wsword");

  // A parleyctl account is left alone by the file, and its line is ignored.
  expect_ok(ctl({"user", "passwd", "google"}, "own-pass\n"), "google file 0\n");
  auto changed = without + "carol n3wsword\n";
  changed.replace(changed.find("google hasglasses"), std::string("google hasglasses").size(), "google file-pass");
  dir_.write("user_pass.txt", changed);
  EXPECT_TRUE(exited_with(ctl({"reload"}).status, 0));
  EXPECT_FALSE(server_->wait_for_log("user_pass.txt:5: google is managed by parleyctl; the line is ignored").empty())
      << server_->log();
  user("google", "own-pass");
  EXPECT_EQ(login_refused("google", "file-pass"), kWrong);

  // A broken file is refused and the accounts stay as they were.
  dir_.write("user_pass.txt", "no-password-here\n");
  auto broken = ctl({"reload"});
  EXPECT_TRUE(exited_with(broken.status, 1));
  EXPECT_NE(broken.err.find("user_pass.txt:1"), std::string::npos) << broken.err;
  user("seas", "summerisover");
}

TEST_F(ServerControl, WhoKickNoticeAndStatus) {
  start();
  auto alice = user("alice", "secret");
  auto bob = user("bob", "hunter2");
  auto who = ctl({"who"});
  EXPECT_TRUE(exited_with(who.status, 0)) << who.err;
  EXPECT_EQ(support::count_of(who.out, "\n"), 2u) << who.out;
  EXPECT_EQ(who.out.rfind("alice 127.0.0.1:", 0), 0u) << who.out;
  EXPECT_NE(who.out.find("\nbob 127.0.0.1:"), std::string::npos) << who.out;
  EXPECT_NE(who.out.find("T"), std::string::npos);
  EXPECT_EQ(who.out.find("Z\n"), who.out.find('\n') - 1) << who.out;  // UTC, ISO 8601

  expect_ok(ctl({"notice", "back", "in", "5\x1b[2J", "minutes"}), "2\n");
  EXPECT_EQ(alice->expect("\n"), "Notice from the server: back in 5 minutes\n");
  EXPECT_EQ(bob->expect("\n"), "Notice from the server: back in 5 minutes\n");

  expect_ok(ctl({"kick", "Bob"}), "bob 1\n");
  EXPECT_EQ(bob->read_until_closed(), "You have been disconnected by the server administrator\n");
  EXPECT_FALSE(server_->wait_for_log("disconnect user=bob").empty());
  EXPECT_TRUE(server_->log_contains("reason=kicked"));
  auto again = ctl({"kick", "bob"});
  EXPECT_TRUE(exited_with(again.status, 1));
  EXPECT_EQ(again.err, "parleyctl: bob is not online\n");
  auto bob_again = user("bob", "hunter2");  // a kick is not a ban

  auto status = ctl({"status"});
  EXPECT_TRUE(exited_with(status.status, 0)) << status.err;
  EXPECT_EQ(status.out.rfind("version ", 0), 0u) << status.out;
  for (const char* line : {"\nusers-online 2\n", "\nlogged-in-connections 2\n", "\naccounts 8\n", "\nuptime-seconds "})
    EXPECT_NE(status.out.find(line), std::string::npos) << line << status.out;

  for (std::vector<std::string> args : {std::vector<std::string>{"--json", "status"},
                                        {"--json", "who"},
                                        {"--json", "user", "list"},
                                        {"--json", "reload"}}) {
    auto r = ctl(args);
    EXPECT_TRUE(exited_with(r.status, 0)) << r.err;
    EXPECT_TRUE(JsonChecker(r.out).valid()) << r.out;
  }
  auto reloaded = ctl({"--json", "reload"}).out;
  EXPECT_EQ(reloaded.rfind("{\"changed\":[],\"needs_restart\":[],\"files\":[\"", 0), 0u) << reloaded;
  EXPECT_NE(reloaded.find("\"done\":\"reload done: 0 settings changed, 0 need a restart\"}"), std::string::npos)
      << reloaded;
  auto json = ctl({"--json", "status"}).out;
  EXPECT_NE(json.find("\"users_online\":2"), std::string::npos) << json;
  auto users = ctl({"--json", "user", "list"}).out;
  EXPECT_NE(users.find("{\"user\":\"alice\",\"manager\":\"file\",\"disabled\":false,\"last_seen\":\""),
            std::string::npos)
      << users;
  EXPECT_NE(users.find("\"online\":true"), std::string::npos);
}

TEST_F(ServerControl, UserCommandsWorkOnTheDatabaseWhileTheServerIsStopped) {
  // A fresh directory, no users file: the accounts are prepared first.
  dir_.write("parley.toml", "db = \"" + db() + "\"\npassword-hash-cost = \"min\"\n");
  auto offline = [&](std::vector<std::string> args, const std::string& input = "") {
    std::vector<std::string> argv{binary_path("parleyctl"), "--config", (dir_ / "parley.toml").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, input);
  };
  auto add = offline({"user", "add", "first"}, "pw-one\n");
  EXPECT_TRUE(exited_with(add.status, 0)) << add.err;
  EXPECT_EQ(add.out, "first\n");
  EXPECT_NE(add.err.find("(server stopped): account added user=first"), std::string::npos) << add.err;
  EXPECT_TRUE(exited_with(offline({"user", "add", "second"}, "pw-two\n").status, 0));
  EXPECT_TRUE(exited_with(offline({"user", "add", "third"}, "pw-three\n").status, 0));
  EXPECT_TRUE(exited_with(offline({"user", "passwd", "second"}, "pw-2\n").status, 0));
  EXPECT_TRUE(exited_with(offline({"user", "del", "third"}).status, 0));
  auto list = offline({"user", "list"});
  EXPECT_EQ(list.out, "first parleyctl enabled - offline\nsecond parleyctl enabled - offline\n") << list.err;
  auto who = offline({"who"});
  EXPECT_TRUE(exited_with(who.status, 3));
  EXPECT_NE(who.err.find("cannot reach parleyd at " + socket()), std::string::npos) << who.err;

  server_ = std::make_unique<ServerProcess>(dir_.path());
  EXPECT_FALSE(server_->wait_for_log("control socket parleyd.sock").empty());
  user("first", "pw-one");
  user("second", "pw-2");
  EXPECT_EQ(login_refused("third", "pw-three"), kWrong);
  // Through the socket now, with the same commands.
  auto online = offline({"user", "list"});
  EXPECT_NE(online.out.find("first parleyctl enabled 20"), std::string::npos) << online.out << online.err;
  EXPECT_EQ(online.err, "");
}

TEST_F(ServerControl, RoomCommandsActAsTheServerAdministrator) {
  start();
  auto alice = user("alice", "secret");
  auto bob = user("bob", "hunter2");
  EXPECT_EQ(alice->command("join #lobby"), "Created #lobby; you are its owner\n" + kPrompt);
  EXPECT_EQ(bob->command("join #LOBBY"), "Joined #lobby (2 members)\n" + kPrompt);
  EXPECT_EQ(alice->expect("\n"), "[#lobby] bob joined the room\n");
  // What both members see of each change, once parleyctl has its answer.
  auto both_see = [&](const std::string& line) {
    EXPECT_EQ(alice->expect("\n"), line);
    EXPECT_EQ(bob->expect("\n"), line);
  };

  expect_ok(ctl({"room", "topic", "#lobby", "Release", "day:", "be", "kind"}), "#lobby Release day: be kind\n");
  both_see("[#lobby] the server administrator set the topic: Release day: be kind\n");
  EXPECT_FALSE(server_->wait_for_log("control: room topic set room=#lobby by uid=" + std::to_string(getuid()) + " pid=")
                   .empty());
  expect_ok(ctl({"room", "list"}), "#lobby 2 2 public Release day: be kind\n");
  // The '#' may be left out: a shell takes "#lobby" for a comment.
  expect_ok(ctl({"room", "members", "lobby"}), "alice owner online\nbob member online\n");

  expect_ok(ctl({"room", "owner", "Bob", "lobby"}), "bob #lobby\n");
  both_see("[#lobby] bob is now an owner\n");
  expect_ok(ctl({"room", "remove", "bob", "#lobby"}), "bob #lobby\n");
  both_see("[#lobby] bob was removed by the server administrator\n");
  EXPECT_FALSE(server_->wait_for_log("control: room member removed room=#lobby user=bob by uid=").empty());
  EXPECT_EQ(bob->command("message #lobby still here?"), "Error: you are not in #lobby\n" + kPrompt);

  expect_ok(ctl({"room", "access", "lobby", "invite-only"}), "#lobby invite-only\n");
  EXPECT_EQ(alice->expect("\n"), "[#lobby] the server administrator made the room invite-only\n");
  EXPECT_EQ(bob->command("join #lobby"), "Error: #lobby is invite-only; an owner must invite you\n" + kPrompt);
  expect_ok(ctl({"room", "invite", "bob", "lobby"}), "bob #lobby\n");
  EXPECT_EQ(bob->expect("\n"), "The server administrator invited you to #lobby; type 'join #lobby' to join\n");
  EXPECT_EQ(bob->command("join #lobby"),
            "Joined #lobby (2 members)\nTopic of #lobby: Release day: be kind\n" + kPrompt);
  EXPECT_EQ(alice->expect("\n"), "[#lobby] bob joined the room\n");
  expect_ok(ctl({"room", "handover", "bob", "lobby"}), "bob #lobby\n");
  both_see("[#lobby] the server administrator handed ownership to bob\n");
  expect_ok(ctl({"room", "topic", "lobby", "-"}), "#lobby -\n");
  both_see("[#lobby] the server administrator cleared the topic\n");
  EXPECT_EQ(alice->command("members #lobby"), "Members of #lobby:\nalice (online)\nbob (owner, online)\n" + kPrompt);

  expect_ok(ctl({"--json", "room", "list"}),
            "[{\"room\":\"#lobby\",\"members\":2,\"online\":2,\"invite_only\":true,\"topic\":null}]\n");
  expect_ok(
      ctl({"--json", "room", "members", "lobby"}),
      "[{\"user\":\"alice\",\"owner\":false,\"online\":true},{\"user\":\"bob\",\"owner\":true,\"online\":true}]\n");
  expect_ok(ctl({"--json", "room", "topic", "lobby", "say \"hi\""}),
            "{\"room\":\"#lobby\",\"topic\":\"say \\\"hi\\\"\"}\n");
  both_see("[#lobby] the server administrator set the topic: say \"hi\"\n");
  expect_ok(ctl({"--json", "room", "access", "lobby", "public"}), "{\"room\":\"#lobby\",\"invite_only\":false}\n");
  both_see("[#lobby] the server administrator made the room public\n");

  // Refusals: one line, exit 1, nothing changed and nothing logged.
  auto refused = [&](std::vector<std::string> args, const std::string& err) {
    auto r = ctl(std::move(args));
    EXPECT_TRUE(exited_with(r.status, 1)) << r.out << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "parleyctl: " + err + "\n");
  };
  refused({"room", "members", "nowhere"}, "no such room: #nowhere");
  refused({"room", "remove", "carol", "lobby"}, "carol is not a member of #lobby");
  refused({"room", "owner", "bob", "lobby"}, "bob is already an owner of #lobby");
  refused({"room", "owner", "zed", "lobby"}, "no such user: zed");
  refused({"room", "invite", "alice", "lobby"}, "alice is already a member of #lobby");
  refused({"room", "topic", "lobby", std::string(301, 'x')}, "the topic is longer than 300 characters; it was not set");
  refused({"room", "topic", "lob!by", "x"},
          "invalid room name '#lob!by' (use '#' and 1 to 32 letters, digits, '.', '_' or '-')");
  EXPECT_TRUE(exited_with(ctl({"room", "access", "lobby", "closed"}).status, 2));
  EXPECT_TRUE(exited_with(ctl({"room", "remove", "bob"}).status, 2));
  EXPECT_TRUE(exited_with(ctl({"room"}).status, 2));
  EXPECT_EQ(alice->command("topic #lobby"), "Topic of #lobby: say \"hi\"\n" + kPrompt);
  EXPECT_EQ(alice->pending(), "");
  EXPECT_EQ(bob->pending(), "");
}

TEST_F(ServerControl, RoomCommandsWorkOnTheDatabaseWhileTheServerIsStopped) {
  start();
  {
    auto alice = user("alice", "secret");
    auto bob = user("bob", "hunter2");
    EXPECT_EQ(alice->command("join #lobby"), "Created #lobby; you are its owner\n" + kPrompt);
    EXPECT_EQ(bob->command("join #lobby"), "Joined #lobby (2 members)\n" + kPrompt);
  }
  ASSERT_TRUE(exited_with(server_->stop(SIGTERM), 0));

  auto topic = ctl({"room", "topic", "lobby", "Back", "on", "Monday"});
  expect_ok(topic, "#lobby Back on Monday\n");
  EXPECT_NE(topic.err.find("(server stopped): room topic set room=#lobby by uid="), std::string::npos) << topic.err;
  expect_ok(ctl({"room", "remove", "bob", "lobby"}), "bob #lobby\n");
  expect_ok(ctl({"room", "list"}), "#lobby 1 0 public Back on Monday\n");
  expect_ok(ctl({"room", "members", "lobby"}), "alice owner offline\n");

  start();
  auto alice = user("alice", "secret");
  EXPECT_EQ(alice->command("topic #lobby"), "Topic of #lobby: Back on Monday\n" + kPrompt);
  EXPECT_EQ(alice->command("members #lobby"), "Members of #lobby:\nalice (owner, online)\n" + kPrompt);
  auto bob = user("bob", "hunter2");
  EXPECT_EQ(bob->command("message #lobby hello?"), "Error: you are not in #lobby\n" + kPrompt);
  // Through the socket again.
  expect_ok(ctl({"room", "list"}), "#lobby 1 1 public Back on Monday\n");
}

// The server cannot grow its database (RLIMIT_FSIZE at the size of its WAL,
// as on a full disk; parleyd ignores SIGXFSZ): parleyctl says the change
// was not saved.
TEST_F(ServerControl, ARoomChangeTheStoreCannotWriteIsAFailure) {
  start();
  auto alice = user("alice", "secret");
  EXPECT_EQ(alice->command("join #lobby"), "Created #lobby; you are its owner\n" + kPrompt);
  auto wal = dir_ / "parley.db-wal";
  ASSERT_TRUE(std::filesystem::exists(wal));
  rlimit limit{};
  ASSERT_EQ(::prlimit(server_->pid(), RLIMIT_FSIZE, nullptr, &limit), 0);
  auto unlimited = limit;
  limit.rlim_cur = std::filesystem::file_size(wal);
  ASSERT_EQ(::prlimit(server_->pid(), RLIMIT_FSIZE, &limit, nullptr), 0);

  auto r = ctl({"room", "topic", "lobby", "lost"});
  EXPECT_TRUE(exited_with(r.status, 1)) << r.out << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("parleyctl: the change to #lobby could not be saved (", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("); try again\n"), std::string::npos) << r.err;
  EXPECT_FALSE(server_->wait_for_log("room-topic room=#lobby by uid=").empty());

  ASSERT_EQ(::prlimit(server_->pid(), RLIMIT_FSIZE, &unlimited, nullptr), 0);
  expect_ok(ctl({"room", "topic", "lobby", "kept"}), "#lobby kept\n");
}

TEST_F(ServerControl, ALockedDatabaseWithoutASocketIsReportedClearly) {
  start({"--control-socket", "none"});
  EXPECT_FALSE(server_->wait_for_log("no control socket").empty());
  auto r = ctl({"user", "list"});
  EXPECT_TRUE(exited_with(r.status, 3));
  EXPECT_NE(r.err.find("is in use by another parleyd"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cannot reach parleyd at " + socket()), std::string::npos) << r.err;
}

TEST_F(ServerControl, UsageErrorsAndTheVersion) {
  start();
  EXPECT_TRUE(exited_with(ctl({"frob"}).status, 2));
  EXPECT_TRUE(exited_with(ctl({"user", "del"}).status, 2));
  EXPECT_TRUE(exited_with(ctl({}).status, 2));
  auto version = run_command({binary_path("parleyctl"), "--version"}, "");
  EXPECT_TRUE(exited_with(version.status, 0));
  EXPECT_EQ(version.out.rfind("parleyctl ", 0), 0u) << version.out;
}

// Connects to `path` as uid and gid 65534 in a child; returns what the
// child saw: "refused:<errno text>" or the server's answer to `status`.
std::string as_nobody(const std::string& path) {
  int pipefd[2];
  if (pipe(pipefd) != 0) return "pipe";
  pid_t pid = fork();
  if (pid == 0) {
    close(pipefd[0]);
    auto say = [&](const std::string& text) {
      (void)!write(pipefd[1], text.data(), text.size());
      _exit(0);
    };
    if (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0) say("cannot drop privileges");
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.data(), path.size());
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      say(std::string("refused:") + std::strerror(errno));
    // The server may answer and close before the request is written: no
    // SIGPIPE then, and its answer is still there to read.
    std::string request = "status\n";
    (void)!send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string answer;
    char buffer[512];
    for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) answer.append(buffer, static_cast<std::size_t>(n));
    say(answer);
  }
  close(pipefd[1]);
  std::string out;
  char buffer[512];
  for (ssize_t n; (n = read(pipefd[0], buffer, sizeof buffer)) > 0;) out.append(buffer, static_cast<std::size_t>(n));
  close(pipefd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return out;
}

TEST_F(ServerControl, TheSocketRefusesOtherUsers) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to act as another user";
  start();
  struct stat st {};
  ASSERT_EQ(lstat(socket().c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(as_nobody(socket()), "refused:Permission denied");

  // Past the file's mode, the server checks the peer's credentials too.
  ASSERT_EQ(chmod(socket().c_str(), 0666), 0);
  ASSERT_EQ(chmod(dir_.path().c_str(), 0755), 0);
  EXPECT_EQ(as_nobody(socket()), "error\tdenied\tpermission denied\n");
  EXPECT_FALSE(server_->wait_for_log("control: refused uid=65534").empty());
}

// parleyctl sends a password only to a server run by root, by its own user
// or by the owner of the socket's directory: not to another user who bound
// the path in a shared directory while parleyd was down.
TEST_F(ServerControl, PasswordsGoOnlyToATrustedServer) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to act as another user";
  auto shared = dir_.path() / "shared";
  std::filesystem::create_directory(shared);
  ASSERT_EQ(chmod(shared.c_str(), 01777), 0);
  ASSERT_EQ(chmod(dir_.path().c_str(), 0755), 0);
  auto path = (shared / "parleyd.sock").string();
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(ready[0]);
    if (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0) _exit(2);
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.data(), path.size());
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 1) != 0) _exit(3);
    (void)!write(ready[1], "r", 1);
    int peer = accept(fd, nullptr, nullptr);
    char buffer[512];
    _exit(peer >= 0 && read(peer, buffer, sizeof buffer) > 0 ? 1 : 0);  // 1: it got a request
  }
  close(ready[1]);
  char ch = 0;
  ASSERT_EQ(read(ready[0], &ch, 1), 1);
  close(ready[0]);
  auto r = run_command({binary_path("parleyctl"), "--socket", path, "--db", db(), "user", "add", "mallory"},
                       "stolen-password\n");
  EXPECT_FALSE(exited_with(r.status, 0));
  EXPECT_NE(r.err.find("is served by uid 65534, neither root, this user nor the owner of its directory"),
            std::string::npos)
      << r.err;
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the impostor got a request";
}

TEST_F(ServerControl, AStaleSocketIsReplacedAndRemovedAtShutdown) {
  {
    // A socket file nobody listens on, as a crashed server leaves it.
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, socket().data(), socket().size());
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    close(fd);
  }
  start();
  EXPECT_TRUE(server_->log_contains("removed a stale socket file")) << server_->log();
  EXPECT_TRUE(exited_with(ctl({"status"}).status, 0));
  EXPECT_TRUE(exited_with(server_->stop(SIGTERM), 0));
  EXPECT_FALSE(std::filesystem::exists(socket()));

  // A file that is not a socket is never removed.
  dir_.write("parleyd.sock", "mine\n");
  auto r = run_command({binary_path("parleyd"), "--password-hash-cost", "min", "--db", db(), "--users",
                        (dir_ / "user_pass.txt").string(), "--control-socket", socket(), "0"},
                       "");
  EXPECT_TRUE(exited_with(r.status, 1));
  EXPECT_NE(r.err.find("the file exists and is not a socket"), std::string::npos) << r.err;
  EXPECT_EQ(support::read_file(socket()), "mine\n");
}

}  // namespace
}  // namespace parley::test
