// Writing the web protocol's JSON objects by appending to one string: no
// tree, no allocation per field. Strings are escaped by core's JSON escaper,
// so any bytes a user sent stay one valid JSON string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace parley::proto::web {

class JsonWriter {
 public:
  // An object whose first field is "type".
  explicit JsonWriter(std::string_view type);
  // An object without a type: a value inside an event.
  JsonWriter() : out_("{") {}

  JsonWriter& text(std::string_view name, std::string_view value);
  JsonWriter& number(std::string_view name, std::int64_t value);
  JsonWriter& flag(std::string_view name, bool value);
  // A value that is JSON already (an object or an array written here).
  JsonWriter& raw(std::string_view name, std::string_view json);
  // "ref" when there is one: the request's own, echoed.
  JsonWriter& ref(std::string_view value);

  // The object, closed.
  std::string object() &&;
  // The object as one line of the protocol.
  std::string line() &&;

 private:
  void key(std::string_view name);
  std::string out_;
};

// A JSON array of already written values.
class JsonArray {
 public:
  JsonArray() : out_("[") {}
  void add(std::string_view json);
  void add_text(std::string_view value);
  std::string close() &&;

 private:
  std::string out_;
};

}  // namespace parley::proto::web
