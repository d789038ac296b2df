// Checks that are quick and come before any slow work (hashing passwords,
// opening the database), at start, on reload and for --check-config. Each
// throws std::runtime_error (or core::UserFileError) with a one-line reason.
#pragma once

#include <optional>
#include <string>

#include "core/user_file.hpp"
#include "server/config.hpp"

namespace parley::server {

// Read and parsed in full, without hashing. nullopt when the file is the
// default one and does not exist (the stored accounts are used then); any
// other file that cannot be read is an error.
std::optional<core::UserFile> read_users_file(const ServerConfig& config);

bool any_tls(const ServerConfig& config);
// With a TLS listener: both files are named, and they load and match.
void check_tls_files(const ServerConfig& config);

// The database's directory exists and the server may create files in it.
void check_database_directory(const std::string& db_path);

// The control socket's path fits a Unix socket address, and nothing but a
// socket is there already (an empty path: no control socket).
void check_control_socket_path(const std::string& path);

// Everything above, for --check-config: empty when all is well, else the reason.
std::string check_config_files(const ServerConfig& config);

}  // namespace parley::server
