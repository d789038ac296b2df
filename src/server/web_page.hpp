// The web client's files, compiled into parleyd, answered to plain HTTP
// requests on the web listener. Every answer of the listener, these and its
// own refusals, carries the page's security headers (docs/WEB.md, "Security
// of the page").
#pragma once

#include <string_view>

#include "net/http_message.hpp"

namespace parley::server {

// `target` is the request target: "/" is index.html; a query string is
// ignored; anything that is not one of the files is 404.
net::HttpResponse serve_web_page(std::string_view target);

// For WebSocketSettings::response_headers: the Content-Security-Policy and
// the other headers every answer carries.
net::HttpHeaders web_security_headers();

}  // namespace parley::server
