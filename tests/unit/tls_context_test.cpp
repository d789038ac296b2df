// The server's TLS context: modern settings only, start-up errors that name
// the file and the reason, and a reload that keeps the old context when the
// new files are bad.
#include "net/tls_context.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "test_certificates.hpp"

namespace parley::net {
namespace {

class TlsContextTest : public ::testing::Test {
 protected:
  TlsContextTest() : ca_("unit CA") {
    dir_ = std::filesystem::temp_directory_path() / ("parley-tls-context-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    std::tie(cert_, key_) = ca_.issue(test::ServerCertSpec{}).write(dir_, "server");
  }
  ~TlsContextTest() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& content) {
    auto path = (dir_ / name).string();
    std::ofstream(path, std::ios::trunc) << content;
    return path;
  }
  static std::string error_of(const std::string& cert, const std::string& key) {
    try {
      make_server_tls_context(cert, key);
    } catch (const TlsError& e) {
      return e.what();
    }
    return "";
  }

  test::TestAuthority ca_;
  std::filesystem::path dir_;
  std::string cert_, key_;
};

TEST_F(TlsContextTest, Tls12And13OnlyWithoutCompressionRenegotiationOrSessionState) {
  auto ctx = make_server_tls_context(cert_, key_);
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx.get()), TLS1_2_VERSION);
  EXPECT_EQ(SSL_CTX_get_max_proto_version(ctx.get()), TLS1_3_VERSION);
  auto options = SSL_CTX_get_options(ctx.get());
  EXPECT_NE(options & SSL_OP_NO_COMPRESSION, 0u);
  EXPECT_NE(options & SSL_OP_NO_RENEGOTIATION, 0u);
  EXPECT_NE(options & SSL_OP_NO_TICKET, 0u);
  EXPECT_EQ(SSL_CTX_get_session_cache_mode(ctx.get()), SSL_SESS_CACHE_OFF);
  EXPECT_NE(SSL_CTX_get_mode(ctx.get()) & SSL_MODE_RELEASE_BUFFERS, 0u);
}

TEST_F(TlsContextTest, ErrorsNameTheFileAndTheReason) {
  auto missing = (dir_ / "missing.crt").string();
  EXPECT_EQ(error_of(missing, key_), "cannot read TLS certificate " + missing + ": No such file or directory");
  auto garbage = write("garbage.pem", "not PEM at all\n");
  EXPECT_EQ(error_of(garbage, key_).rfind("cannot load TLS certificate " + garbage + ": ", 0), 0u)
      << error_of(garbage, key_);
  EXPECT_EQ(error_of(cert_, garbage).rfind("cannot load TLS key " + garbage + ": ", 0), 0u) << error_of(cert_, garbage);
  auto [other_cert, other_key] = ca_.issue(test::ServerCertSpec{}).write(dir_, "other");
  EXPECT_EQ(error_of(cert_, other_key),
            "TLS key " + other_key + " does not match certificate " + cert_ + ": key values mismatch");
}

// OpenSSL would otherwise ask for the passphrase on the terminal.
TEST_F(TlsContextTest, AKeyWithAPassphraseIsAnErrorNotAPrompt) {
  BIO* in = BIO_new_file(key_.c_str(), "r");
  EVP_PKEY* key = PEM_read_bio_PrivateKey(in, nullptr, nullptr, nullptr);
  BIO_free(in);
  ASSERT_NE(key, nullptr);
  auto encrypted = (dir_ / "encrypted.key").string();
  BIO* out = BIO_new_file(encrypted.c_str(), "w");
  char passphrase[] = "secret";
  PEM_write_bio_PKCS8PrivateKey(out, key, EVP_aes_128_cbc(), passphrase, 6, nullptr, nullptr);
  BIO_free(out);
  EVP_PKEY_free(key);
  EXPECT_EQ(error_of(cert_, encrypted).rfind("cannot load TLS key " + encrypted + ": ", 0), 0u)
      << error_of(cert_, encrypted);
}

TEST_F(TlsContextTest, AFailedReloadKeepsTheContextInUse) {
  TlsServerContext tls(cert_, key_);
  auto before = tls.current();
  write("server.key", "broken\n");
  EXPECT_THROW(tls.reload(), TlsError);
  EXPECT_EQ(tls.current(), before);
  ca_.issue(test::ServerCertSpec{}).write(dir_, "server");
  tls.reload();
  EXPECT_NE(tls.current(), before);
}

}  // namespace
}  // namespace parley::net
