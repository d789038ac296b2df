// The classic command parser on any line. Besides not crashing: message
// texts are views inside the line, words hold no blanks, texts are trimmed
// and not empty, and a parsed message written out again parses the same.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "core/text.hpp"
#include "proto/classic/commands.hpp"

namespace {

using namespace parley::proto::classic;

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "command parser invariant broken: %s\n", what);
  std::abort();
}

bool inside(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

bool is_word(std::string_view word) { return !word.empty() && word.find_first_of(" \t") == std::string_view::npos; }

bool is_text(std::string_view text) { return !text.empty() && parley::core::trim(text) == text; }

void check_text(std::string_view text, std::string_view line) {
  check(inside(text, line), "text is not a view into the line");
  check(is_text(text), "text empty or not trimmed");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A copy of exactly `size` bytes, so reading past the line is caught.
  std::string copy(reinterpret_cast<const char*>(data), size);
  std::string_view line = copy;
  Command command = parse_command(line);
  auto first_word = parley::core::trim(line).substr(0, parley::core::trim(line).find_first_of(" \t"));
  check(std::holds_alternative<Empty>(command) == first_word.empty(), "Empty for a line that is not blank");

  if (auto* message = std::get_if<PrivateMessage>(&command)) {
    check(is_word(message->user), "message: bad user");
    check_text(message->text, line);
    std::string rebuilt = "message " + message->user + " " + std::string(message->text);
    auto again = parse_command(rebuilt);
    auto* same = std::get_if<PrivateMessage>(&again);
    check(same && same->user == message->user && same->text == message->text, "message: no round trip");
  } else if (auto* all = std::get_if<BroadcastAll>(&command)) {
    check_text(all->text, line);
    std::string rebuilt = "broadcast message " + std::string(all->text);
    auto again = parse_command(rebuilt);
    auto* same = std::get_if<BroadcastAll>(&again);
    check(same && same->text == all->text, "broadcast message: no round trip");
  } else if (auto* some = std::get_if<BroadcastUsers>(&command)) {
    check(!some->users.empty(), "broadcast user: no users");
    std::string text = "broadcast user";
    for (auto& user : some->users) {
      check(is_word(user) && user != "message", "broadcast user: bad user");
      text += " " + user;
    }
    check(is_text(some->text), "broadcast user: text empty or not trimmed");
    auto again = parse_command(text + " message " + some->text);
    auto* same = std::get_if<BroadcastUsers>(&again);
    check(same && same->users == some->users && same->text == some->text, "broadcast user: no round trip");
  } else if (auto* intro = std::get_if<PersonalIntro>(&command)) {
    if (intro->text) check(is_text(*intro->text), "personalintro: text empty or not trimmed");
  } else if (auto* who = std::get_if<WhoLast>(&command)) {
    if (who->minutes) check(*who->minutes >= 0 && *who->minutes <= 999'999'999, "wholast: minutes out of range");
  } else if (auto* unknown = std::get_if<Unknown>(&command)) {
    check(unknown->word == first_word, "unknown: not the first word");
    for (std::string_view known : {"whoelse", "wholast", "broadcast", "message", "personalintro", "help", "logout"})
      check(unknown->word != known, "unknown: a known command");
  } else if (auto* usage = std::get_if<Usage>(&command)) {
    check(!usage->syntax.empty(), "usage: no syntax");
  }
  return 0;
}
