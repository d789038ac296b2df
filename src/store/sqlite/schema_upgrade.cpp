#include "store/sqlite/schema_upgrade.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <vector>

namespace parley::store::sqlite {

namespace {

// 1: the first schema. 2: account names are unique without regard to case.
// 3: each account has a manager (the users file or parleyctl) and may be
// disabled; accounts from before were all the file's. 4: rooms, their
// members, invitations and messages, and private history (new tables only,
// made with the others when the store opens).
constexpr int kVersion = 4;

int user_version(Database& db) {
  Statement st(db.handle(), "PRAGMA user_version");
  st.step();
  return static_cast<int>(st.int64(0));
}

// Two accounts that one name in another case would now both match cannot
// be merged without losing one's messages: the owner decides.
void refuse_names_differing_in_case(Database& db, const std::string& path) {
  Statement groups(db.handle(),
                   "SELECT lower(name) FROM accounts GROUP BY lower(name) HAVING count(*) > 1 ORDER BY min(id)");
  std::vector<std::string> keys;
  while (groups.step()) keys.push_back(groups.text(0));
  if (keys.empty()) return;
  Statement names(db.handle(), "SELECT name FROM accounts WHERE lower(name) = ?1 ORDER BY id");
  names.bind(1, keys.front());
  std::vector<std::string> spelled;
  while (names.step()) spelled.push_back("'" + names.text(0) + "'");
  std::string others = keys.size() > 1 ? fmt::format(" (and {} more such names)", keys.size() - 1) : "";
  throw Error(fmt::format(
      "database {}: the accounts {} differ only in case{}; account names ignore case, so rename or delete all but "
      "one of them in its accounts table and start again",
      path, fmt::join(spelled, " and "), others));
}

bool has_column(Database& db, const char* table, std::string_view column) {
  Statement st(db.handle(), fmt::format("PRAGMA table_info({})", table).c_str());
  while (st.step())
    if (st.text(1) == column) return true;
  return false;
}

void add_account_manager(Database& db) {
  if (!has_column(db, "accounts", "manager"))
    db.exec("ALTER TABLE accounts ADD COLUMN manager TEXT NOT NULL DEFAULT 'file'");
  if (!has_column(db, "accounts", "disabled"))
    db.exec("ALTER TABLE accounts ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0");
}

}  // namespace

void upgrade_schema(Database& db, const std::string& path) {
  int version = user_version(db);
  if (version >= kVersion) return;
  db.exec("BEGIN IMMEDIATE");
  try {
    if (version < 2) {
      refuse_names_differing_in_case(db, path);
      db.exec("CREATE UNIQUE INDEX IF NOT EXISTS accounts_by_folded_name ON accounts(name COLLATE NOCASE)");
    }
    add_account_manager(db);
    db.exec(fmt::format("PRAGMA user_version = {}", kVersion).c_str());
    db.exec("COMMIT");
  } catch (...) {
    db.exec("ROLLBACK");
    throw;
  }
}

}  // namespace parley::store::sqlite
