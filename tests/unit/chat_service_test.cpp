// The chat rules against a real SQLite store in a temporary directory, with
// a manual clock so time windows are tested without waiting.
#include "core/chat_service.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <future>

#include "chat_fixture.hpp"
#include "store/sqlite/sqlite_store.hpp"

using namespace std::chrono_literals;
using namespace parley;
using core::SendStatus;

namespace {

using unit::RecordingParticipant;
using unit::Waiter;

class ChatServiceTest : public unit::ChatFixture {};

using Strings = std::vector<std::string>;

}  // namespace

TEST_F(ChatServiceTest, PasswordsAreCheckedAgainstArgon2Hashes) {
  EXPECT_TRUE(chat_->check_password("alice", "a-pass"));
  EXPECT_FALSE(chat_->check_password("alice", "b-pass"));
  EXPECT_FALSE(chat_->check_password("nobody", "a-pass"));
  auto accounts = store_->load_accounts();
  ASSERT_EQ(accounts.size(), 3u);
  EXPECT_EQ(accounts[0].password_hash.rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(accounts[0].password_hash.find("a-pass"), std::string::npos);
}

TEST_F(ChatServiceTest, ImportReplacesAChangedPassword) {
  auto stats = chat_->import_users({{"alice", "new-pass", 1}, {"bob", "b-pass", 2}});
  EXPECT_EQ(stats.updated, 1u);
  EXPECT_EQ(stats.unchanged, 1u);
  open();
  EXPECT_TRUE(chat_->check_password("alice", "new-pass"));
  EXPECT_FALSE(chat_->check_password("alice", "a-pass"));
}

TEST_F(ChatServiceTest, LockoutThroughTheService) {
  auto attempt = [&](bool ok) {
    EXPECT_EQ(chat_->begin_login_check("alice", "1.2.3.4").admission, core::CheckAdmission::admitted);
    return chat_->finish_login_check("alice", "1.2.3.4", ok);
  };
  EXPECT_EQ(attempt(false).outcome, core::LoginOutcome::failed);
  EXPECT_EQ(attempt(false).outcome, core::LoginOutcome::failed);
  auto v = attempt(false);
  EXPECT_EQ(v.outcome, core::LoginOutcome::blocked);
  EXPECT_EQ(v.block, 60s);
  EXPECT_EQ(chat_->blocked_for("alice", "1.2.3.4"), 60s);
  clock_.advance(61s);
  EXPECT_FALSE(chat_->blocked_for("alice", "1.2.3.4"));
}

TEST_F(ChatServiceTest, WhoElseIsSortedExcludesSelfAndListsEachUserOnce) {
  auto a = join("alice");
  auto c1 = join("carol");
  auto c2 = join("carol");
  auto b = join("bob");
  EXPECT_EQ(names(chat_->who_else("alice")), (Strings{"bob", "carol"}));
  chat_->leave("carol", c1.get());
  EXPECT_EQ(names(chat_->who_else("alice")), (Strings{"bob", "carol"}));
  chat_->leave("carol", c2.get());
  chat_->leave("carol", c2.get());  // leaving twice is harmless
  EXPECT_EQ(names(chat_->who_else("alice")), (Strings{"bob"}));
}

TEST_F(ChatServiceTest, WhoLastWindows) {
  auto a = join("alice");
  clock_.advance(1min);
  chat_->leave("alice", a.get());
  auto b = join("bob");
  clock_.advance(10min);
  EXPECT_EQ(names(*chat_->who_last("carol", 10)), (Strings{"alice", "bob"}));
  EXPECT_EQ(names(*chat_->who_last("carol", 9)), (Strings{"bob"}));  // online now counts
  EXPECT_EQ(names(*chat_->who_last("carol", 0)), (Strings{"bob"}));
  EXPECT_EQ(names(*chat_->who_last("bob", 60)), (Strings{"alice"}));
  EXPECT_FALSE(chat_->who_last("bob", 61));
  EXPECT_FALSE(chat_->who_last("bob", -1));
}

TEST_F(ChatServiceTest, LastSeenSurvivesARestart) {
  auto a = join("alice");
  clock_.advance(2min);
  chat_->leave("alice", a.get());
  store_->flush();
  open();
  clock_.advance(3min);
  EXPECT_EQ(names(*chat_->who_last("bob", 3)), (Strings{"alice"}));
  EXPECT_EQ(names(*chat_->who_last("bob", 2)), Strings{});
}

TEST_F(ChatServiceTest, PrivateMessageLiveToEveryConnection) {
  auto b1 = join("bob");
  auto b2 = join("bob");
  EXPECT_EQ(chat_->send_private("alice", "bob", "hi", nullptr), SendStatus::delivered);
  EXPECT_EQ(b1->texts(), (Strings{"alice: hi"}));
  EXPECT_EQ(b2->texts(), (Strings{"alice: hi"}));
  // One envelope, one encoding, shared by both connections.
  EXPECT_EQ(b1->received[0].get(), b2->received[0].get());
}

TEST_F(ChatServiceTest, PrivateMessageErrors) {
  EXPECT_EQ(chat_->send_private("alice", "zed", "hi", nullptr), SendStatus::unknown_user);
  EXPECT_EQ(chat_->send_private("alice", "alice", "hi", nullptr), SendStatus::to_self);
  EXPECT_EQ(chat_->send_private("alice", "bob", "  ", nullptr), SendStatus::empty_text);
  EXPECT_EQ(chat_->send_private("alice", "bob", "\x1b[31m", nullptr), SendStatus::empty_text);
}

TEST_F(ChatServiceTest, OfflineMessagesAreStoredInOrderAndLeaveOnAck) {
  Waiter<store::Done> w1, w2;
  EXPECT_EQ(chat_->send_private("alice", "bob", "one", w1.callback()), SendStatus::storing);
  EXPECT_EQ(chat_->send_private("carol", "bob", "two\x07", w2.callback()), SendStatus::storing);
  EXPECT_TRUE(w1.get().ok());
  EXPECT_TRUE(w2.get().ok());
  std::shared_ptr<RecordingParticipant> b;
  EXPECT_EQ(login_and_read("bob", &b), (Strings{"alice: one", "carol: two"}));
  chat_->leave("bob", b.get());
  EXPECT_EQ(login_and_read("bob"), Strings{});
}

TEST_F(ChatServiceTest, UnacknowledgedMessagesAreDeliveredAgain) {
  Waiter<store::Done> w;
  chat_->send_private("alice", "bob", "one", w.callback());
  w.get();
  auto b = join("bob");  // the connection drops before the page is written
  EXPECT_EQ(last_mailbox_.messages.size(), 1u);
  chat_->leave("bob", b.get());
  EXPECT_EQ(login_and_read("bob"), (Strings{"alice: one"}));
}

TEST_F(ChatServiceTest, MailboxPagesInOrder) {
  for (int i = 0; i < 5; ++i) {
    Waiter<store::Done> w;
    chat_->send_private("alice", "bob", "m" + std::to_string(i), w.callback());
    w.get();
  }
  auto b = std::make_shared<RecordingParticipant>();
  Waiter<store::MailboxPage> first;
  chat_->join("bob", b, 2, first.callback());
  auto page = first.get().value();
  Strings seen;
  for (;;) {
    for (auto& m : page.messages) seen.push_back(m.message.text);
    Waiter<store::Done> ack;
    chat_->ack_mailbox("bob", page.upto, ack.callback());
    ack.get();
    if (!page.more) break;
    Waiter<store::MailboxPage> next;
    chat_->fetch_mailbox("bob", page.upto, 2, next.callback());
    page = next.get().value();
  }
  EXPECT_EQ(seen, (Strings{"m0", "m1", "m2", "m3", "m4"}));
}

TEST_F(ChatServiceTest, BroadcastReachesOnlineLiveAndOfflineOnceLater) {
  auto b = join("bob");
  Waiter<store::Done> w;
  auto offline = chat_->broadcast_all("alice", "hello all", w.callback());
  ASSERT_TRUE(offline);
  EXPECT_EQ(*offline, 1u);  // carol
  EXPECT_TRUE(w.get().ok());
  EXPECT_EQ(b->texts(), (Strings{"alice: hello all"}));
  EXPECT_EQ(b->received[0]->message().kind, core::MessageKind::broadcast);
  // Bob saw it live: not again at his next login.
  chat_->leave("bob", b.get());
  EXPECT_EQ(login_and_read("bob"), Strings{});
  // Carol gets it once; the sender never does.
  std::shared_ptr<RecordingParticipant> c;
  EXPECT_EQ(login_and_read("carol", &c), (Strings{"alice: hello all"}));
  chat_->leave("carol", c.get());
  EXPECT_EQ(login_and_read("carol"), Strings{});
  EXPECT_EQ(login_and_read("alice"), Strings{});
}

TEST_F(ChatServiceTest, BroadcastIsNotForAccountsCreatedLater) {
  Waiter<store::Done> w;
  chat_->broadcast_all("alice", "before dave", w.callback());
  w.get();
  // The users file gains a line: its accounts are the file's whole list.
  chat_->import_users({{"alice", "a-pass", 1}, {"bob", "b-pass", 2}, {"carol", "c-pass", 3}, {"dave", "d-pass", 4}});
  EXPECT_EQ(login_and_read("dave"), Strings{});
  EXPECT_EQ(login_and_read("bob"), (Strings{"alice: before dave"}));
}

TEST_F(ChatServiceTest, BroadcastWithEveryoneOnlineStoresNothing) {
  auto b = join("bob");
  auto c = join("carol");
  bool called = false;
  auto offline = chat_->broadcast_all("alice", "hi", [&](store::Result<store::Done>) { called = true; });
  EXPECT_EQ(offline, 0u);
  store_->flush();
  EXPECT_FALSE(called);
  EXPECT_FALSE(chat_->broadcast_all("alice", " \x07 ", nullptr));
}

TEST_F(ChatServiceTest, BroadcastsAndPrivateMessagesInterleaveInOrder) {
  for (const char* text : {"p1", "b1", "p2", "b2"}) {
    Waiter<store::Done> w;
    if (text[0] == 'p')
      chat_->send_private("alice", "carol", text, w.callback());
    else
      chat_->broadcast_all("bob", text, w.callback());
    w.get();
  }
  EXPECT_EQ(login_and_read("carol"), (Strings{"alice: p1", "bob: b1", "alice: p2", "bob: b2"}));
}

TEST_F(ChatServiceTest, BroadcastToListedUsers) {
  auto b = join("bob");
  Waiter<store::Done> w;
  auto statuses = chat_->broadcast_users("alice", {"bob", "zed", "bob", "alice", "carol"}, "hey", w.callback());
  ASSERT_TRUE(statuses);
  ASSERT_EQ(statuses->size(), 3u);
  EXPECT_EQ((*statuses)[0].name, "bob");
  EXPECT_EQ((*statuses)[0].status, SendStatus::delivered);
  EXPECT_EQ((*statuses)[1].name, "zed");
  EXPECT_EQ((*statuses)[1].status, SendStatus::unknown_user);
  EXPECT_EQ((*statuses)[2].name, "carol");
  EXPECT_EQ((*statuses)[2].status, SendStatus::storing);
  EXPECT_TRUE(w.get().ok());
  EXPECT_EQ(b->texts(), (Strings{"alice: hey"}));
  EXPECT_EQ(login_and_read("carol"), (Strings{"alice: hey"}));
}

TEST_F(ChatServiceTest, IntroductionsAreSanitisedBoundedAndDurable) {
  Waiter<store::Done> w;
  EXPECT_EQ(chat_->set_intro("alice", " The best\x1b[5m course ", w.callback()), core::IntroStatus::saved);
  w.get();
  EXPECT_EQ(chat_->set_intro("alice", std::string(201, 'x'), nullptr), core::IntroStatus::too_long);
  open();
  auto b = join("bob");
  auto a = join("alice");
  auto list = chat_->who_else("bob");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].intro, "The best course");
  Waiter<store::Done> clear;
  EXPECT_EQ(chat_->set_intro("alice", "", clear.callback()), core::IntroStatus::cleared);
  clear.get();
  EXPECT_EQ(chat_->who_else("bob")[0].intro, "");
}

TEST_F(ChatServiceTest, StoreGroupsConcurrentWritesIntoFewCommits) {
  const int n = 200;
  std::vector<std::unique_ptr<Waiter<store::Done>>> waiters;
  auto before = store_->commits();
  for (int i = 0; i < n; ++i) {
    waiters.push_back(std::make_unique<Waiter<store::Done>>());
    chat_->send_private("alice", "bob", "m" + std::to_string(i), waiters.back()->callback());
  }
  for (auto& w : waiters) EXPECT_TRUE(w->get().ok());
  EXPECT_LT(store_->commits() - before, static_cast<std::uint64_t>(n));
  EXPECT_EQ(login_and_read("bob").size(), static_cast<std::size_t>(n));
}

// Account names ignore case: any spelling finds the account, and what others
// see is the spelling the account was created with.
class AccountNameCaseTest : public ChatServiceTest {
 protected:
  void SetUp() override {
    ChatServiceTest::SetUp();
    chat_->import_users({{"alice", "a-pass", 1}, {"bob", "b-pass", 2}, {"carol", "c-pass", 3}, {"Dave", "d-pass", 4}});
  }
};

TEST_F(AccountNameCaseTest, LoginsMatchAnySpelling) {
  EXPECT_TRUE(chat_->check_password("Dave", "d-pass"));
  EXPECT_TRUE(chat_->check_password("dave", "d-pass"));
  EXPECT_TRUE(chat_->check_password("DAVE", "d-pass"));
  EXPECT_FALSE(chat_->check_password("dave", "D-PASS"));  // passwords do not ignore case
  EXPECT_TRUE(chat_->exists("dAVE"));
  EXPECT_EQ(chat_->account_name("dAVE"), "Dave");
  EXPECT_EQ(chat_->account_name("ALICE"), "alice");
  EXPECT_EQ(chat_->account_name("nobody"), std::nullopt);
}

TEST_F(AccountNameCaseTest, ImportInAnotherSpellingChangesTheSameAccount) {
  auto stats = chat_->import_users({{"DAVE", "new-pass", 1}});
  EXPECT_EQ(stats.created, 0u);
  EXPECT_EQ(stats.updated, 1u);
  open();
  EXPECT_TRUE(chat_->check_password("dave", "new-pass"));
  EXPECT_EQ(chat_->account_name("dave"), "Dave");  // the stored spelling is kept
  EXPECT_EQ(store_->load_accounts().size(), 4u);
}

TEST_F(AccountNameCaseTest, ListsShowTheStoredSpellingInOrderIgnoringCase) {
  auto d = join("dave");
  auto b = join("BOB");
  auto a = join("alice");
  EXPECT_EQ(names(chat_->who_else("carol")), (Strings{"alice", "bob", "Dave"}));
  EXPECT_EQ(names(chat_->who_else("DAVE")), (Strings{"alice", "bob"}));
  EXPECT_EQ(names(*chat_->who_last("ALICE", 5)), (Strings{"bob", "Dave"}));
  chat_->leave("DAVE", d.get());  // any spelling leaves
  EXPECT_EQ(names(chat_->who_else("carol")), (Strings{"alice", "bob"}));
}

TEST_F(AccountNameCaseTest, MessagesReachAnySpellingAndCarryTheStoredOne) {
  auto d = join("dave");
  auto b = join("bob");
  EXPECT_EQ(chat_->send_private("alice", "DAVE", "one", nullptr), SendStatus::delivered);
  EXPECT_EQ(chat_->send_private("DAVE", "Bob", "two", nullptr), SendStatus::delivered);
  EXPECT_EQ(chat_->send_private("dave", "dAVE", "self", nullptr), SendStatus::to_self);
  EXPECT_EQ(d->texts(), (Strings{"alice: one"}));
  EXPECT_EQ(b->texts(), (Strings{"Dave: two"}));

  auto statuses = chat_->broadcast_users("dave", {"DAVE", "BOB", "bob", "Carol", "zed"}, "three", nullptr);
  ASSERT_TRUE(statuses);
  ASSERT_EQ(statuses->size(), 3u);
  EXPECT_EQ((*statuses)[0].name, "bob");  // listed once, as stored
  EXPECT_EQ((*statuses)[0].status, SendStatus::delivered);
  EXPECT_EQ((*statuses)[1].name, "carol");
  EXPECT_EQ((*statuses)[1].status, SendStatus::storing);
  EXPECT_EQ((*statuses)[2].name, "zed");
  EXPECT_EQ((*statuses)[2].status, SendStatus::unknown_user);
  EXPECT_EQ(b->texts(), (Strings{"Dave: two", "Dave: three"}));

  chat_->leave("dave", d.get());
  Waiter<store::Done> w;
  EXPECT_EQ(chat_->send_private("alice", "DaVe", "four", w.callback()), SendStatus::storing);
  EXPECT_TRUE(w.get().ok());
  EXPECT_EQ(login_and_read("DAVE"), (Strings{"alice: four"}));
}

TEST_F(AccountNameCaseTest, LockoutCountsEverySpellingAsOnePair) {
  // Checks pending under different spellings count against one pair too.
  EXPECT_EQ(chat_->begin_login_check("Dave", "1.2.3.4").admission, core::CheckAdmission::admitted);
  EXPECT_EQ(chat_->begin_login_check("dave", "1.2.3.4").admission, core::CheckAdmission::admitted);
  EXPECT_EQ(chat_->begin_login_check("DAVE", "1.2.3.4").admission, core::CheckAdmission::admitted);
  EXPECT_EQ(chat_->begin_login_check("dAVE", "1.2.3.4").admission, core::CheckAdmission::wait);
  EXPECT_EQ(chat_->finish_login_check("Dave", "1.2.3.4", false).outcome, core::LoginOutcome::failed);
  EXPECT_EQ(chat_->finish_login_check("dave", "1.2.3.4", false).outcome, core::LoginOutcome::failed);
  EXPECT_EQ(chat_->finish_login_check("DAVE", "1.2.3.4", false).outcome, core::LoginOutcome::blocked);
  EXPECT_EQ(chat_->blocked_for("dAvE", "1.2.3.4"), 60s);
  EXPECT_EQ(chat_->blocked_for("Dave", "1.2.3.4"), 60s);
  EXPECT_FALSE(chat_->blocked_for("dave", "5.6.7.8"));
}
