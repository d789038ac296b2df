// The accounts file: one "<username> <password>" per line, as in user_pass.txt.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace parley::core {

struct UserEntry {
  std::string name;
  std::string password;
  int line = 0;
};

class UserFileError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Letters, digits, '.', '_' and '-', 1 to 32 bytes.
bool is_valid_username(std::string_view name);

// Blank lines and lines starting with '#' are skipped. Throws UserFileError
// naming the file and line for anything malformed or a repeated name.
std::vector<UserEntry> parse_user_file(std::string_view content, const std::string& file_name);

}  // namespace parley::core
