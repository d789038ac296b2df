// Reading the web protocol's requests: one JSON object per line, with a
// "type" and an optional "ref" (docs/WEB.md). Parsed with Boost.JSON,
// bounded in depth; typed field access that names what is wrong.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace parley::proto::web {

inline constexpr std::size_t kRefMax = 64;  // bytes

struct Request {
  std::string type;
  std::string ref;
  boost::json::object fields;
};

// Why a line is not a request; `ref` when one could still be read.
struct BadRequest {
  std::string code;  // "bad_json" or "bad_request"
  std::string text;
  std::string ref;
};

std::variant<Request, BadRequest> parse_request(std::string_view line);

// A field missing or of the wrong type: the request gets bad_request.
class FieldError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Required and optional fields of each type; throw FieldError.
std::string_view need_text(const Request& r, std::string_view name);
std::optional<std::string_view> maybe_text(const Request& r, std::string_view name);
std::optional<std::int64_t> maybe_number(const Request& r, std::string_view name);
std::optional<bool> maybe_flag(const Request& r, std::string_view name);
// An array of strings, at most `max` of them.
std::optional<std::vector<std::string>> maybe_texts(const Request& r, std::string_view name, std::size_t max);

}  // namespace parley::proto::web
