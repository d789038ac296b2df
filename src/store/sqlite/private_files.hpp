// The database and the files SQLite keeps beside it (-wal, -shm, -journal)
// hold password hashes and private messages: they are the owner's alone.
#pragma once

#include <string>
#include <vector>

namespace parley::store::sqlite {

// Before the database is opened: creates it owner-only (0600) when missing,
// whatever the umask, and takes group and other access away from it and from
// the files beside it when an older version left them open. SQLite gives the
// -wal and -shm files it creates later the database file's mode. Returns one
// line per finding worth a log line (a tightened mode, an empty database).
// Throws sqlite::Error when a file cannot be created or changed.
std::vector<std::string> make_files_private(const std::string& db_path);

}  // namespace parley::store::sqlite
