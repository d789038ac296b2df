#include "client/completion.hpp"

#include <algorithm>
#include <cctype>

#include "client/line_kind.hpp"

namespace parley::client {

namespace {

constexpr std::string_view kOnlineHeader = "The currently online users are:";
constexpr std::string_view kLastPrefix = "The users that are online in the last ";
constexpr std::string_view kLastSuffix = " minutes are:";
constexpr std::string_view kNotFound = "(Not found)";
constexpr std::string_view kIntroSeparator = "   <";
constexpr std::string_view kReceiverPrefix = "(Receiver ";
constexpr std::string_view kNoSuchUserPrefix = "Error: no such user: ";

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
  static const std::vector<std::string> names{"broadcast",     "help",    "logout", "message",
                                              "personalintro", "whoelse", "wholast"};
  return names;
}

void CompletionEngine::learn(std::string_view name) {
  if (is_user_name(name)) names_.emplace(name);
}

void CompletionEngine::observe_line(std::string_view line) {
  if (auto sender = message_sender(line)) {
    learn(*sender);
    return;
  }
  if (is_listing_header(line)) {
    in_listing_ = true;
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
  if (in_listing_ && line != kNotFound) learn(line.substr(0, line.find(kIntroSeparator)));
}

std::vector<std::string> CompletionEngine::user_names(const std::vector<std::string>& exclude) const {
  std::vector<std::string> out;
  for (const auto& name : names_) {
    if (name == self_ || std::find(exclude.begin(), exclude.end(), name) != exclude.end()) continue;
    out.push_back(name);
  }
  return out;
}

std::vector<std::string> CompletionEngine::complete(std::string_view before, std::string_view word) const {
  auto words = split_words(before);
  if (words.empty()) return with_prefix(command_names(), word);
  const std::string& command = words[0];
  if (command == "message" && words.size() == 1) return with_prefix(user_names({}), word);
  if (command != "broadcast") return {};
  if (words.size() == 1) return with_prefix({"message", "user"}, word);
  bool text_started = std::find(words.begin() + 1, words.end(), "message") != words.end();
  if (words[1] != "user" || text_started) return {};
  auto candidates = user_names(words);
  candidates.emplace_back("message");
  return with_prefix(candidates, word);
}

}  // namespace parley::client
