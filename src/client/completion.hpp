// Tab completion of command names and user names, with no terminal I/O.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace parley::client {

class CompletionEngine {
 public:
  // Learns user names from server lines: `whoelse`/`wholast` listings,
  // senders of messages, "(Receiver <user> ...)" notices; forgets names the
  // server calls unknown.
  void observe_line(std::string_view line);
  // A prompt ends any user listing.
  void observe_prompt() { in_listing_ = false; }
  // The logged-in user, never offered as a recipient.
  void set_self(std::string name) { self_ = std::move(name); }

  // Candidates for `word`, the word under the cursor; `before` is the text
  // of the line before that word. Sorted, without duplicates.
  std::vector<std::string> complete(std::string_view before, std::string_view word) const;

  const std::set<std::string>& names() const { return names_; }

 private:
  void learn(std::string_view name);
  std::vector<std::string> user_names(const std::vector<std::string>& exclude) const;

  std::set<std::string> names_;
  std::string self_;
  bool in_listing_ = false;
};

// The commands of the classic protocol, for completion.
const std::vector<std::string>& command_names();

}  // namespace parley::client
