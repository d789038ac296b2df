#include <gtest/gtest.h>

#include "client/conversation.hpp"
#include "client/password_input.hpp"

namespace parley::client {
namespace {

TEST(ClientConversation, WithoutUserNothingIsAnsweredAutomatically) {
  Conversation conversation(std::nullopt, std::nullopt);
  EXPECT_EQ(conversation.on_prompt(Prompt::Username), std::nullopt);
  conversation.on_line_sent("alice");
  EXPECT_EQ(conversation.username(), "alice");
  EXPECT_EQ(conversation.on_prompt(Prompt::Password), std::nullopt);
  EXPECT_FALSE(conversation.logged_in());
  conversation.on_line_sent("secret");
  conversation.on_prompt(Prompt::Command);
  EXPECT_TRUE(conversation.logged_in());
}

TEST(ClientConversation, UserAndPasswordAnswerTheFirstLoginOnly) {
  Conversation conversation("alice", "secret");
  EXPECT_EQ(conversation.on_prompt(Prompt::Username), "alice");
  conversation.on_line_sent("alice");
  EXPECT_EQ(conversation.on_prompt(Prompt::Password), "secret");
  conversation.on_line_sent("secret");
  // A failed login: the person answers now.
  EXPECT_EQ(conversation.on_prompt(Prompt::Username), std::nullopt);
  conversation.on_line_sent("bob");
  EXPECT_EQ(conversation.on_prompt(Prompt::Password), std::nullopt);
}

TEST(ClientConversation, UserWithoutPasswordLeavesThePasswordToThePerson) {
  Conversation conversation("alice", std::nullopt);
  EXPECT_EQ(conversation.on_prompt(Prompt::Username), "alice");
  conversation.on_line_sent("alice");
  EXPECT_EQ(conversation.on_prompt(Prompt::Password), std::nullopt);
}

TEST(ClientConversation, NoticesLogoutOnlyAsACommand) {
  Conversation conversation(std::nullopt, std::nullopt);
  conversation.on_prompt(Prompt::Username);
  conversation.on_line_sent("logout");
  EXPECT_FALSE(conversation.logout_sent());
  conversation.on_prompt(Prompt::Command);
  conversation.on_line_sent("personalintro");
  conversation.on_prompt(Prompt::Introduction);
  conversation.on_line_sent("logout");
  EXPECT_FALSE(conversation.logout_sent());
  conversation.on_prompt(Prompt::Command);
  conversation.on_line_sent(" logout ");
  EXPECT_TRUE(conversation.logout_sent());
}

TEST(ClientConversation, RecognisesTheIdleLogoutAsTheLastLine) {
  Conversation conversation(std::nullopt, std::nullopt);
  conversation.on_prompt(Prompt::Username);
  conversation.on_line_received("You have been logged out after 60 seconds of inactivity");
  EXPECT_FALSE(conversation.idle_logout()) << "not logged in yet";
  conversation.on_prompt(Prompt::Command);
  conversation.on_line_received("You will be logged out in 60 seconds unless you send something");
  EXPECT_FALSE(conversation.idle_logout());
  conversation.on_line_received("You have been logged out after 1800 seconds of inactivity");
  EXPECT_TRUE(conversation.idle_logout());
  conversation.on_line_received("bob: hi <private message>");
  EXPECT_FALSE(conversation.idle_logout()) << "only the last line counts";
  for (const char* other : {"You have been logged out after  seconds of inactivity",
                            "You have been logged out after x seconds of inactivity",
                            "You have been logged out after 5 seconds of inactivity!", "Logging off"}) {
    conversation.on_line_received(other);
    EXPECT_FALSE(conversation.idle_logout()) << other;
  }
  conversation.on_line_received("You have been logged out after 5 seconds of inactivity\r");
  EXPECT_TRUE(conversation.idle_logout());
}

TEST(ClientPasswordInput, CollectsKeysUntilEnter) {
  PasswordInput input;
  for (char c : std::string("sekret")) EXPECT_EQ(input.feed(c), PasswordInput::Result::Pending);
  input.feed('\x7f');
  input.feed('\x7f');
  input.feed('e');
  input.feed('t');
  EXPECT_EQ(input.feed('\r'), PasswordInput::Result::Submitted);
  EXPECT_EQ(input.take(), "sekret");
  EXPECT_EQ(input.take(), "");
}

TEST(ClientPasswordInput, EditingKeysAndEscapeSequences) {
  PasswordInput input;
  for (char c : std::string("wrong\x15ok\x1b[D\x1b[200~!\x1b[201~")) input.feed(c);
  input.feed('\xc3');
  input.feed('\xa9');  // é
  input.feed('\x08');  // erases all of é
  EXPECT_EQ(input.feed('\n'), PasswordInput::Result::Submitted);
  EXPECT_EQ(input.take(), "ok!");
}

TEST(ClientPasswordInput, CtrlDEndsInputOnlyWhenEmpty) {
  PasswordInput input;
  input.feed('a');
  EXPECT_EQ(input.feed('\x04'), PasswordInput::Result::Pending);
  input.clear();
  EXPECT_EQ(input.feed('\x04'), PasswordInput::Result::EndOfInput);
}

}  // namespace
}  // namespace parley::client
