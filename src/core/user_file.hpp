// The accounts file: one "<username> <password>" per line, as in user_pass.txt.
#pragma once

#include <cstddef>
#include <istream>
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

// The longest password: the longest line a client may send, so that every
// password in the file can be typed at the prompt.
inline constexpr std::size_t kMaxPasswordBytes = 8192;
// The longest line of the file; a reader holds at most one line.
inline constexpr std::size_t kMaxUserFileLine = 16384;

// Letters, digits, '.', '_' and '-', 1 to 32 bytes.
bool is_valid_username(std::string_view name);
// What is wrong with a password by the file's rules (empty, a space or a
// control character, longer than kMaxPasswordBytes); empty when nothing is.
std::string password_problem(std::string_view password);

struct UserFile {
  std::vector<UserEntry> entries;
  std::string digest;  // BLAKE2b-256 of every byte of the file, in hex
};

// Blank lines and lines starting with '#' are skipped. Throws UserFileError
// naming the file and line for anything malformed, and both lines for one
// account given twice (names ignore case).
//
// Reads `in` a piece at a time, holding at most one line of it besides the
// entries; more than `max_bytes` is an error, found before the rest is read.
UserFile read_user_file(std::istream& in, const std::string& file_name, std::size_t max_bytes);
// The same rules over text already in memory.
std::vector<UserEntry> parse_user_file(std::string_view content, const std::string& file_name);

}  // namespace parley::core
