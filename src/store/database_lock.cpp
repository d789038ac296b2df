#include "store/database_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace parley::store {

std::string DatabaseLock::lock_path(const std::string& db_path) { return db_path + ".lock"; }

DatabaseLock::DatabaseLock(const std::string& db_path) {
  auto path = lock_path(db_path);
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, S_IRUSR | S_IWUSR);
  if (fd_ < 0) throw std::runtime_error("cannot open lock file " + path + ": " + std::strerror(errno));
  // The lock file says nothing, but like everything beside the database it
  // is the owner's alone, whatever the umask or an older file's mode.
  if (::fchmod(fd_, S_IRUSR | S_IWUSR) != 0 || ::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    ::close(fd_);
    if (error == EWOULDBLOCK)
      throw DatabaseInUse("database " + db_path + " is in use by another parleyd (" + path +
                          " is locked); only one server may use a database");
    throw std::runtime_error("cannot lock " + path + ": " + std::strerror(error));
  }
}

DatabaseLock::~DatabaseLock() { ::close(fd_); }

}  // namespace parley::store
