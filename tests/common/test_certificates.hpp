// A certificate authority made at run time for tests (OpenSSL's C API;
// nothing on disk until asked): CA certificates and server certificates
// with chosen names and validity.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

using EVP_PKEY = struct evp_pkey_st;
using X509 = struct x509_st;

namespace parley::test {

struct KeyPair {
  std::string cert_pem;
  std::string key_pem;
  // Writes <stem>.crt and <stem>.key into `dir`; returns {cert, key} paths.
  std::pair<std::string, std::string> write(const std::filesystem::path& dir, const std::string& stem) const;
};

struct ServerCertSpec {
  std::string common_name = "parley test server";
  std::vector<std::string> dns{"localhost"};
  std::vector<std::string> ips{"127.0.0.1", "::1"};
  std::chrono::seconds valid_from = -std::chrono::hours(1);  // relative to now
  std::chrono::seconds valid_to = std::chrono::hours(24);
};

class TestAuthority {
 public:
  explicit TestAuthority(const std::string& name);
  ~TestAuthority();
  TestAuthority(const TestAuthority&) = delete;
  TestAuthority& operator=(const TestAuthority&) = delete;

  const std::string& cert_pem() const { return cert_pem_; }
  // Writes the CA certificate to dir/<name>; returns its path.
  std::string write(const std::filesystem::path& dir, const std::string& name) const;
  KeyPair issue(const ServerCertSpec& spec) const;

 private:
  EVP_PKEY* key_ = nullptr;
  X509* cert_ = nullptr;
  std::string cert_pem_;
};

}  // namespace parley::test
