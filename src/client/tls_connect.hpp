// TLS on a connected socket: the server's certificate chain is checked
// against the system's certificate authorities (or one CA file) and must be
// issued for the host name or IP address the user gave.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "client/server_link.hpp"

namespace parley::client {

// Throws ConnectError naming the reason: an untrusted certificate (unknown
// authority, another host, expired...), a CA file that cannot be read, a
// server that does not speak TLS, or no answer within `timeout`.
boost::asio::awaitable<std::unique_ptr<TlsStream>> start_tls(boost::asio::ip::tcp::socket socket, std::string host,
                                                             std::string port, std::optional<std::string> ca_file,
                                                             std::chrono::seconds timeout);

// Why a certificate was refused, from OpenSSL's verification result.
std::string certificate_problem(long verify_result);

}  // namespace parley::client
