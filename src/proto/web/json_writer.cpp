#include "proto/web/json_writer.hpp"

#include <fmt/format.h>

#include "core/json_string.hpp"

namespace parley::proto::web {

JsonWriter::JsonWriter(std::string_view type) {
  out_.reserve(128);
  out_ = "{\"type\":\"";
  core::append_json_escaped(out_, type);
  out_ += '"';
}

void JsonWriter::key(std::string_view name) {
  if (out_.size() > 1) out_ += ',';
  out_ += '"';
  out_ += name;  // our own field names: never need escaping
  out_ += "\":";
}

JsonWriter& JsonWriter::text(std::string_view name, std::string_view value) {
  key(name);
  out_ += '"';
  core::append_json_escaped(out_, value);
  out_ += '"';
  return *this;
}

JsonWriter& JsonWriter::number(std::string_view name, std::int64_t value) {
  key(name);
  fmt::format_to(std::back_inserter(out_), "{}", value);
  return *this;
}

JsonWriter& JsonWriter::flag(std::string_view name, bool value) {
  key(name);
  out_ += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view name, std::string_view json) {
  key(name);
  out_ += json;
  return *this;
}

JsonWriter& JsonWriter::ref(std::string_view value) {
  if (!value.empty()) text("ref", value);
  return *this;
}

std::string JsonWriter::object() && {
  out_ += '}';
  return std::move(out_);
}

std::string JsonWriter::line() && {
  out_ += "}\n";
  return std::move(out_);
}

void JsonArray::add(std::string_view json) {
  if (out_.size() > 1) out_ += ',';
  out_ += json;
}

void JsonArray::add_text(std::string_view value) {
  if (out_.size() > 1) out_ += ',';
  out_ += '"';
  core::append_json_escaped(out_, value);
  out_ += '"';
}

std::string JsonArray::close() && {
  out_ += ']';
  return std::move(out_);
}

}  // namespace parley::proto::web
