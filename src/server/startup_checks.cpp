#include "server/startup_checks.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "net/tls_context.hpp"

namespace parley::server {

std::optional<core::UserFile> read_users_file(const ServerConfig& config) {
  std::ifstream in(config.users_file, std::ios::binary);
  if (!in) {
    int error = errno;
    if (!config.users_file_given && error == ENOENT) return std::nullopt;
    throw std::runtime_error("cannot read users file " + config.users_file + ": " + std::strerror(error));
  }
  // Read a piece at a time: memory holds the entries, never the file.
  return core::read_user_file(in, config.users_file, config.users_file_max);
}

bool any_tls(const ServerConfig& config) {
  return std::any_of(config.listeners.begin(), config.listeners.end(), [](const ListenerConfig& l) { return l.tls; });
}

void check_tls_files(const ServerConfig& config) {
  if (!any_tls(config)) return;
  if (config.tls_cert.empty() || config.tls_key.empty())
    throw std::runtime_error("a TLS listener needs both --tls-cert and --tls-key");
  net::make_server_tls_context(config.tls_cert, config.tls_key);
}

void check_database_directory(const std::string& db_path) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(db_path).parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  auto status = fs::status(dir, ec);
  if (ec || !fs::is_directory(status))
    throw std::runtime_error("the database's directory " + dir.string() + " does not exist (db " + db_path + ")");
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw std::runtime_error("cannot create files in the database's directory " + dir.string() + ": " +
                             std::strerror(errno));
  if (::access(db_path.c_str(), F_OK) == 0 && ::access(db_path.c_str(), R_OK | W_OK) != 0)
    throw std::runtime_error("cannot read and write the database " + db_path + ": " + std::strerror(errno));
}

void check_control_socket_path(const std::string& path) {
  if (path.empty()) return;
  constexpr auto kMax = sizeof(sockaddr_un{}.sun_path) - 1;
  if (path.size() > kMax)
    throw std::runtime_error("control socket " + path + ": the path is longer than " + std::to_string(kMax) + " bytes");
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && !S_ISSOCK(st.st_mode))
    throw std::runtime_error("control socket " + path +
                             ": the file exists and is not a socket; remove it or set control-socket to another path");
}

std::string check_config_files(const ServerConfig& config) {
  try {
    read_users_file(config);
    check_tls_files(config);
    check_database_directory(config.db_path);
    check_control_socket_path(config.control_socket);
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

}  // namespace parley::server
