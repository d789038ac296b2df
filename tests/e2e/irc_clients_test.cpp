// Real IRC clients against parleyd's IRC listener: WeeChat and irssi, as the
// Debian packages install them, run in a private tmux server. Each logs in
// with SASL PLAIN as alice and talks with carol (the classic protocol over
// TCP) and bob (raw IRC over TCP, or the other client), in private, to
// everyone and in rooms, and reads a room's history when joining it.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "harness.hpp"
#include "irc_support.hpp"
#include "irssi_driver.hpp"
#include "tmux_driver.hpp"
#include "weechat_driver.hpp"

namespace parley::test {
namespace {

// The nick of a line's source: "alice" in "@time=... :alice!alice@host PRIVMSG ...".
std::string source_nick(const std::string& line) {
  std::size_t start = line.rfind('@', 0) == 0 ? line.find(' ') : std::string::npos;
  start = start == std::string::npos ? 0 : start + 1;
  if (start >= line.size() || line[start] != ':') return "";
  return line.substr(start + 1, line.find_first_of("! ", start) - start - 1);
}

// A user speaking raw IRC, registered with SASL PLAIN and server-time.
class RawIrcUser {
 public:
  RawIrcUser(unsigned short port, const std::string& nick, const std::string& password) : client_(port) {
    client_.register_sasl(nick, password, "server-time");
  }
  void send(const std::string& line) { client_.send(line); }
  // The next whole line containing `text` (earlier lines are skipped).
  std::string line_with(const std::string& text) {
    std::string before = client_.expect(text);
    std::string rest = client_.expect("\n");
    auto start = before.rfind('\n');
    return (start == std::string::npos ? before : before.substr(start + 1)) + rest;
  }

 private:
  IrcClient client_;
};

class IrcClients : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Tmux::available()) GTEST_SKIP() << "tmux is not installed (scripts/install-deps installs it)";
    server_dir_.write("user_pass.txt", demo_users());
    server_ = std::make_unique<ServerProcess>(server_dir_.path(),
                                              std::vector<std::string>{"--irc-port", "0", "--server-name", "irc.test"});
    ASSERT_NE(server_->port(), 0) << "parleyd did not start";
    irc_port_ = irc_port(*server_);
    ASSERT_NE(irc_port_, 0);
    tmux_ = std::make_unique<Tmux>(clients_dir_.path());
  }

  std::unique_ptr<LineClient> classic_user(const std::string& name, const std::string& password) {
    auto c = std::make_unique<LineClient>(server_->port());
    std::string out = c->login(name, password);
    EXPECT_NE(out.find("Login successful"), std::string::npos) << name << ": " << out;
    return c;
  }
  IrcLogin login(const std::string& nick, const std::string& password) const { return {nick, password, irc_port_}; }
  std::filesystem::path home(const std::string& name) const { return clients_dir_ / name; }

  TempDir server_dir_;
  TempDir clients_dir_;
  std::unique_ptr<ServerProcess> server_;
  unsigned short irc_port_ = 0;
  std::unique_ptr<Tmux> tmux_;
};

TEST_F(IrcClients, WeechatLogsInWithSaslTalksPrivatelyAndToEveryone) {
  if (!WeechatClient::available()) GTEST_SKIP() << "weechat-headless is not installed";
  auto carol = classic_user("carol", "swordfish");
  RawIrcUser bob(irc_port_, "bob", "hunter2");

  WeechatClient alice(*tmux_, home("weechat"), login("alice", "secret"));
  ASSERT_TRUE(alice.wait_for("", "SASL authentication successful")) << alice.describe();
  ASSERT_TRUE(alice.wait_for("&everyone", "has joined &everyone")) << alice.describe();

  // A classic user and alice, both ways.
  carol->send_line("message alice hello from carol");
  EXPECT_TRUE(alice.wait_for("carol", "carol\thello from carol")) << alice.describe();
  alice.say("carol", "hi carol, alice here");
  carol->expect("alice: hi carol, alice here <private message>\n");

  // Another IRC user and alice, both ways.
  bob.send("PRIVMSG alice :hello from bob");
  EXPECT_TRUE(alice.wait_for("bob", "bob\thello from bob")) << alice.describe();
  alice.say("bob", "hi bob");
  EXPECT_EQ(source_nick(bob.line_with(" PRIVMSG bob :hi bob")), "alice");

  // Broadcasts: a classic one shows in &everyone, and what alice says there reaches everyone.
  carol->send_line("broadcast message hello everyone");
  EXPECT_TRUE(alice.wait_for("&everyone", "carol\thello everyone")) << alice.describe();
  alice.say("&everyone", "hi all");
  carol->expect("alice: hi all <broadcast message>\n");
  EXPECT_EQ(source_nick(bob.line_with(" PRIVMSG &everyone :hi all")), "alice");

  alice.quit();
}

TEST_F(IrcClients, WeechatTalksInARoomAndReadsItsHistory) {
  if (!WeechatClient::available()) GTEST_SKIP() << "weechat-headless is not installed";
  auto carol = classic_user("carol", "swordfish");
  RawIrcUser bob(irc_port_, "bob", "hunter2");
  // Said in #den before alice is in it.
  bob.send("JOIN #den");
  bob.line_with(" 366 bob #den ");
  carol->command("join #den");
  bob.send("PRIVMSG #den :said before alice came");
  carol->expect("[#den] bob: said before alice came\n");
  carol->command("message #den carol was here too");

  WeechatClient alice(*tmux_, home("weechat"), login("alice", "secret"));
  ASSERT_TRUE(alice.wait_for("&everyone", "has joined &everyone")) << alice.describe();

  // Joining replays the history into the channel's buffer.
  alice.command("/join #den");
  EXPECT_TRUE(alice.wait_for("#den", "bob\tsaid before alice came")) << alice.describe();
  EXPECT_TRUE(alice.wait_for("#den", "carol\tcarol was here too")) << alice.describe();
  alice.say("#den", "alice has arrived");
  EXPECT_EQ(source_nick(bob.line_with(" PRIVMSG #den :alice has arrived")), "alice");
  carol->expect("[#den] alice: alice has arrived\n");
  carol->send_line("message #den welcome, alice");
  EXPECT_TRUE(alice.wait_for("#den", "carol\twelcome, alice")) << alice.describe();

  // A room alice creates and talks in; bob joins later and reads it. carol
  // is there to see the lines arrive, so that bob comes only after them.
  alice.command("/join #weechat");
  ASSERT_TRUE(alice.wait_for("#weechat", "has joined #weechat")) << alice.describe();
  carol->command("join #weechat");
  alice.say("#weechat", "first words in #weechat");
  alice.say("#weechat", "second words in #weechat");
  carol->expect("[#weechat] alice: second words in #weechat\n");
  bob.send("JOIN #weechat");
  EXPECT_EQ(source_nick(bob.line_with(" PRIVMSG #weechat :first words in #weechat")), "alice");
  EXPECT_EQ(source_nick(bob.line_with(" PRIVMSG #weechat :second words in #weechat")), "alice");

  alice.quit();
}

TEST_F(IrcClients, IrssiLogsInWithSaslTalksPrivatelyAndToEveryone) {
  if (!IrssiClient::available()) GTEST_SKIP() << "irssi is not installed";
  auto carol = classic_user("carol", "swordfish");
  RawIrcUser bob(irc_port_, "bob", "hunter2");

  IrssiClient alice(*tmux_, home("irssi"), login("alice", "secret"));
  ASSERT_TRUE(alice.wait_for("", "SASL authentication succeeded")) << alice.describe();
  ASSERT_TRUE(alice.wait_for("&everyone", "has joined &everyone")) << alice.describe();

  carol->send_line("message alice hello from carol");
  EXPECT_TRUE(alice.wait_for("carol", "<carol> hello from carol")) << alice.describe();
  alice.say("carol", "hi carol, alice here");
  carol->expect("alice: hi carol, alice here <private message>\n");

  bob.send("PRIVMSG alice :hello from bob");
  EXPECT_TRUE(alice.wait_for("bob", "<bob> hello from bob")) << alice.describe();
  alice.say("bob", "hi bob");
  EXPECT_EQ(source_nick(bob.line_with(" PRIVMSG bob :hi bob")), "alice");

  carol->send_line("broadcast message hello everyone");
  EXPECT_TRUE(alice.wait_for("&everyone", "carol> hello everyone")) << alice.describe();
  alice.say("&everyone", "hi all");
  carol->expect("alice: hi all <broadcast message>\n");
  EXPECT_EQ(source_nick(bob.line_with(" PRIVMSG &everyone :hi all")), "alice");

  alice.quit();
}

TEST_F(IrcClients, IrssiTalksInARoomAndReadsItsHistory) {
  if (!IrssiClient::available()) GTEST_SKIP() << "irssi is not installed";
  auto carol = classic_user("carol", "swordfish");
  RawIrcUser bob(irc_port_, "bob", "hunter2");
  bob.send("JOIN #den");
  bob.line_with(" 366 bob #den ");
  carol->command("join #den");
  bob.send("PRIVMSG #den :said before alice came");
  carol->expect("[#den] bob: said before alice came\n");
  carol->command("message #den carol was here too");

  IrssiClient alice(*tmux_, home("irssi"), login("alice", "secret"));
  ASSERT_TRUE(alice.wait_for("&everyone", "has joined &everyone")) << alice.describe();

  // irssi shows a nick with its channel mode ("<@bob>", "< carol>").
  alice.type("/join #den");
  EXPECT_TRUE(alice.wait_for("#den", "bob> said before alice came")) << alice.describe();
  EXPECT_TRUE(alice.wait_for("#den", "carol> carol was here too")) << alice.describe();
  alice.type("alice has arrived");
  EXPECT_EQ(source_nick(bob.line_with(" PRIVMSG #den :alice has arrived")), "alice");
  carol->expect("[#den] alice: alice has arrived\n");
  carol->send_line("message #den welcome, alice");
  EXPECT_TRUE(alice.wait_for("#den", "carol> welcome, alice")) << alice.describe();

  alice.type("/join #irssi");
  ASSERT_TRUE(alice.wait_for("#irssi", "has joined #irssi")) << alice.describe();
  carol->command("join #irssi");
  alice.type("first words in #irssi");
  alice.type("second words in #irssi");
  carol->expect("[#irssi] alice: second words in #irssi\n");
  bob.send("JOIN #irssi");
  EXPECT_EQ(source_nick(bob.line_with(" PRIVMSG #irssi :first words in #irssi")), "alice");
  EXPECT_EQ(source_nick(bob.line_with(" PRIVMSG #irssi :second words in #irssi")), "alice");

  alice.quit();
}

// The two clients with each other: WeeChat's alice and irssi's bob.
TEST_F(IrcClients, WeechatAndIrssiTalkAndShareARoom) {
  if (!WeechatClient::available()) GTEST_SKIP() << "weechat-headless is not installed";
  if (!IrssiClient::available()) GTEST_SKIP() << "irssi is not installed";
  WeechatClient alice(*tmux_, home("weechat"), login("alice", "secret"));
  IrssiClient bob(*tmux_, home("irssi"), login("bob", "hunter2"));
  ASSERT_TRUE(alice.wait_for("&everyone", "has joined &everyone")) << alice.describe();
  ASSERT_TRUE(bob.wait_for("&everyone", "has joined &everyone")) << bob.describe();

  alice.say("bob", "hello bob, from weechat");
  EXPECT_TRUE(bob.wait_for("alice", "<alice> hello bob, from weechat")) << bob.describe();
  bob.say("alice", "hello alice, from irssi");
  EXPECT_TRUE(alice.wait_for("bob", "bob\thello alice, from irssi")) << alice.describe();

  alice.command("/join #both");
  ASSERT_TRUE(alice.wait_for("#both", "has joined #both")) << alice.describe();
  auto carol = classic_user("carol", "swordfish");
  carol->command("join #both");
  alice.say("#both", "before bob joined");
  carol->expect("[#both] alice: before bob joined\n");
  bob.type("/join #both");
  EXPECT_TRUE(bob.wait_for("#both", "alice> before bob joined")) << bob.describe();
  bob.type("bob is here");
  EXPECT_TRUE(alice.wait_for("#both", "bob\tbob is here")) << alice.describe();

  bob.quit();
  alice.quit();
}

}  // namespace
}  // namespace parley::test
