#include "server/web_page.hpp"

#include <array>
#include <string>
#include <utility>

#include "server/web_page_files.hpp"

namespace parley::server {
namespace {

constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

struct TypeByExtension {
  std::string_view extension;
  std::string_view content_type;
};

constexpr std::array<TypeByExtension, 6> kTypes{{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".png", "image/png"},
}};

std::string_view content_type_of(std::string_view name) {
  for (const auto& t : kTypes)
    if (name.ends_with(t.extension)) return t.content_type;
  return "application/octet-stream";
}

}  // namespace

net::HttpHeaders web_security_headers() {
  return {{"Content-Security-Policy", std::string(kContentSecurityPolicy)},
          {"X-Content-Type-Options", "nosniff"},
          {"Referrer-Policy", "no-referrer"},
          {"Cache-Control", "no-cache"}};
}

net::HttpResponse serve_web_page(std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  if (path == "/") path = "/index.html";

  net::HttpResponse response;
  // Only exact names match, so "..", "%2e" and the like never reach a file.
  if (path.starts_with('/')) {
    std::string_view name = path.substr(1);
    for (const auto& file : web_files()) {
      if (file.name != name) continue;
      response.status = 200;
      response.content_type = std::string(content_type_of(name));
      response.body = std::string(file.bytes);
      return response;
    }
  }
  response.status = 404;
  response.content_type = "text/plain; charset=utf-8";
  response.body = "Not found\n";
  return response;
}

}  // namespace parley::server
