#include "client/completion.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "client/line_kind.hpp"
#include "client/names.hpp"

namespace parley::client {

namespace {

constexpr std::string_view kOnlineHeader = "The currently online users are:";
constexpr std::string_view kLastPrefix = "The users that are online in the last ";
constexpr std::string_view kLastSuffix = " minutes are:";
constexpr std::string_view kNotFound = "(Not found)";
constexpr std::string_view kIntroSeparator = "   <";
constexpr std::string_view kReceiverPrefix = "(Receiver ";
constexpr std::string_view kNoSuchUserPrefix = "Error: no such user: ";
constexpr std::string_view kNoSuchRoomPrefix = "Error: no such room: ";
constexpr std::string_view kLeftPrefix = "Left ";
constexpr std::string_view kMembersPrefix = "Members of ";
constexpr std::string_view kHistoryWithPrefix = "History with ";
constexpr std::string_view kInvitedYou = " invited you to ";
constexpr std::string_view kAdministrator = "The server administrator";

using Names = std::vector<std::string>;

// Server lines that name a room right after these words.
constexpr std::array<std::string_view, 7> kRoomPrefixes{
    "Created ", "Joined ", "Unread in ", "History of ", "Members of ", "Topic of ", "No messages in ",
};

// Commands whose first argument is a room, and those whose second is.
constexpr std::array<std::string_view, 5> kRoomFirst{"access", "join", "leave", "members", "topic"};
constexpr std::array<std::string_view, 4> kUserThenRoom{"handover", "invite", "owner", "remove"};

template <std::size_t N>
bool is_one_of(const std::array<std::string_view, N>& words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

// "[<UTC time>] <sender>: <text>", a message of a history or unread listing.
std::optional<std::string_view> stamped_sender(std::string_view line) {
  auto end = line.find("] ");
  if (!line.starts_with('[') || end == std::string_view::npos) return std::nullopt;
  auto body = line.substr(end + 2);
  auto colon = body.find(": ");
  if (colon == std::string_view::npos || !is_account_name(body.substr(0, colon))) return std::nullopt;
  return body.substr(0, colon);
}

// The room name at the start of `text` ("#lobby; you are..." gives "#lobby").
std::string_view leading_room(std::string_view text) {
  auto end = text.find_first_of(" ;:()");
  return text.substr(0, end);
}

bool is_listing_header(std::string_view line) {
  if (line == kOnlineHeader) return true;
  if (!line.starts_with(kLastPrefix) || !line.ends_with(kLastSuffix)) return false;
  auto minutes = line.substr(kLastPrefix.size(), line.size() - kLastPrefix.size() - kLastSuffix.size());
  return !minutes.empty() && std::all_of(minutes.begin(), minutes.end(),
                                         [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

bool is_user_name(std::string_view name) {
  return !name.empty() && std::none_of(name.begin(), name.end(), [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c));
  });
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    std::size_t start = i;
    while (i < text.size() && text[i] != ' ') ++i;
    if (i > start) words.emplace_back(text.substr(start, i - start));
  }
  return words;
}

std::vector<std::string> with_prefix(const std::vector<std::string>& candidates, std::string_view word) {
  std::vector<std::string> out;
  for (const auto& c : candidates) {
    if (std::string_view(c).starts_with(word)) out.push_back(c);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

const std::vector<std::string>& command_names() {
  static const std::vector<std::string> names{
      "access",  "broadcast", "handover", "help",          "history", "invite", "join",  "leave",   "logout",
      "members", "message",   "owner",    "personalintro", "remove",  "rooms",  "topic", "whoelse", "wholast"};
  return names;
}

void CompletionEngine::learn(std::string_view name) {
  if (is_user_name(name)) names_.emplace(name);
}

void CompletionEngine::learn_room(std::string_view name) {
  if (is_room_name(name)) rooms_[folded_name(name)] = std::string(name);
}

void CompletionEngine::forget_room(std::string_view name) { rooms_.erase(folded_name(name)); }

std::set<std::string> CompletionEngine::rooms() const {
  auto list = room_list();
  return {list.begin(), list.end()};
}

// Returns true when the line was about rooms and needs nothing more.
bool CompletionEngine::observe_room_line(std::string_view line) {
  if (auto room = room_of_line(line)) {
    learn_room(*room);
    if (auto sender = message_sender(line)) learn(*sender);
    return true;
  }
  if (line.starts_with(kLeftPrefix)) {
    forget_room(line.substr(kLeftPrefix.size()));
    return true;
  }
  if (line.starts_with(kNoSuchRoomPrefix)) {
    forget_room(line.substr(kNoSuchRoomPrefix.size()));
    return true;
  }
  if (line.starts_with('#')) {  // a line of `rooms`, "#room has no topic", ...
    learn_room(leading_room(line));
    return true;
  }
  if (auto at = line.find(kInvitedYou); at != std::string_view::npos) {
    auto inviter = line.substr(0, at);
    if (!is_account_name(inviter) && inviter != kAdministrator) return false;
    learn_room(leading_room(line.substr(at + kInvitedYou.size())));
    if (inviter != kAdministrator) learn(inviter);
    return true;
  }
  for (auto prefix : kRoomPrefixes) {
    if (!line.starts_with(prefix)) continue;
    learn_room(leading_room(line.substr(prefix.size())));
    if (prefix == kMembersPrefix) listing_ = Listing::Members;
    return true;
  }
  return false;
}

void CompletionEngine::observe_line(std::string_view line) {
  if (observe_room_line(line)) return;
  if (auto sender = message_sender(line)) {
    learn(*sender);
    return;
  }
  if (is_listing_header(line)) {
    listing_ = Listing::Users;
    return;
  }
  if (line.starts_with(kNoSuchUserPrefix)) {
    names_.erase(std::string(line.substr(kNoSuchUserPrefix.size())));
    return;
  }
  if (line.starts_with(kReceiverPrefix)) {
    auto rest = line.substr(kReceiverPrefix.size());
    learn(rest.substr(0, rest.find(' ')));
    return;
  }
  if (line.starts_with(kHistoryWithPrefix) && line.ends_with(':')) {
    learn(line.substr(kHistoryWithPrefix.size(), line.size() - kHistoryWithPrefix.size() - 1));
    return;
  }
  if (auto sender = stamped_sender(line)) {
    learn(*sender);
    return;
  }
  if (listing_ == Listing::Users && line != kNotFound) learn(line.substr(0, line.find(kIntroSeparator)));
  if (listing_ == Listing::Members) {
    auto name = line.substr(0, line.find(' '));
    if (is_account_name(name)) learn(name);
  }
}

std::vector<std::string> CompletionEngine::user_names(const std::vector<std::string>& exclude) const {
  std::vector<std::string> out;
  for (const auto& name : names_) {
    if (name == self_ || std::find(exclude.begin(), exclude.end(), name) != exclude.end()) continue;
    out.push_back(name);
  }
  return out;
}

std::vector<std::string> CompletionEngine::room_list() const {
  std::vector<std::string> out;
  for (const auto& [key, spelling] : rooms_) out.push_back(spelling);
  return out;
}

std::vector<std::string> CompletionEngine::users_and_rooms() const {
  auto out = user_names({});
  auto rooms = room_list();
  out.insert(out.end(), rooms.begin(), rooms.end());
  return out;
}

std::vector<std::string> CompletionEngine::complete(std::string_view before, std::string_view word) const {
  auto words = split_words(before);
  bool slash = !words.empty() && words[0].starts_with('/') && !words[0].starts_with("//");
  if (slash) words[0].erase(0, 1);
  if (words.empty()) {
    if (word.starts_with("//")) return {};
    std::vector<std::string> candidates{std::string(kSwitchCommand)};
    if (word.starts_with('/')) {
      for (const auto& name : command_names()) candidates.push_back("/" + name);
    } else if (switched_) {
      return with_prefix(users_and_rooms(), word);
    } else {
      candidates.insert(candidates.end(), command_names().begin(), command_names().end());
    }
    return with_prefix(candidates, word);
  }
  if (!slash && switched_) return with_prefix(users_and_rooms(), word);  // text for the target
  return complete_command(words, slash, word);
}

std::vector<std::string> CompletionEngine::complete_command(const std::vector<std::string>& words, bool slash,
                                                            std::string_view word) const {
  const std::string& command = words[0];
  const std::size_t arguments = words.size() - 1;
  if (slash && "/" + command == kSwitchCommand) return arguments == 0 ? with_prefix(users_and_rooms(), word) : Names{};
  if (is_one_of(kRoomFirst, command)) {
    if (arguments == 0) return with_prefix(room_list(), word);
    if (command == "access" && arguments == 1) return with_prefix({"invite-only", "public"}, word);
    return {};
  }
  if (is_one_of(kUserThenRoom, command)) {
    if (arguments == 0) return with_prefix(user_names({}), word);
    if (arguments == 1) return with_prefix(room_list(), word);
    return {};
  }
  if (command == "message" && arguments == 0) return with_prefix(users_and_rooms(), word);
  if (command == "history" && arguments == 0) {
    auto candidates = users_and_rooms();
    candidates.emplace_back("more");
    return with_prefix(candidates, word);
  }
  if (command != "broadcast") return {};
  if (arguments == 0) return with_prefix({"message", "user"}, word);
  bool text_started = std::find(words.begin() + 1, words.end(), "message") != words.end();
  if (words[1] != "user" || text_started) return {};
  auto candidates = user_names(words);
  candidates.emplace_back("message");
  return with_prefix(candidates, word);
}

}  // namespace parley::client
