// The IRC listener over TCP: registration, the seed's commands in their IRC
// forms, rooms as channels, offline delivery, history, presence, deadlines
// and bad input. Every line checked here is in docs/IRC.md.
#include <gtest/gtest.h>

#include "irc_support.hpp"
#include "server_support.hpp"

namespace parley::test {
namespace {

using support::count_of;

class ServerIrc : public ServerFixture {
 protected:
  void start_irc(std::vector<std::string> args = {}) {
    args.insert(args.end(), {"--irc-port", "0", "--server-name", "irc.test"});
    start(std::move(args));
    irc_port_ = irc_port(*server_);
    ASSERT_NE(irc_port_, 0);
  }
  std::unique_ptr<IrcClient> irc(const std::string& source = "") {
    return std::make_unique<IrcClient>(irc_port_, source);
  }
  std::unique_ptr<IrcClient> irc_user(const std::string& name, const std::string& password,
                                      const std::string& caps = "", std::string* out = nullptr) {
    auto c = irc();
    auto got = c->register_sasl(name, password, caps);
    EXPECT_NE(got.find(" 001 " + name + " :Welcome to simple chat server!"), std::string::npos) << got;
    if (out) *out = got;
    return c;
  }
  unsigned short irc_port_ = 0;
};

TEST_F(ServerIrc, SaslRegistrationWelcomesWithTheTruthInIsupport) {
  start_irc();
  auto c = irc();
  c->send("CAP LS 302");
  auto ls = c->expect("\r\n");
  EXPECT_NE(ls.find(":irc.test CAP * LS :"), std::string::npos) << ls;
  EXPECT_NE(ls.find("sasl=PLAIN"), std::string::npos) << ls;
  EXPECT_NE(ls.find("draft/chathistory"), std::string::npos) << ls;
  c->send("NICK alice");
  c->send("USER alice 0 * :Alice");
  c->send("CAP REQ :sasl server-time");
  EXPECT_NE(c->expect("\r\n").find(":irc.test CAP alice ACK :sasl server-time"), std::string::npos);
  c->send("AUTHENTICATE PLAIN");
  c->expect("AUTHENTICATE +\r\n");
  c->send("AUTHENTICATE " + sasl_plain("alice", "secret"));
  auto sasl = c->expect(" 903 alice :SASL authentication successful\r\n");
  EXPECT_NE(sasl.find(":irc.test 900 alice alice!alice@parley alice :You are now logged in as alice"),
            std::string::npos)
      << sasl;
  c->send("CAP END");
  auto burst = c->sync();
  EXPECT_NE(burst.find(":irc.test 001 alice :Welcome to simple chat server! alice!alice@parley\r\n"), std::string::npos)
      << burst;
  for (auto token : {"CASEMAPPING=ascii", "CHANTYPES=#&", "NICKLEN=32", "CHANNELLEN=33", "TARGMAX=PRIVMSG:,",
                     "MONITOR=100", "PREFIX=(o)@", "CHATHISTORY=500"})
    EXPECT_NE(burst.find(token), std::string::npos) << token << "\n" << burst;
  EXPECT_NE(burst.find(":irc.test 422 alice :MOTD File is missing"), std::string::npos);
  EXPECT_NE(burst.find(":alice!alice@parley JOIN &everyone\r\n"), std::string::npos) << burst;
  EXPECT_NE(burst.find(":irc.test 353 alice = &everyone :alice\r\n"), std::string::npos) << burst;
  EXPECT_TRUE(server_->wait_for_log("login user=alice").size());
}

TEST_F(ServerIrc, WrongSaslPasswordMayBeTriedAgainAndPassWorksToo) {
  start_irc({"--motd", "Be nice"});
  auto c = irc();
  c->send("CAP LS 302");
  c->send("NICK bob");
  c->send("USER bob 0 * :Bob");
  c->send("CAP REQ :sasl");
  c->expect("ACK");
  c->send("AUTHENTICATE PLAIN");
  c->expect("AUTHENTICATE +");
  c->send("AUTHENTICATE " + sasl_plain("bob", "wrong"));
  c->expect(":irc.test 904 bob :SASL authentication failed\r\n");
  c->send("AUTHENTICATE PLAIN");
  c->expect("AUTHENTICATE +");
  c->send("AUTHENTICATE " + sasl_plain("bob", "hunter2"));
  c->expect(" 903 ");
  c->send("CAP END");
  auto burst = c->sync();
  EXPECT_NE(burst.find(" 001 bob "), std::string::npos);
  EXPECT_NE(burst.find(":irc.test 372 bob :- Be nice\r\n"), std::string::npos) << burst;

  auto p = irc();
  auto got = p->register_pass("carol", "swordfish");
  EXPECT_NE(got.find(":irc.test 001 carol "), std::string::npos) << got;
}

TEST_F(ServerIrc, WrongPassClosesAndTheLockoutGivesSecondsLeft) {
  start_irc({"--login-times", "2", "--block-time", "60"});
  auto first = irc();
  first->send("PASS nope");
  first->send("NICK alice");
  first->send("USER alice 0 * :a");
  auto out = first->read_until_closed();
  EXPECT_NE(out.find(":irc.test 464 alice :Password incorrect\r\nERROR :Password incorrect\r\n"), std::string::npos)
      << out;
  auto second = irc();
  second->send("PASS nope");
  second->send("NICK alice");
  second->send("USER alice 0 * :a");
  out = second->read_until_closed();
  EXPECT_NE(out.find("ERROR :Too many failed attempts; alice is blocked from this address for 60 seconds\r\n"),
            std::string::npos)
      << out;
  // The right password during the block: refused before it is checked, by SASL too.
  auto third = irc();
  third->send("CAP LS 302");
  third->send("CAP REQ :sasl");
  third->expect("ACK");
  third->send("AUTHENTICATE PLAIN");
  third->expect("AUTHENTICATE +");
  third->send("AUTHENTICATE " + sasl_plain("alice", "secret"));
  out = third->read_until_closed();
  EXPECT_NE(out.find(" 904 "), std::string::npos) << out;
  EXPECT_NE(out.find("ERROR :alice is blocked from this address; try again in "), std::string::npos) << out;
  // Another account from the same address is not blocked.
  irc_user("bob", "hunter2");
}

TEST_F(ServerIrc, NickMustBeTheAccountAndCredentialsAreNeededWithoutGuests) {
  start_irc();
  auto c = irc();
  c->send("CAP LS 302");
  c->send("NICK someoneelse");
  c->send("USER x 0 * :x");
  c->send("CAP REQ :sasl");
  c->expect("ACK");
  c->send("AUTHENTICATE PLAIN");
  c->expect("AUTHENTICATE +");
  c->send("AUTHENTICATE " + sasl_plain("alice", "secret"));
  c->expect(" 903 ");
  c->send("CAP END");
  c->expect(":irc.test 432 someoneelse someoneelse :Your nickname must be your account name: NICK alice\r\n");
  c->send("NICK Alice");
  EXPECT_NE(c->sync().find(" 001 alice "), std::string::npos);

  auto anonymous = irc();
  anonymous->send("NICK nobody");
  anonymous->send("USER nobody 0 * :n");
  auto out = anonymous->read_until_closed();
  EXPECT_NE(out.find("464 nobody :This server needs your account's password: log in with SASL PLAIN or PASS"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("ERROR :Password required\r\n"), std::string::npos) << out;
}

TEST_F(ServerIrc, GuestsLiveAlongsideAccountsWhenAllowed) {
  start_irc({"--guests"});
  auto alice = irc_user("alice", "secret");
  auto guest = irc();
  guest->send("NICK Alice");  // an account's name, in another case
  guest->send("USER g 0 * :g");
  guest->expect("433 * Alice :Nickname is an account's name");
  guest->send("NICK visitor");
  auto burst = guest->sync();
  EXPECT_NE(burst.find(":irc.test 001 visitor :Welcome to simple chat server! visitor!guest@guest"), std::string::npos)
      << burst;
  // Another guest cannot take the nick.
  auto twin = irc();
  twin->send("NICK VISITOR");
  twin->send("USER g 0 * :g");
  twin->expect("433 * VISITOR :Nickname is already in use");

  guest->send("PRIVMSG alice :hello from a guest");
  alice->expect(":visitor!guest@guest PRIVMSG alice :hello from a guest\r\n");
  alice->send("PRIVMSG visitor :welcome");
  guest->expect(":alice!alice@parley PRIVMSG visitor :welcome\r\n");
  guest->send("WHOIS alice");
  guest->expect(" 318 visitor alice ");
  alice->send("WHOIS visitor");
  auto whois = alice->expect(" 318 alice visitor ");
  EXPECT_NE(whois.find("320 alice visitor :is a guest, not logged in to an account"), std::string::npos) << whois;
  // No offline messages from guests.
  guest->send("PRIVMSG bob :are you there");
  guest->expect(":irc.test 401 visitor bob :Offline; guests cannot leave messages for later\r\n");
  // Classic users see guests in whoelse.
  auto carol = user("carol", "swordfish");
  auto list = carol->command("whoelse");
  EXPECT_NE(list.find("visitor"), std::string::npos) << list;
}

TEST_F(ServerIrc, WithoutGuestsNothingChanges) {
  start_irc();
  auto c = irc();
  c->send("NICK visitor");
  c->send("USER g 0 * :g");
  auto out = c->read_until_closed();
  EXPECT_EQ(out.find(" 001 "), std::string::npos) << out;
  EXPECT_NE(out.find("ERROR :Password required"), std::string::npos) << out;
}

TEST_F(ServerIrc, PrivateMessagesBothWaysWithClassicAndToSeveral) {
  start_irc();
  auto alice = irc_user("alice", "secret", "echo-message");
  auto bob = user("bob", "hunter2");
  auto carol = irc_user("carol", "swordfish");
  alice->send("PRIVMSG bob :hi bob");
  EXPECT_NE(bob->expect("alice: hi bob <private message>\n").size(), 0u);
  alice->expect(":alice!alice@parley PRIVMSG bob :hi bob\r\n");  // echo-message
  bob->command("message alice hello alice");
  alice->expect(":bob!bob@parley PRIVMSG alice :hello alice\r\n");
  alice->send("PRIVMSG bob,carol :to you both");
  bob->expect("alice: to you both <private message>\n");
  carol->expect(":alice!alice@parley PRIVMSG carol :to you both\r\n");
  alice->send("PRIVMSG nosuchuser :hi");
  alice->expect(":irc.test 401 alice nosuchuser :No such nick/channel\r\n");
  alice->send("PRIVMSG bob");
  alice->expect(":irc.test 412 alice :No text to send\r\n");
  alice->send(
      "PRIVMSG bob :\x01"
      "ACTION waves\x01");
  bob->expect("alice: * alice waves <private message>\n");
}

TEST_F(ServerIrc, BroadcastsTravelThroughEveryone) {
  start_irc();
  auto alice = irc_user("alice", "secret");
  auto bob = user("bob", "hunter2");
  alice->send("PRIVMSG &everyone :hello all");
  bob->expect("alice: hello all <broadcast message>\n");
  bob->command("broadcast message hi everyone");
  alice->expect(":bob!bob@parley PRIVMSG &everyone :hi everyone\r\n");
  alice->send("PART &everyone");
  alice->expect("442 alice &everyone :&everyone cannot be left");
  alice->send("NAMES &everyone");
  auto names = alice->expect(" 366 alice &everyone ");
  EXPECT_NE(names.find("353 alice = &everyone :alice bob"), std::string::npos) << names;
}

TEST_F(ServerIrc, OfflineMessagesComeWithServerTimeAndInABatch) {
  start_irc();
  {
    auto bob = user("bob", "hunter2");
    EXPECT_NE(bob->command("message alice while you were out").find("currently offline"), std::string::npos);
    EXPECT_NE(bob->command("broadcast message to all").find("offline"), std::string::npos);
  }
  auto alice = irc();
  auto out = alice->register_sasl("alice", "secret", "server-time batch");
  EXPECT_NE(out.find(":*parley!parley@parley NOTICE alice :Your offline messages:"), std::string::npos) << out;
  EXPECT_NE(out.find("BATCH +"), std::string::npos) << out;
  EXPECT_NE(out.find(" chathistory bob\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("Z :bob!bob@parley PRIVMSG alice :while you were out\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find(";time=20"), std::string::npos) << out;
  EXPECT_NE(out.find(":bob!bob@parley PRIVMSG &everyone :to all\r\n"), std::string::npos) << out;
  EXPECT_LT(out.find(" 001 "), out.find("while you were out"));
  // Delivered once.
  alice.reset();
  auto again = irc();
  auto second = again->register_sasl("alice", "secret");
  EXPECT_EQ(second.find("while you were out"), std::string::npos) << second;
}

TEST_F(ServerIrc, OfflineMessagesWithoutServerTimeCarryTheTimeInTheText) {
  start_irc();
  {
    auto bob = user("bob", "hunter2");
    bob->command("message alice later");
  }
  auto alice = irc();
  auto out = alice->register_sasl("alice", "secret");
  auto at = out.find(":bob!bob@parley PRIVMSG alice :[");
  ASSERT_NE(at, std::string::npos) << out;
  EXPECT_NE(out.find("Z] later\r\n", at), std::string::npos) << out;
}

TEST_F(ServerIrc, ServiceUserAnswersTheSeedCommands) {
  start_irc();
  auto alice = irc_user("alice", "secret");
  auto bob = user("bob", "hunter2");
  alice->send("PRIVMSG *parley :whoelse");
  auto out = alice->expect("NOTICE alice :bob\r\n");
  EXPECT_NE(out.find(":*parley!parley@parley NOTICE alice :The currently online users are:"), std::string::npos);
  alice->send("PRIVMSG *parley :wholast 10");
  alice->expect("NOTICE alice :bob\r\n");
  alice->send("PRIVMSG *parley :personalintro I like IRC");
  alice->sync();
  auto who = bob->command("whoelse");
  EXPECT_NE(who.find("I like IRC"), std::string::npos) << who;
}

TEST_F(ServerIrc, RoomsAreChannels) {
  start_irc();
  auto alice = irc_user("alice", "secret", "echo-message");
  auto bob = user("bob", "hunter2");
  alice->send("JOIN #team");
  auto join = alice->expect(" 366 alice #team ");
  EXPECT_NE(join.find(":alice!alice@parley JOIN #team\r\n"), std::string::npos) << join;
  EXPECT_NE(join.find("353 alice = #team :@alice"), std::string::npos) << join;
  bob->command("join #team");
  alice->expect(":bob!bob@parley JOIN #team\r\n");
  alice->send("PRIVMSG #team :hello team");
  bob->expect("[#team] alice: hello team\n");
  bob->command("message #team hi alice");
  alice->expect(":bob!bob@parley PRIVMSG #team :hi alice\r\n");
  alice->send("TOPIC #team :Plans");
  alice->expect(":alice!alice@parley TOPIC #team :Plans\r\n");
  alice->send("MODE #team +i");
  alice->expect(":alice!alice@parley MODE #team +i\r\n");
  alice->send("MODE #team");
  alice->expect(":irc.test 324 alice #team +int\r\n");
  alice->send("LIST");
  auto list = alice->expect(" 323 alice ");
  EXPECT_NE(list.find("322 alice #team 2 :[+int] Plans"), std::string::npos) << list;
  alice->send("INVITE carol #team");
  alice->expect(":irc.test 341 alice carol #team\r\n");
  alice->send("KICK #team bob :bye");
  alice->expect(":alice!alice@parley KICK #team bob :bye\r\n");
  bob->expect("removed");
  alice->send("PRIVMSG #nosuch :x");
  alice->expect(":irc.test 404 alice #nosuch :Cannot send to channel: join it first\r\n");
  // Membership is kept: at the next registration the room is joined again.
  alice.reset();
  std::string burst;
  auto again = irc_user("alice", "secret", "", &burst);
  EXPECT_NE(burst.find(":alice!alice@parley JOIN #team\r\n"), std::string::npos) << burst;
  EXPECT_NE(burst.find("332 alice #team :Plans"), std::string::npos) << burst;
}

TEST_F(ServerIrc, JoiningShowsTheRoomsHistoryAndChathistoryPagesIt) {
  start_irc();
  auto bob = user("bob", "hunter2");
  bob->command("join #club");
  for (int i = 1; i <= 3; ++i) bob->command("message #club line " + std::to_string(i));
  auto alice = irc_user("alice", "secret", "server-time batch message-tags draft/chathistory");
  alice->send("JOIN #club");
  auto replay = alice->expect("BATCH -");
  EXPECT_NE(replay.find(":bob!bob@parley PRIVMSG #club :line 3\r\n"), std::string::npos) << replay;
  EXPECT_NE(replay.find(" chathistory #club\r\n"), std::string::npos) << replay;
  EXPECT_NE(replay.find(":bob!bob@parley PRIVMSG #club :line 1\r\n"), std::string::npos) << replay;
  alice->send("CHATHISTORY LATEST #club * 2");
  auto page = alice->expect("BATCH -");
  EXPECT_EQ(page.find("line 1"), std::string::npos) << page;
  EXPECT_NE(page.find("line 3"), std::string::npos) << page;
  auto msgid = page.find("msgid=");
  ASSERT_NE(msgid, std::string::npos) << page;
  auto id = page.substr(msgid + 6, page.find_first_of(";  ", msgid) - msgid - 6);
  alice->send("CHATHISTORY BEFORE #club msgid=" + id + " 5");
  page = alice->expect("BATCH -");
  EXPECT_NE(page.find("line 1"), std::string::npos) << page;
  EXPECT_EQ(page.find("line 3"), std::string::npos) << page;
  alice->send("CHATHISTORY AROUND #club * 5");
  alice->expect("FAIL CHATHISTORY INVALID_PARAMS");
}

TEST_F(ServerIrc, MonitorWhoisAndWhowasFollowPresence) {
  start_irc();
  auto alice = irc_user("alice", "secret");
  alice->send("MONITOR + bob");
  alice->expect(":irc.test 731 alice :bob\r\n");
  auto bob = user("bob", "hunter2");
  alice->expect(":irc.test 730 alice :bob!bob@parley\r\n");
  alice->send("WHOIS bob");
  auto whois = alice->expect(" 318 alice bob ");
  EXPECT_NE(whois.find(" 311 alice bob bob parley * :"), std::string::npos) << whois;
  EXPECT_NE(whois.find(" 330 alice bob bob :is logged in as"), std::string::npos) << whois;
  logout(*bob);
  alice->expect(":irc.test 731 alice :bob\r\n");
  alice->send("WHOWAS bob");
  auto whowas = alice->expect(" 369 alice bob ");
  EXPECT_NE(whowas.find(":last seen "), std::string::npos) << whowas;
  alice->send("WHOIS bob");
  alice->expect(":irc.test 401 alice bob :No such nick/channel\r\n");
  alice->send("ISON bob alice");
  alice->expect(":irc.test 303 alice :alice\r\n");
}

TEST_F(ServerIrc, UnansweredPingsDropTheConnection) {
  start_irc({"--irc-ping", "1"});
  auto alice = irc_user("alice", "secret");
  alice->expect("PING :irc.test\r\n", std::chrono::seconds(5));
  auto out = alice->read_until_closed(std::chrono::seconds(5));
  EXPECT_NE(out.find("ERROR :Ping timeout: 1 seconds\r\n"), std::string::npos) << out;
  EXPECT_TRUE(server_->wait_for_log("reason=ping timeout").size());
}

TEST_F(ServerIrc, PongsKeepTheConnectionButNotTheIdleLogout) {
  start_irc({"--irc-ping", "1", "--timeout", "3"});
  auto alice = irc_user("alice", "secret");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::string all;
  while (!alice->closed() && std::chrono::steady_clock::now() < deadline) {
    all += alice->expect("\r\n", std::chrono::seconds(5));
    if (all.ends_with("PING :irc.test\r\n")) alice->send("PONG :irc.test");
    if (all.find("ERROR :") != std::string::npos) break;
  }
  EXPECT_NE(all.find("NOTICE alice :You will be logged out in "), std::string::npos) << all;
  EXPECT_NE(all.find("ERROR :You have been logged out after 3 seconds of inactivity\r\n"), std::string::npos) << all;
}

TEST_F(ServerIrc, BadLinesGetNumericsNotCrashes) {
  start_irc();
  auto c = irc();
  c->send("FROBNICATE");
  c->expect(":irc.test 451 * :You have not registered\r\n");
  c->send(std::string(600, 'A'));
  c->expect(":irc.test 417 * :Input line was too long\r\n");
  c->send("@a=b");
  c->expect("421");
  c->send(std::string("\x01\x02\xff\xfe garbage", 13));
  c->send("NICK");
  c->expect(":irc.test 431 * :No nickname given\r\n");
  c->send("USER x");
  c->expect(":irc.test 461 * USER :Not enough parameters\r\n");
  auto alice = irc_user("alice", "secret");
  alice->send("FROBNICATE now");
  alice->expect(":irc.test 421 alice FROBNICATE :Unknown command\r\n");
  alice->send("PRIVMSG bob :" + std::string(520, 'x'));
  alice->expect(":irc.test 417 alice :Input line was too long\r\n");
  alice->send(std::string(9000, 'y'));
  alice->expect(":irc.test 417 alice :Input line was too long\r\n");
  alice->send("USER again 0 * :x");
  alice->expect(":irc.test 462 alice :You may not reregister\r\n");
  alice->sync();
}

TEST_F(ServerIrc, LabeledResponsesAreLabeled) {
  start_irc();
  auto alice = irc_user("alice", "secret", "labeled-response batch echo-message message-tags");
  alice->send("@label=one PING :x");
  alice->expect("@label=one :irc.test PONG irc.test :x\r\n");
  alice->send("@label=two PRIVMSG bob :offline one");
  auto out = alice->expect("BATCH -");
  EXPECT_NE(out.find("@label=two :irc.test BATCH +"), std::string::npos) << out;
  EXPECT_NE(out.find("labeled-response"), std::string::npos) << out;
  alice->send("@label=three AWAY");
  alice->expect("@label=three :irc.test 305 alice :You are no longer marked as being away\r\n");
}

TEST_F(ServerIrc, QuitLogsOut) {
  start_irc();
  auto alice = irc_user("alice", "secret");
  alice->send("QUIT :see you");
  EXPECT_EQ(alice->read_until_closed(), "ERROR :Quit: see you\r\n");
  EXPECT_FALSE(server_->wait_for_log("logout user=alice").empty());
}

TEST_F(ServerIrc, ClassicAndIrcUsersSeeEachOther) {
  start_irc();
  auto alice = irc_user("alice", "secret", "away-notify setname");
  auto bob = user("bob", "hunter2");
  alice->send("SETNAME :IRC fan");
  alice->expect(":alice!alice@parley SETNAME :IRC fan\r\n");
  alice->sync();
  auto who = bob->command("whoelse");
  EXPECT_NE(who.find("alice   <IRC fan>"), std::string::npos) << who;
  bob->command("personalintro classic person");
  alice->send("WHO &everyone");
  auto rows = alice->expect(" 315 alice &everyone ");
  EXPECT_NE(rows.find(" 352 alice &everyone bob parley irc.test bob H :0 classic person\r\n"), std::string::npos)
      << rows;
  // A room member going offline and coming back, for away-notify.
  alice->send("JOIN #pair");
  alice->expect(" 366 alice #pair ");
  bob->command("join #pair");
  alice->expect(":bob!bob@parley JOIN #pair\r\n");
  logout(*bob);
  alice->expect(":bob!bob@parley AWAY :Offline\r\n");
  alice->send("WHO #pair");
  rows = alice->expect(" 315 alice #pair ");
  EXPECT_NE(rows.find(" bob G :0 classic person"), std::string::npos) << rows;
  bob = user("bob", "hunter2");
  alice->expect(":bob!bob@parley AWAY\r\n");
  alice->send("AWAY :lunch");
  alice->expect(" 306 alice :You have been marked as being away\r\n");
  bob->command("message alice are you there");
  alice->expect("PRIVMSG alice :are you there\r\n");
}

TEST_F(ServerIrc, UnreadRoomMessagesArriveAtRegistration) {
  start_irc();
  {
    auto alice = irc_user("alice", "secret");
    alice->send("JOIN #news");
    alice->expect(" 366 alice #news ");
    alice->sync();
  }
  // Offline, so that what follows is unread.
  EXPECT_FALSE(server_->wait_for_log("disconnect user=alice").empty());
  auto bob = user("bob", "hunter2");
  bob->command("join #news");
  bob->command("message #news while you slept");
  auto alice = irc();
  auto out = alice->register_sasl("alice", "secret", "server-time");
  auto join = out.find(":alice!alice@parley JOIN #news\r\n");
  auto line = out.find(":bob!bob@parley PRIVMSG #news :while you slept\r\n");
  ASSERT_NE(join, std::string::npos) << out;
  ASSERT_NE(line, std::string::npos) << out;
  EXPECT_LT(join, line);
  EXPECT_NE(out.rfind("@time=", line), std::string::npos);
}

TEST_F(ServerIrc, GuestsJoinPublicRoomsButCreateNone) {
  start_irc({"--guests"});
  auto alice = irc_user("alice", "secret");
  alice->send("JOIN #open");
  alice->expect(" 366 alice #open ");
  auto guest = irc();
  guest->send("NICK visitor");
  guest->send("USER v 0 * :v");
  guest->sync();
  guest->send("JOIN #newroom");
  guest->expect(":irc.test 477 visitor #newroom :Guests cannot do that: log in with an account\r\n");
  guest->send("JOIN #open");
  auto names = guest->expect(" 366 visitor #open ");
  EXPECT_NE(names.find("@alice"), std::string::npos) << names;
  alice->expect(":visitor!guest@guest JOIN #open\r\n");
  guest->send("PRIVMSG #open :hi room");
  alice->expect(":visitor!guest@guest PRIVMSG #open :hi room\r\n");
  auto bob = user("bob", "hunter2");
  auto members = bob->command("members #open");
  EXPECT_NE(members.find("visitor (guest, online)"), std::string::npos) << members;
  guest->send("QUIT");
  guest->read_until_closed();
  alice->expect(":visitor!guest@guest PART #open\r\n");
}

}  // namespace
}  // namespace parley::test
