#include "core/user_file.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <numeric>

#include "core/account_name.hpp"
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

std::string password_problem(std::string_view password) {
  if (password.empty()) return "the password is empty";
  if (password.size() > kMaxPasswordBytes)
    return fmt::format("the password is longer than {} bytes", kMaxPasswordBytes);
  for (char c : password) {
    if (c == ' ') return "a password cannot contain spaces";
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return "a password cannot contain control characters";
  }
  return {};
}

namespace {

// Takes the file a line at a time; one account given twice is found at the
// end, by sorting, so that no second copy of every name is kept.
class Parser {
 public:
  explicit Parser(const std::string& file_name) : file_name_(file_name) {}

  // One line, without its '\n'.
  void line(std::string_view line) {
    ++line_no_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > kMaxUserFileLine) fail(line_no_, fmt::format("line longer than {} bytes", kMaxUserFileLine));
    line = trim(line);
    if (line.empty() || line.front() == '#') return;
    auto space = line.find_first_of(" \t");
    if (space == std::string_view::npos) fail(line_no_, "expected '<username> <password>'");
    std::string_view name = line.substr(0, space);
    std::string_view password = trim(line.substr(space));
    if (password.find_first_of(" \t") != std::string_view::npos)
      fail(line_no_, "expected '<username> <password>' (a password cannot contain spaces)");
    if (!is_valid_username(name)) fail(line_no_, "invalid username (use 1 to 32 letters, digits, '.', '_' or '-')");
    if (password.size() > kMaxPasswordBytes)
      fail(line_no_,
           fmt::format("password longer than {} bytes (the longest line a client may send)", kMaxPasswordBytes));
    for (char c : password)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) fail(line_no_, "password contains a control character");
    entries_.push_back({std::string(name), std::string(password), line_no_});
  }

  // The entries, once no account is given twice.
  std::vector<UserEntry> finish() {
    std::vector<std::uint32_t> order(entries_.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      const auto& x = entries_[a];
      const auto& y = entries_[b];
      if (same_name(x.name, y.name)) return x.line < y.line;
      return name_less(x.name, y.name);
    });
    // The repeat that comes first in the file, with the line it repeats.
    const UserEntry* first = nullptr;
    const UserEntry* again = nullptr;
    for (std::size_t i = 1; i < order.size(); ++i) {
      const auto& prev = entries_[order[i - 1]];
      const auto& cur = entries_[order[i]];
      bool starts_group = i == 1 || !same_name(entries_[order[i - 2]].name, prev.name);
      if (starts_group && same_name(prev.name, cur.name) && (!again || cur.line < again->line)) {
        first = &prev;
        again = &cur;
      }
    }
    if (again) {
      if (again->name == first->name)
        fail(again->line, fmt::format("username '{}' appears twice (also on line {})", again->name, first->line));
      fail(again->line, fmt::format("username '{}' is the same account as '{}' on line {} (names ignore case)",
                                    again->name, first->name, first->line));
    }
    return std::move(entries_);
  }

 private:
  [[noreturn]] void fail(int line_no, std::string_view why) const {
    throw UserFileError(fmt::format("{}:{}: {}", file_name_, line_no, why));
  }

  const std::string& file_name_;
  int line_no_ = 0;
  std::vector<UserEntry> entries_;
};

class Digest {
 public:
  Digest() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    crypto_generichash_init(&state_, nullptr, 0, crypto_generichash_BYTES);
  }
  void add(std::string_view bytes) {
    crypto_generichash_update(&state_, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  }
  std::string hex() {
    std::array<unsigned char, crypto_generichash_BYTES> out{};
    crypto_generichash_final(&state_, out.data(), out.size());
    std::array<char, crypto_generichash_BYTES * 2 + 1> text{};
    sodium_bin2hex(text.data(), text.size(), out.data(), out.size());
    return std::string(text.data());
  }

 private:
  crypto_generichash_state state_{};
};

}  // namespace

UserFile read_user_file(std::istream& in, const std::string& file_name, std::size_t max_bytes) {
  Parser parser(file_name);
  Digest digest;
  std::string unfinished;  // the start of a line whose end is not read yet
  std::vector<char> chunk(64 * 1024);
  std::size_t total = 0;
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    total += got;
    if (total > max_bytes)
      throw UserFileError(fmt::format("{}: the file is larger than {} bytes (users-file-max)", file_name, max_bytes));
    std::string_view data(chunk.data(), got);
    digest.add(data);
    for (auto end = data.find('\n'); end != std::string_view::npos; end = data.find('\n')) {
      if (unfinished.empty()) {
        parser.line(data.substr(0, end));
      } else {
        unfinished.append(data.substr(0, end));
        parser.line(unfinished);
        unfinished.clear();
      }
      data.remove_prefix(end + 1);
    }
    unfinished.append(data);
    if (unfinished.size() > kMaxUserFileLine + 1) parser.line(unfinished);  // too long even without a '\r': fails
  }
  if (in.bad()) throw UserFileError(fmt::format("{}: read error", file_name));
  if (!unfinished.empty()) parser.line(unfinished);
  return UserFile{parser.finish(), digest.hex()};
}

std::vector<UserEntry> parse_user_file(std::string_view content, const std::string& file_name) {
  Parser parser(file_name);
  while (!content.empty()) {
    auto end = content.find('\n');
    if (end == std::string_view::npos) end = content.size();
    parser.line(content.substr(0, end));
    content.remove_prefix(std::min(end + 1, content.size()));
  }
  return parser.finish();
}

}  // namespace parley::core
