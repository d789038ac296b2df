// The users file parser on any content: the accounts it accepts are valid,
// and anything else is one UserFileError line naming the file and the line.
#include "core/user_file.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace {

using parley::core::UserEntry;

constexpr const char* kFileName = "users.txt";

// How the parser is called: the one line to change if its input changes.
std::vector<UserEntry> parse(std::string_view content) { return parley::core::parse_user_file(content, kFileName); }

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "users file invariant broken: %s\n", what);
  std::abort();
}

bool has_control(std::string_view text) {
  for (char c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string content(reinterpret_cast<const char*>(data), size);
  std::vector<UserEntry> entries;
  try {
    entries = parse(content);
  } catch (const parley::core::UserFileError& e) {
    std::string_view message = e.what();
    check(message.starts_with(std::string(kFileName) + ":"), "error does not name the file");
    check(!has_control(message), "error is not one clean line");
    return 0;
  }
  std::unordered_set<std::string> names;
  int last_line = 0;
  for (const auto& entry : entries) {
    check(parley::core::is_valid_username(entry.name), "invalid username accepted");
    check(!entry.password.empty(), "empty password accepted");
    check(entry.password.find_first_of(" \t") == std::string::npos, "password with a blank accepted");
    check(!has_control(entry.password), "password with a control character accepted");
    check(names.insert(entry.name).second, "a name accepted twice");
    check(entry.line > last_line, "line numbers not increasing");
    last_line = entry.line;
  }
  return 0;
}
