// Who manages an account: the users file, or parleyctl. A users file import
// creates, changes and disables only the file's accounts; parleyctl's are
// left alone by it.
#pragma once

#include <optional>
#include <string_view>

namespace parley::core {

enum class AccountManager { file, parleyctl };

constexpr std::string_view to_string(AccountManager m) { return m == AccountManager::file ? "file" : "parleyctl"; }

constexpr std::optional<AccountManager> parse_account_manager(std::string_view text) {
  if (text == "file") return AccountManager::file;
  if (text == "parleyctl") return AccountManager::parleyctl;
  return std::nullopt;
}

}  // namespace parley::core
