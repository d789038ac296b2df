#include <gtest/gtest.h>

#include "client/server_stream.hpp"

namespace parley::client {
namespace {

using Events = std::vector<ServerEvent>;
ServerEvent line(std::string text) { return ServerEvent::make_line(std::move(text)); }
ServerEvent prompt(Prompt p) { return ServerEvent::make_prompt(p); }

TEST(ClientServerStream, GreetingPromptHasNoNewline) {
  ServerStream stream;
  EXPECT_EQ(stream.feed("Username: "), Events{prompt(Prompt::Username)});
  EXPECT_FALSE(stream.awaiting_reply());
}

TEST(ClientServerStream, PromptSplitAcrossReadsWaitsForTheRest) {
  ServerStream stream;
  EXPECT_EQ(stream.feed("User"), Events{});
  EXPECT_EQ(stream.feed("name: "), Events{prompt(Prompt::Username)});
}

TEST(ClientServerStream, RepliesEndWithThePrompt) {
  ServerStream stream;
  stream.feed("Username: ");
  stream.expect_reply();
  EXPECT_EQ(stream.feed("Password: "), Events{prompt(Prompt::Password)});
  stream.expect_reply();
  EXPECT_EQ(
      stream.feed(
          "Login successful, hi\nYour offline messages:\n[2026-11-23 14:05] bob: yo <private message>\nCommand: "),
      (Events{line("Login successful, hi"), line("Your offline messages:"),
              line("[2026-11-23 14:05] bob: yo <private message>"), prompt(Prompt::Command)}));
}

TEST(ClientServerStream, MessageRightAfterThePromptIsALine) {
  ServerStream stream;
  stream.feed("Username: ");
  stream.expect_reply();
  EXPECT_EQ(stream.feed("Password: bob: hi <private message>\n"),
            (Events{prompt(Prompt::Password), line("bob: hi <private message>")}));
}

TEST(ClientServerStream, PromptLikeTextWithoutAPendingReplyIsALine) {
  ServerStream stream;
  stream.feed("Username: ");
  // A message from a user named "Command" while the server waits for us.
  EXPECT_EQ(stream.feed("Command: hi <private message>\n"), Events{line("Command: hi <private message>")});
}

TEST(ClientServerStream, BarePromptWithoutAPendingReplyStillCounts) {
  ServerStream stream;
  stream.feed("Username: ");
  EXPECT_EQ(stream.feed("Command: "), Events{prompt(Prompt::Command)});
}

TEST(ClientServerStream, IntroductionRequestWaitsForALine) {
  ServerStream stream;
  stream.feed("Username: ");
  stream.expect_reply();
  EXPECT_EQ(stream.feed("Please enter your personal introduction:\n"),
            (Events{line("Please enter your personal introduction:"), prompt(Prompt::Introduction)}));
  EXPECT_FALSE(stream.awaiting_reply());
}

TEST(ClientServerStream, CarriageReturnsAreDropped) {
  ServerStream stream;
  EXPECT_EQ(stream.feed("hello\r\n"), Events{line("hello")});
}

TEST(ClientServerStream, RestIsReturnedAtClose) {
  ServerStream stream;
  stream.feed("Username: ");
  EXPECT_EQ(stream.feed("no newline"), Events{});
  EXPECT_EQ(stream.take_rest(), "no newline");
  EXPECT_EQ(stream.take_rest(), "");
}

TEST(ClientServerStream, EndlessLineIsPassedOnInPieces) {
  ServerStream stream;
  stream.feed("Username: ");
  auto events = stream.feed(std::string(ServerStream::kMaxLine + 10, 'x'));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].line.size(), ServerStream::kMaxLine);
  EXPECT_EQ(stream.take_rest(), std::string(10, 'x'));
}

}  // namespace
}  // namespace parley::client
