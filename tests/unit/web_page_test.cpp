#include "server/web_page.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "server/web_page_files.hpp"

namespace parley::server {
namespace {

// A header's value in the answer as the listener writes it, with the
// headers it adds to every answer.
std::string header(const net::HttpResponse& r, std::string_view name) {
  auto wire = net::format_http_response(r, false, true, web_security_headers());
  auto at = wire.find("\r\n" + std::string(name) + ": ");
  if (at == std::string::npos) return {};
  at += name.size() + 4;
  return wire.substr(at, wire.find("\r\n", at) - at);
}

void expect_security_headers(const net::HttpResponse& r, std::string_view target) {
  EXPECT_EQ(header(r, "Content-Security-Policy"),
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
      << target;
  EXPECT_EQ(header(r, "X-Content-Type-Options"), "nosniff") << target;
  EXPECT_EQ(header(r, "Referrer-Policy"), "no-referrer") << target;
  EXPECT_EQ(header(r, "Cache-Control"), "no-cache") << target;
}

std::string file_bytes(std::string_view name) {
  for (const auto& f : web_files())
    if (f.name == name) return std::string(f.bytes);
  return {};
}

TEST(WebPage, ServesEveryFileWithItsTypeAndTheSecurityHeaders) {
  struct Case {
    std::string_view target, file, type;
  };
  for (const Case& c : {Case{"/", "index.html", "text/html; charset=utf-8"},
                        Case{"/index.html", "index.html", "text/html; charset=utf-8"},
                        Case{"/app.js", "app.js", "text/javascript; charset=utf-8"},
                        Case{"/app.css", "app.css", "text/css; charset=utf-8"},
                        Case{"/favicon.svg", "favicon.svg", "image/svg+xml; charset=utf-8"}}) {
    auto r = serve_web_page(c.target);
    EXPECT_EQ(r.status, 200u) << c.target;
    EXPECT_EQ(r.content_type, c.type) << c.target;
    EXPECT_FALSE(r.body.empty()) << c.target;
    EXPECT_EQ(r.body, file_bytes(c.file)) << c.target;
    expect_security_headers(r, c.target);
  }
}

TEST(WebPage, EveryEmbeddedFileIsServedWithATextType) {
  ASSERT_FALSE(web_files().empty());
  for (const auto& f : web_files()) {
    std::string target = "/" + std::string(f.name);
    auto r = serve_web_page(target);
    EXPECT_EQ(r.status, 200u) << target;
    EXPECT_EQ(r.body, f.bytes) << target;
    EXPECT_NE(r.content_type.find("charset=utf-8"), std::string::npos) << target << ": " << r.content_type;
  }
}

TEST(WebPage, TheEmbeddedFilesAreTheWebDirectory) {
  auto index = file_bytes("index.html");
  EXPECT_NE(index.find("<!DOCTYPE html>"), std::string::npos);
  EXPECT_NE(index.find("app.js"), std::string::npos);
  // No inline script or style: the CSP would refuse them.
  EXPECT_EQ(index.find("<script>"), std::string::npos);
  EXPECT_EQ(index.find("<style"), std::string::npos);
  EXPECT_EQ(index.find("style="), std::string::npos);
}

TEST(WebPage, IgnoresTheQueryString) {
  auto r = serve_web_page("/app.js?v=3&x=..%2f");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(r.body, file_bytes("app.js"));
  auto root = serve_web_page("/?user=alice");
  EXPECT_EQ(root.status, 200u);
  EXPECT_EQ(root.body, file_bytes("index.html"));
}

TEST(WebPage, UnknownPathsAre404WithTheSecurityHeaders) {
  for (std::string_view target :
       {"/nope", "/app.js/", "/APP.JS", "/../app.js", "/web/../app.js", "/%2e%2e/app.js", "/..", "/.", "//app.js",
        "app.js", "", "/index.html/..", "/../../etc/passwd", "/ws/app.js", "/app.js%00"}) {
    auto r = serve_web_page(target);
    EXPECT_EQ(r.status, 404u) << target;
    EXPECT_EQ(r.content_type, "text/plain; charset=utf-8") << target;
    EXPECT_EQ(r.body, "Not found\n") << target;
    expect_security_headers(r, target);
  }
}

}  // namespace
}  // namespace parley::server
