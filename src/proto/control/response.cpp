#include "proto/control/response.hpp"

#include <charconv>

#include "core/text.hpp"

namespace parley::proto::control {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::refused:
      return "refused";
    case ErrorKind::request:
      return "request";
    case ErrorKind::denied:
      return "denied";
    case ErrorKind::busy:
      return "busy";
    case ErrorKind::failed:
      break;
  }
  return "failed";
}

namespace {

// sanitize_text turns tabs into spaces and drops newlines.
std::string field(std::string_view text) {
  std::string clean = core::sanitize_text(text);
  return clean.empty() ? "-" : clean;
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> out;
  for (std::size_t start = 0;;) {
    auto tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) return out;
    start = tab + 1;
  }
}

}  // namespace

std::string format_response(const Response& response) {
  if (!response.ok)
    return "error\t" + std::string(to_string(response.error_kind)) + "\t" + field(response.error) + "\n";
  std::string out = "ok\t" + std::to_string(response.rows.size()) + "\n";
  for (const auto& row : response.rows) {
    for (std::size_t i = 0; i < row.size(); ++i) out += (i ? "\t" : "") + field(row[i]);
    out += "\n";
  }
  return out;
}

std::variant<Response, Incomplete, std::string> parse_response(std::string_view text) {
  auto end = text.find('\n');
  if (end == std::string_view::npos) return Incomplete{};
  auto head = split(text.substr(0, end));
  if (head.size() == 3 && head[0] == "error") {
    for (auto kind : {ErrorKind::refused, ErrorKind::request, ErrorKind::denied, ErrorKind::busy, ErrorKind::failed})
      if (head[1] == to_string(kind)) return Response::failure(kind, std::string(head[2]));
    return "unknown error kind in response";
  }
  std::size_t count = 0;
  if (head.size() != 2 || head[0] != "ok") return std::string("malformed response");
  auto [ptr, ec] = std::from_chars(head[1].data(), head[1].data() + head[1].size(), count);
  if (ec != std::errc() || ptr != head[1].data() + head[1].size()) return std::string("malformed response");
  Response response;
  std::size_t pos = end + 1;
  for (std::size_t i = 0; i < count; ++i) {
    auto next = text.find('\n', pos);
    if (next == std::string_view::npos) return Incomplete{};
    Row row;
    for (auto f : split(text.substr(pos, next - pos))) row.emplace_back(f);
    response.rows.push_back(std::move(row));
    pos = next + 1;
  }
  return response;
}

}  // namespace parley::proto::control
