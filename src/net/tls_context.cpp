#include "net/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace parley::net {

namespace {

// TLS 1.2 suites with forward secrecy and an AEAD; TLS 1.3 keeps OpenSSL's
// defaults, which are all of that already.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// A key with a passphrase would otherwise make OpenSSL ask on the terminal.
int no_passphrase(char*, int, int, void*) { return 0; }

void check_readable(const std::string& what, const std::string& file) {
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (!f) throw TlsError("cannot read TLS " + what + " " + file + ": " + std::strerror(errno));
  std::fclose(f);
}

}  // namespace

std::string take_tls_error(const std::string& fallback) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return fallback;
  const char* reason = ERR_reason_error_string(code);
  return reason ? reason : fallback;
}

std::shared_ptr<SSL_CTX> make_server_tls_context(const std::string& cert_file, const std::string& key_file) {
  check_readable("certificate", cert_file);
  check_readable("key", key_file);
  ERR_clear_error();
  std::shared_ptr<SSL_CTX> ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  if (!ctx) throw TlsError("cannot make a TLS context: " + take_tls_error("out of memory"));
  SSL_CTX* c = ctx.get();
  SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(c, TLS1_3_VERSION);
  SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                             SSL_OP_NO_TICKET | SSL_OP_IGNORE_UNEXPECTED_EOF);
  // Resumption would keep state per client for little gain: logins are rare.
  SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(c, 0);
  // An idle connection keeps no record buffers; a write may be repeated from
  // a buffer at another address with the same bytes.
  SSL_CTX_set_mode(c, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_read_ahead(c, 1);
  if (SSL_CTX_set_cipher_list(c, kTls12Ciphers) != 1)
    throw TlsError("cannot set the TLS ciphers: " + take_tls_error("no cipher"));
  SSL_CTX_set_default_passwd_cb(c, no_passphrase);
  if (SSL_CTX_use_certificate_chain_file(c, cert_file.c_str()) != 1)
    throw TlsError("cannot load TLS certificate " + cert_file + ": " + take_tls_error("not a PEM certificate"));
  if (SSL_CTX_use_PrivateKey_file(c, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    // OpenSSL checks the pair as it loads the key.
    bool mismatch = ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH;
    if (!mismatch)
      throw TlsError("cannot load TLS key " + key_file + ": " +
                     take_tls_error("not a PEM private key without a passphrase"));
  }
  if (SSL_CTX_check_private_key(c) != 1)
    throw TlsError("TLS key " + key_file + " does not match certificate " + cert_file + ": " +
                   take_tls_error("key values mismatch"));
  return ctx;
}

TlsServerContext::TlsServerContext(std::string cert_file, std::string key_file)
    : cert_file_(std::move(cert_file)),
      key_file_(std::move(key_file)),
      current_(make_server_tls_context(cert_file_, key_file_)) {}

std::shared_ptr<SSL_CTX> TlsServerContext::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

void TlsServerContext::reload() {
  auto fresh = make_server_tls_context(cert_file(), key_file());
  std::lock_guard lock(mutex_);
  current_.swap(fresh);
}

void TlsServerContext::replace(std::shared_ptr<SSL_CTX> context, std::string cert_file, std::string key_file) {
  std::lock_guard lock(mutex_);
  current_.swap(context);
  cert_file_ = std::move(cert_file);
  key_file_ = std::move(key_file);
}

std::string TlsServerContext::cert_file() const {
  std::lock_guard lock(mutex_);
  return cert_file_;
}

std::string TlsServerContext::key_file() const {
  std::lock_guard lock(mutex_);
  return key_file_;
}

}  // namespace parley::net
