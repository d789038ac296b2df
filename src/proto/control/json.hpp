// JSON output for parleyctl --json: strings escaped by RFC 8259 (invalid
// UTF-8 becomes U+FFFD, so the output is always valid), objects and arrays
// put together from already-encoded values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace parley::proto::control {

// A JSON string literal, quotes included (core::json_string).
std::string json_string(std::string_view text);

class JsonObject {
 public:
  JsonObject& add(std::string_view key, std::string_view value);
  JsonObject& add(std::string_view key, const char* value) { return add(key, std::string_view(value)); }
  JsonObject& add(std::string_view key, std::int64_t value);
  JsonObject& add(std::string_view key, bool value);
  JsonObject& add_null(std::string_view key);
  // `json` is an encoded value (an object, an array).
  JsonObject& add_raw(std::string_view key, std::string_view json);
  std::string str() const { return "{" + body_ + "}"; }

 private:
  void key(std::string_view k);
  std::string body_;
};

// `elements` are encoded values.
std::string json_array(const std::vector<std::string>& elements);

}  // namespace parley::proto::control
