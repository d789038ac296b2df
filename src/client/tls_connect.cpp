#include "client/tls_connect.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "client/connect.hpp"

namespace parley::client {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

namespace {

ssl::context client_context(const std::optional<std::string>& ca_file) {
  ssl::context context(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  context.set_options(ssl::context::no_compression);
  context.set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  if (ca_file) {
    context.load_verify_file(*ca_file, ec);
    if (ec) {
      ERR_clear_error();
      throw ConnectError(fmt::format("cannot use CA file '{}': not readable or not PEM certificates", *ca_file), false);
    }
  } else {
    context.set_default_verify_paths(ec);
    if (ec) throw ConnectError("cannot find the system's certificate authorities: " + ec.message(), false);
  }
  return context;
}

// The certificate must be for the name or address the user typed.
void expect_identity(SSL* tls, const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  X509_VERIFY_PARAM* param = SSL_get0_param(tls);
  if (!ec) {
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
    return;
  }
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  SSL_set1_host(tls, host.c_str());
  // SSL_set_tlsext_host_name without its C cast: the name the server is asked for (SNI).
  SSL_ctrl(tls, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(host.c_str()));
}

std::string handshake_problem(const boost::system::error_code& ec) {
  if (ec == asio::error::eof || ec == ssl::error::stream_truncated || ec == asio::error::connection_reset)
    return "the server closed the connection (is it a TLS port?)";
  if (ec.category() == asio::error::get_ssl_category()) {
    const char* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
    if (reason) return reason;
  }
  return ec.message();
}

}  // namespace

std::string certificate_problem(long verify_result) {
  std::string what;
  switch (verify_result) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      what = "it is signed by an unknown certificate authority";
      break;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      what = "it is for another host name";
      break;
    case X509_V_ERR_CERT_HAS_EXPIRED:
      what = "it has expired";
      break;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      what = "it is not valid yet";
      break;
    case X509_V_ERR_CERT_REVOKED:
      what = "it has been revoked";
      break;
    default:
      return X509_verify_cert_error_string(verify_result);
  }
  return what + " (" + X509_verify_cert_error_string(verify_result) + ")";
}

asio::awaitable<std::unique_ptr<TlsStream>> start_tls(tcp::socket socket, std::string host, std::string port,
                                                      std::optional<std::string> ca_file,
                                                      std::chrono::seconds timeout) {
  auto tls = std::make_unique<TlsStream>(std::move(socket), client_context(ca_file));
  expect_identity(tls->stream.native_handle(), host);
  boost::system::error_code ec;
  auto outcome =
      co_await (tls->stream.async_handshake(ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec)) ||
                sleep_for(timeout));
  if (outcome.index() == 1)
    throw ConnectError(
        fmt::format("TLS handshake with {} port {}: no answer within {} seconds", host, port, timeout.count()), false);
  if (ec) {
    long verified = SSL_get_verify_result(tls->stream.native_handle());
    ERR_clear_error();
    if (verified != X509_V_OK)
      throw ConnectError(
          fmt::format("the TLS certificate of {} is not trusted: {}", host, certificate_problem(verified)), false);
    throw ConnectError(fmt::format("TLS handshake with {} port {} failed: {}", host, port, handshake_problem(ec)),
                       false);
  }
  co_return tls;
}

}  // namespace parley::client
