// The WebSocket opening handshake (RFC 6455, 4.2), server side: whether a
// request at the endpoint's path may upgrade, and the 101 that accepts it.
// No extensions and no subprotocols are offered.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "net/http_message.hpp"

namespace parley::net {

// Whether the comma-separated `list` holds `token`, in any case.
bool has_http_token(std::string_view list, std::string_view token);

// A Sec-WebSocket-Key: 16 bytes in base64.
bool valid_websocket_key(std::string_view key);

// The Sec-WebSocket-Accept for `key`: base64 of the SHA-1 of the key and
// the RFC's GUID.
std::string websocket_accept(std::string_view key);

// Whether a browser page from `origin` may connect: the page's own origin
// (http:// or https:// and `host`, in any case) or one of `allowed`.
bool origin_allowed(std::string_view origin, std::string_view host, std::span<const std::string> allowed);

struct UpgradeCheck {
  unsigned status = 101;  // 101: accepted; else the answer (400, 403, 426)
  const char* reason = "";  // why not, for the log
};

// Checks a GET or HEAD at the endpoint's path: an upgrade to WebSocket 13
// over HTTP/1.1 with a valid key, from an acceptable origin or none.
UpgradeCheck check_websocket_upgrade(const HttpRequest& request, std::span<const std::string> allowed_origins);

// The answer to a refused upgrade: 426 says which version and protocol to use.
HttpResponse refused_upgrade_response(unsigned status);

// The 101 that completes the handshake.
std::string format_upgrade_response(std::string_view key);

}  // namespace parley::net
