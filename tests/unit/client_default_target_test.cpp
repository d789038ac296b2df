#include <gtest/gtest.h>

#include "client/default_target.hpp"

namespace parley::client {
namespace {

using Kind = DefaultTarget::Routed::Kind;
using Routed = DefaultTarget::Routed;

Routed send(std::string text) { return {Kind::Send, std::move(text)}; }

TEST(ClientDefaultTarget, LinesAreCommandsUntilASwitch) {
  DefaultTarget target;
  EXPECT_EQ(target.target(), std::nullopt);
  EXPECT_EQ(target.prompt(), "Command: ");
  EXPECT_EQ(target.route("whoelse"), send("whoelse"));
  EXPECT_EQ(target.route("message bob  hi "), send("message bob  hi "));
  EXPECT_EQ(target.route(""), send(""));  // the server answers it with a prompt, as before
}

TEST(ClientDefaultTarget, SwitchSendsPlainLinesToTheRoomOrUser) {
  DefaultTarget target;
  auto switched = target.route("/switch #lobby");
  EXPECT_EQ(switched.kind, Kind::Switched);
  EXPECT_NE(switched.text.find("#lobby"), std::string::npos) << switched.text;
  EXPECT_EQ(target.target(), "#lobby");
  EXPECT_EQ(target.prompt(), "#lobby> ");
  EXPECT_EQ(target.route("hello all"), send("message #lobby hello all"));
  EXPECT_EQ(target.route("  hello  "), send("message #lobby hello"));

  EXPECT_EQ(target.route("/switch bob").kind, Kind::Switched);
  EXPECT_EQ(target.prompt(), "bob> ");
  EXPECT_EQ(target.route("hi bob"), send("message bob hi bob"));
}

TEST(ClientDefaultTarget, WhileSwitchedSlashSendsCommandsAndDoubleSlashSendsText) {
  DefaultTarget target;
  target.route("/switch #lobby");
  EXPECT_EQ(target.route("/whoelse"), send("whoelse"));
  EXPECT_EQ(target.route("/history #lobby 5"), send("history #lobby 5"));
  EXPECT_EQ(target.route("/message bob psst"), send("message bob psst"));
  EXPECT_EQ(target.route("//shrug"), send("message #lobby /shrug"));
  EXPECT_EQ(target.route("//"), send("message #lobby /"));
  EXPECT_EQ(target.route("/logout"), send("logout"));
}

TEST(ClientDefaultTarget, EmptyLinesSendNothingWhileSwitched) {
  DefaultTarget target;
  target.route("/switch #lobby");
  EXPECT_EQ(target.route("").kind, Kind::Nothing);
  EXPECT_EQ(target.route("   ").kind, Kind::Nothing);
}

TEST(ClientDefaultTarget, SwitchAloneMakesLinesCommandsAgain) {
  DefaultTarget target;
  target.route("/switch #lobby");
  auto back = target.route("/switch");
  EXPECT_EQ(back.kind, Kind::Switched);
  EXPECT_EQ(target.target(), std::nullopt);
  EXPECT_EQ(target.prompt(), "Command: ");
  EXPECT_EQ(target.route("whoelse"), send("whoelse"));
  EXPECT_EQ(target.route("  /switch  ").kind, Kind::Switched);
}

TEST(ClientDefaultTarget, UnknownClientCommandsAndBadTargetsAreRefusedLocally) {
  DefaultTarget target;
  auto unknown = target.route("/foo bar");
  EXPECT_EQ(unknown.kind, Kind::Refused);
  EXPECT_TRUE(unknown.text.starts_with("Error: unknown command '/foo'")) << unknown.text;
  EXPECT_EQ(target.route("/").kind, Kind::Refused);
  EXPECT_EQ(target.route("/switch #lobby bob"), (Routed{Kind::Refused, "Error: usage: /switch [#room|<user>]"}));
  EXPECT_EQ(target.route("/switch #no!pe").kind, Kind::Refused);
  EXPECT_EQ(target.route("/switch #").kind, Kind::Refused);
  EXPECT_EQ(target.route("/switch " + std::string(33, 'a')).kind, Kind::Refused);
  EXPECT_EQ(target.target(), std::nullopt) << "a refused switch changes nothing";

  target.route("/switch #lobby");
  EXPECT_EQ(target.route("/foo").kind, Kind::Refused);
  EXPECT_EQ(target.route("/switch a b").kind, Kind::Refused);
  EXPECT_EQ(target.target(), "#lobby");
}

TEST(ClientDefaultTarget, CommandModeAcceptsSlashCommandsToo) {
  DefaultTarget target;
  EXPECT_EQ(target.route("/whoelse"), send("whoelse"));
  EXPECT_EQ(target.route("//x"), send("/x"));
}

}  // namespace
}  // namespace parley::client
