// One process at a time per database: an exclusive flock on `<db>.lock`,
// held for the lock object's life. The server takes it before it opens the
// database; a tool that works on the database while the server is stopped
// takes the same lock.
#pragma once

#include <string>

namespace parley::store {

class DatabaseLock {
 public:
  // Takes the lock without waiting. Throws std::runtime_error naming the
  // database when another process holds it or the lock file cannot be opened.
  explicit DatabaseLock(const std::string& db_path);
  ~DatabaseLock();
  DatabaseLock(const DatabaseLock&) = delete;
  DatabaseLock& operator=(const DatabaseLock&) = delete;

  // `<db>.lock`, beside the database.
  static std::string lock_path(const std::string& db_path);

 private:
  int fd_ = -1;
};

}  // namespace parley::store
