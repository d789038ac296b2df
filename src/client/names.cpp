#include "client/names.hpp"

#include <algorithm>

namespace parley::client {

namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool is_account_name(std::string_view name) {
  constexpr std::size_t kMaxName = 32;
  return !name.empty() && name.size() <= kMaxName && std::all_of(name.begin(), name.end(), is_name_char);
}

bool is_room_name(std::string_view name) { return name.starts_with('#') && is_account_name(name.substr(1)); }

std::string folded_name(std::string_view name) {
  std::string out(name);
  std::transform(out.begin(), out.end(), out.begin(), fold);
  return out;
}

}  // namespace parley::client
