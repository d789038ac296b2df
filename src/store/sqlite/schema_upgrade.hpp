// Brings a database written by an older parleyd up to the current schema.
#pragma once

#include <string>

#include "store/sqlite/database.hpp"

namespace parley::store::sqlite {

// Run once the tables exist. Throws Error, naming what stands in the way,
// when the data cannot follow the current rules (two accounts whose names
// differ only in case); nothing is changed then.
void upgrade_schema(Database& db, const std::string& path);

}  // namespace parley::store::sqlite
