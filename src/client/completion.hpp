// Tab completion of command names, user names and room names, with no
// terminal I/O.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace parley::client {

class CompletionEngine {
 public:
  // Learns user names from server lines: `whoelse`/`wholast` and `members`
  // listings, senders of messages, "(Receiver <user> ...)" notices; forgets
  // names the server calls unknown. Learns room names from room lines and
  // the answers that name a room (see docs/CLIENT.md); forgets a room after
  // "Left #room" or "Error: no such room: #room".
  void observe_line(std::string_view line);
  // A prompt ends any listing.
  void observe_prompt() { listing_ = Listing::None; }
  // The logged-in user, never offered as a recipient.
  void set_self(std::string name) { self_ = std::move(name); }
  // While plain lines go to a default target (`/switch`), a line not
  // starting with '/' is text, and its words complete to user and room names.
  void set_switched(bool switched) { switched_ = switched; }

  // Candidates for `word`, the word under the cursor; `before` is the text
  // of the line before that word. Sorted, without duplicates.
  std::vector<std::string> complete(std::string_view before, std::string_view word) const;

  const std::set<std::string>& names() const { return names_; }
  // The rooms learnt, as the server spells them.
  std::set<std::string> rooms() const;

 private:
  enum class Listing { None, Users, Members };

  void learn(std::string_view name);
  void learn_room(std::string_view name);
  void forget_room(std::string_view name);
  bool observe_room_line(std::string_view line);
  std::vector<std::string> user_names(const std::vector<std::string>& exclude) const;
  std::vector<std::string> room_list() const;
  std::vector<std::string> users_and_rooms() const;
  std::vector<std::string> complete_command(const std::vector<std::string>& words, bool slash,
                                            std::string_view word) const;

  std::set<std::string> names_;
  std::map<std::string, std::string> rooms_;  // by the name in lower case
  std::string self_;
  Listing listing_ = Listing::None;
  bool switched_ = false;
};

// The commands of the classic protocol, for completion.
const std::vector<std::string>& command_names();
// The client's own command, which starts with '/'.
inline constexpr std::string_view kSwitchCommand = "/switch";

}  // namespace parley::client
