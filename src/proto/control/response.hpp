// parleyd's answers on the control socket (docs/ADMIN.md): a status line,
// `ok<TAB><rows>` or `error<TAB><kind><TAB><text>`, then for ok that many
// rows, each one item with its fields separated by tabs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace parley::proto::control {

enum class ErrorKind {
  refused,  // the operation was refused: an unknown user, a name taken...
  request,  // the request itself was malformed
  denied,   // the peer may not use the socket
  busy,     // too many control connections at once
  failed,   // the server could not do it (a store error)
};
std::string_view to_string(ErrorKind kind);

using Row = std::vector<std::string>;

struct Response {
  bool ok = true;
  ErrorKind error_kind = ErrorKind::refused;
  std::string error;  // for !ok
  std::vector<Row> rows;
  bool operator==(const Response&) const = default;

  static Response success(std::vector<Row> rows = {}) { return {true, ErrorKind::refused, {}, std::move(rows)}; }
  static Response failure(ErrorKind kind, std::string text) { return {false, kind, std::move(text), {}}; }
};

// Every field and the error text are made safe first: control characters
// (tabs and newlines among them) are removed, so they cannot break the
// framing. An empty field is sent as "-".
std::string format_response(const Response& response);

// Takes a response from the front of `text`: the response once complete,
// nothing yet while it is incomplete, or what is wrong with it.
struct Incomplete {};
std::variant<Response, Incomplete, std::string> parse_response(std::string_view text);

}  // namespace parley::proto::control
