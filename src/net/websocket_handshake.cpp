#include "net/websocket_handshake.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace parley::net {

namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

bool same_text_any_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trimmed(std::string_view text) {
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

bool base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

// Whether `origin` is `scheme` "://" `host`, in any case.
bool origin_is(std::string_view origin, std::string_view scheme, std::string_view host) {
  if (origin.size() != scheme.size() + host.size()) return false;
  return same_text_any_case(origin.substr(0, scheme.size()), scheme) &&
         same_text_any_case(origin.substr(scheme.size()), host);
}

}  // namespace

bool has_http_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    auto comma = list.find(',');
    auto item = trimmed(list.substr(0, comma));
    if (same_text_any_case(item, token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

bool valid_websocket_key(std::string_view key) {
  key = trimmed(key);
  if (key.size() != 24 || key.substr(22) != "==") return false;
  return std::all_of(key.begin(), key.begin() + 22, base64_char);
}

std::string websocket_accept(std::string_view key) {
  std::string input(trimmed(key));
  input += kGuid;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(input.data(), input.size(), digest.data(), &length, EVP_sha1(), nullptr) != 1 || length != 20)
    return {};
  std::array<unsigned char, 32> encoded{};  // 28 characters and a NUL
  auto written = EVP_EncodeBlock(encoded.data(), digest.data(), static_cast<int>(length));
  return std::string(reinterpret_cast<const char*>(encoded.data()), static_cast<std::size_t>(written));
}

bool origin_allowed(std::string_view origin, std::string_view host, std::span<const std::string> allowed) {
  origin = trimmed(origin);
  host = trimmed(host);
  if (!host.empty() && (origin_is(origin, "http://", host) || origin_is(origin, "https://", host))) return true;
  return std::any_of(allowed.begin(), allowed.end(),
                     [&](const std::string& one) { return same_text_any_case(trimmed(one), origin); });
}

UpgradeCheck check_websocket_upgrade(const HttpRequest& request, std::span<const std::string> allowed_origins) {
  if (!has_http_token(request.upgrade, "websocket")) return {426, "not a WebSocket upgrade"};
  if (request.method != "GET") return {400, "upgrade with a method other than GET"};
  if (request.version != 11) return {400, "upgrade over HTTP/1.0"};
  if (!has_http_token(request.connection, "upgrade")) return {400, "Connection does not say upgrade"};
  if (trimmed(request.websocket_version) != "13") return {426, "unsupported Sec-WebSocket-Version"};
  if (!valid_websocket_key(request.websocket_key)) return {400, "bad Sec-WebSocket-Key"};
  if (request.has_origin && !origin_allowed(request.origin, request.host, allowed_origins))
    return {403, "origin not allowed"};
  return {};
}

HttpResponse refused_upgrade_response(unsigned status) {
  auto response = http_error_response(status);
  if (status == 426) {
    response.headers.emplace_back("Upgrade", "websocket");
    response.headers.emplace_back("Sec-WebSocket-Version", "13");
  }
  return response;
}

std::string format_upgrade_response(std::string_view key) {
  std::string out = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
  out += "Sec-WebSocket-Accept: ";
  out += websocket_accept(key);
  out += "\r\n\r\n";
  return out;
}

}  // namespace parley::net
