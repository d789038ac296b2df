#include "proto/control/request.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include "core/text.hpp"

namespace parley::proto::control {

namespace {

const CommandSpec* find_command(std::string_view name) {
  auto it = std::find_if(std::begin(kCommands), std::end(kCommands), [&](const auto& c) { return c.name == name; });
  return it == std::end(kCommands) ? nullptr : &*it;
}

bool has_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    auto b = static_cast<unsigned char>(c);
    return b < 0x20 || b == 0x7F;
  });
}

// Well-formed UTF-8: no overlong forms, surrogates or code points past U+10FFFF.
bool valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    auto b = static_cast<unsigned char>(text[i]);
    std::size_t n = b < 0x80 ? 0 : (b >> 5) == 0x6 ? 1 : (b >> 4) == 0xE ? 2 : (b >> 3) == 0x1E ? 3 : 4;
    if (n == 4) return false;
    std::uint32_t cp = n == 0 ? b : b & (0x3Fu >> n);
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= text.size()) return false;
      auto c = static_cast<unsigned char>(text[i + k]);
      if ((c >> 6) != 0x2) return false;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    static constexpr std::uint32_t kLeast[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kLeast[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

}  // namespace

std::string format_request(const Request& request) {
  std::string line = request.command;
  for (const auto& a : request.args) line += "\t" + a;
  auto parsed = parse_request(line);
  if (auto* problem = std::get_if<std::string>(&parsed)) throw std::invalid_argument(*problem);
  return line + "\n";
}

std::variant<Request, std::string> parse_request(std::string_view line) {
  if (line.size() > kMaxRequestLine) return "request longer than " + std::to_string(kMaxRequestLine) + " bytes";
  if (!valid_utf8(line)) return std::string("request is not valid UTF-8");
  Request request;
  std::vector<std::string_view> fields;
  for (std::size_t start = 0;;) {
    auto tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  for (auto f : fields) {
    if (f.empty()) return std::string("empty field in request");
    if (has_control(f)) return std::string("control character in request");
  }
  const auto* spec = find_command(fields.front());
  if (!spec) return "unknown command '" + core::log_safe(fields.front()) + "'";
  if (fields.size() - 1 != spec->args)
    return std::string(spec->name) + " takes " + std::to_string(spec->args) + " argument" +
           (spec->args == 1 ? "" : "s");
  request.command = std::string(spec->name);
  for (std::size_t i = 1; i < fields.size(); ++i) request.args.emplace_back(fields[i]);
  return request;
}

}  // namespace parley::proto::control
