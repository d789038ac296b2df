// The server's TLS settings: one SSL_CTX made from a certificate chain file
// and a private key file, replaced whole when they are read again. A
// connection keeps the context it started with (its SSL object holds a
// reference); new connections get the newest.
#pragma once

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

using SSL_CTX = struct ssl_ctx_st;

namespace parley::net {

// Says which file could not be used and why, in one line.
class TlsError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// TLS 1.2 and 1.3 only, forward-secret AEAD ciphers, no compression, no
// renegotiation, no session cache or tickets, buffers released while idle.
// Throws TlsError when the files cannot be read or do not belong together.
std::shared_ptr<SSL_CTX> make_server_tls_context(const std::string& cert_file, const std::string& key_file);

// The first OpenSSL error queued on this thread, as text; clears the queue.
std::string take_tls_error(const std::string& fallback);

class TlsServerContext {
 public:
  // Loads the files; throws TlsError.
  TlsServerContext(std::string cert_file, std::string key_file);

  // For a new connection; any thread.
  std::shared_ptr<SSL_CTX> current() const;
  // Reads the files again and swaps the new context in; on failure throws
  // TlsError and keeps the current one.
  void reload();
  // Swaps in a context already made from these files (a reload that checks
  // everything before it changes anything).
  void replace(std::shared_ptr<SSL_CTX> context, std::string cert_file, std::string key_file);
  std::string cert_file() const;
  std::string key_file() const;

 private:
  std::string cert_file_;
  std::string key_file_;
  mutable std::mutex mutex_;
  std::shared_ptr<SSL_CTX> current_;
};

}  // namespace parley::net
