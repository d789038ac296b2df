#include "store/sqlite/private_files.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "store/sqlite/database.hpp"

namespace parley::store::sqlite {

namespace {

constexpr mode_t kOwnerOnly = S_IRUSR | S_IWUSR;

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw Error(fmt::format("cannot {} {}: {}", what, path, std::strerror(errno)));
}

class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Takes group and other access away from an open file.
void tighten(int fd, const std::string& path, std::vector<std::string>& notes) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail("inspect", path);
  mode_t mode = st.st_mode & 07777;
  if ((mode & ~kOwnerOnly) == 0) return;
  if (::fchmod(fd, mode & kOwnerOnly) != 0) fail("change the mode of", path);
  notes.push_back(
      fmt::format("{} was readable by others (mode {:04o}); it is now {:04o}", path, mode, mode & kOwnerOnly));
}

}  // namespace

std::vector<std::string> make_files_private(const std::string& db_path) {
  std::vector<std::string> notes;
  if (db_path.empty() || db_path == ":memory:") return notes;  // no file
  Descriptor created(::open(db_path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, kOwnerOnly));
  if (created.get() >= 0) {
    // The umask may have taken more than group and other access away.
    if (::fchmod(created.get(), kOwnerOnly) != 0) fail("change the mode of", db_path);
  } else {
    if (errno != EEXIST) fail("create", db_path);
    Descriptor db(::open(db_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (db.get() < 0) fail("open", db_path);
    tighten(db.get(), db_path, notes);
    struct stat st {};
    if (::fstat(db.get(), &st) != 0) fail("inspect", db_path);
    if (st.st_size == 0) notes.push_back(fmt::format("{} is empty (0 bytes); it is set up as a new database", db_path));
  }
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    auto path = db_path + suffix;
    Descriptor side(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (side.get() < 0) {
      if (errno == ENOENT) continue;
      fail("open", path);
    }
    tighten(side.get(), path, notes);
  }
  return notes;
}

}  // namespace parley::store::sqlite
