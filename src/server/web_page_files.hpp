// The web client's files (web/), embedded at build time by
// web_page_embed.cmake into a generated source.
#pragma once

#include <span>
#include <string_view>

namespace parley::server {

struct WebFile {
  std::string_view name;  // "index.html", "app.js", ...
  std::string_view bytes;
};

std::span<const WebFile> web_files();

}  // namespace parley::server
