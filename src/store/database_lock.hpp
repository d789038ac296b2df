// One process at a time per database: an exclusive flock on `<db>.lock`,
// held for the lock object's life. The server takes it before it opens the
// database; a tool that works on the database while the server is stopped
// takes the same lock.
#pragma once

#include <stdexcept>
#include <string>

namespace parley::store {

// Another process holds the lock.
class DatabaseInUse : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

class DatabaseLock {
 public:
  // Takes the lock without waiting. Throws DatabaseInUse when another
  // process holds it, std::runtime_error naming the file when it cannot be
  // opened.
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
