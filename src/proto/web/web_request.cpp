#include "proto/web/web_request.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/value.hpp>

namespace parley::proto::web {

namespace json = boost::json;

std::variant<Request, BadRequest> parse_request(std::string_view line) {
  json::parse_options options;
  options.max_depth = 8;  // requests are flat; deep nesting is only an attack on the stack
  boost::system::error_code ec;
  json::value v = json::parse(line, ec, {}, options);
  if (ec) return BadRequest{"bad_json", "Not JSON: " + ec.message(), {}};
  auto* object = v.if_object();
  if (!object) return BadRequest{"bad_json", "A request is a JSON object", {}};
  Request r;
  if (auto* ref = object->if_contains("ref")) {
    auto* s = ref->if_string();
    if (!s || s->size() > kRefMax) return BadRequest{"bad_request", "\"ref\" must be a string of at most 64 bytes", {}};
    r.ref = std::string(*s);
  }
  auto* type = object->if_contains("type");
  if (!type || !type->is_string()) return BadRequest{"bad_request", "A request needs a \"type\"", r.ref};
  r.type = std::string(type->get_string());
  r.fields = std::move(*object);
  return r;
}

namespace {
FieldError wrong(std::string_view name, std::string_view what) {
  return FieldError("\"" + std::string(name) + "\" must be " + std::string(what));
}
}  // namespace

std::string_view need_text(const Request& r, std::string_view name) {
  auto v = maybe_text(r, name);
  if (!v) throw FieldError("\"" + std::string(name) + "\" is missing");
  return *v;
}

std::optional<std::string_view> maybe_text(const Request& r, std::string_view name) {
  auto* v = r.fields.if_contains(name);
  if (!v || v->is_null()) return std::nullopt;
  auto* s = v->if_string();
  if (!s) throw wrong(name, "a string");
  return std::string_view(*s);
}

std::optional<std::int64_t> maybe_number(const Request& r, std::string_view name) {
  auto* v = r.fields.if_contains(name);
  if (!v || v->is_null()) return std::nullopt;
  if (auto* i = v->if_int64()) return *i;
  if (auto* u = v->if_uint64(); u && *u <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(*u);
  throw wrong(name, "an integer");
}

std::optional<bool> maybe_flag(const Request& r, std::string_view name) {
  auto* v = r.fields.if_contains(name);
  if (!v || v->is_null()) return std::nullopt;
  if (auto* b = v->if_bool()) return *b;
  throw wrong(name, "true or false");
}

std::optional<std::vector<std::string>> maybe_texts(const Request& r, std::string_view name, std::size_t max) {
  auto* v = r.fields.if_contains(name);
  if (!v || v->is_null()) return std::nullopt;
  auto* a = v->if_array();
  if (!a) throw wrong(name, "an array of names");
  if (a->size() > max) throw wrong(name, "at most " + std::to_string(max) + " names");
  std::vector<std::string> out;
  out.reserve(a->size());
  for (const auto& item : *a) {
    auto* s = item.if_string();
    if (!s) throw wrong(name, "an array of names");
    out.emplace_back(*s);
  }
  return out;
}

}  // namespace parley::proto::web
