#include "core/user_file.hpp"

#include <fmt/format.h>

#include <unordered_set>

#include "core/text.hpp"

namespace parley::core {

bool is_valid_username(std::string_view name) {
  if (name.empty() || name.size() > 32) return false;
  for (char c : name) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::vector<UserEntry> parse_user_file(std::string_view content, const std::string& file_name) {
  std::vector<UserEntry> entries;
  std::unordered_set<std::string> seen;
  int line_no = 0;
  std::size_t pos = 0;
  while (pos < content.size()) {
    auto end = content.find('\n', pos);
    if (end == std::string_view::npos) end = content.size();
    std::string_view line = content.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    auto fail = [&](std::string_view why) { throw UserFileError(fmt::format("{}:{}: {}", file_name, line_no, why)); };
    auto space = line.find_first_of(" \t");
    if (space == std::string_view::npos) fail("expected '<username> <password>'");
    std::string_view name = line.substr(0, space);
    std::string_view password = trim(line.substr(space));
    if (password.find_first_of(" \t") != std::string_view::npos)
      fail("expected '<username> <password>' (a password cannot contain spaces)");
    if (!is_valid_username(name)) fail("invalid username (use 1 to 32 letters, digits, '.', '_' or '-')");
    for (char c : password)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) fail("password contains a control character");
    if (!seen.insert(std::string(name)).second) fail(fmt::format("username '{}' appears twice", name));
    entries.push_back({std::string(name), std::string(password), line_no});
  }
  return entries;
}

}  // namespace parley::core
