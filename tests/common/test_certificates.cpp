#include "test_certificates.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <stdexcept>

namespace parley::test {

namespace {

std::atomic<long> next_serial{1};

[[noreturn]] void openssl_failed(const char* what) {
  char text[256];
  ERR_error_string_n(ERR_get_error(), text, sizeof text);
  throw std::runtime_error(std::string(what) + ": " + text);
}

EVP_PKEY* new_key() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (!key) openssl_failed("EC key");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) openssl_failed("certificate extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for `key` named `common_name`, not yet signed.
X509* new_cert(EVP_PKEY* key, const std::string& common_name, std::chrono::seconds from, std::chrono::seconds to) {
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), next_serial++ + (static_cast<long>(getpid()) << 16));
  X509_gmtime_adj(X509_getm_notBefore(cert), static_cast<long>(from.count()));
  X509_gmtime_adj(X509_getm_notAfter(cert), static_cast<long>(to.count()));
  X509_set_pubkey(cert, key);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  return cert;
}

std::string to_pem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return pem;
}

std::string to_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return pem;
}

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

}  // namespace

std::pair<std::string, std::string> KeyPair::write(const std::filesystem::path& dir, const std::string& stem) const {
  auto cert = (dir / (stem + ".crt")).string();
  auto key = (dir / (stem + ".key")).string();
  write_file(cert, cert_pem);
  write_file(key, key_pem);
  return {cert, key};
}

TestAuthority::TestAuthority(const std::string& name) : key_(new_key()) {
  cert_ = new_cert(key_, name, -std::chrono::hours(24), std::chrono::hours(24 * 30));
  X509_set_issuer_name(cert_, X509_get_subject_name(cert_));
  add_extension(cert_, cert_, NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert_, cert_, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(cert_, cert_, NID_subject_key_identifier, "hash");
  if (X509_sign(cert_, key_, EVP_sha256()) == 0) openssl_failed("signing the CA");
  cert_pem_ = to_pem(cert_);
}

TestAuthority::~TestAuthority() {
  X509_free(cert_);
  EVP_PKEY_free(key_);
}

std::string TestAuthority::write(const std::filesystem::path& dir, const std::string& name) const {
  auto path = (dir / name).string();
  write_file(path, cert_pem_);
  return path;
}

KeyPair TestAuthority::issue(const ServerCertSpec& spec) const {
  EVP_PKEY* key = new_key();
  X509* cert = new_cert(key, spec.common_name, spec.valid_from, spec.valid_to);
  X509_set_issuer_name(cert, X509_get_subject_name(cert_));
  add_extension(cert, cert_, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert, cert_, NID_key_usage, "critical,digitalSignature,keyEncipherment");
  add_extension(cert, cert_, NID_ext_key_usage, "serverAuth");
  add_extension(cert, cert_, NID_authority_key_identifier, "keyid:always");
  std::string names;
  for (auto& d : spec.dns) names += (names.empty() ? "" : ",") + std::string("DNS:") + d;
  for (auto& ip : spec.ips) names += (names.empty() ? "" : ",") + std::string("IP:") + ip;
  if (!names.empty()) add_extension(cert, cert_, NID_subject_alt_name, names);
  if (X509_sign(cert, key_, EVP_sha256()) == 0) openssl_failed("signing a certificate");
  KeyPair pair{to_pem(cert), to_pem(key)};
  X509_free(cert);
  EVP_PKEY_free(key);
  return pair;
}

}  // namespace parley::test
