// The top-level members of a JSON object from the server, as raw text:
// enough to tell one event from another and to take the benchmark text out
// of a message without building a document. Nested objects and arrays are
// skipped over; string values are given without their quotes and with their
// escapes left in (the benchmark's own texts have none).
#pragma once

#include <string_view>

namespace parley_load {

struct JsonMember {
  std::string_view key;
  std::string_view value;  // a string's contents, or the literal (number, true, {...})
  bool is_string = false;
};

// Calls on_member(const JsonMember&) for each member of the object in text;
// false when text is not one well-formed-looking object.
template <class F>
bool for_each_member(std::string_view text, F&& on_member);

namespace json_detail {

inline void skip_space(std::string_view t, std::size_t& i) {
  while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')) ++i;
}

// At the opening quote; leaves i after the closing one. Returns the contents.
inline bool take_string(std::string_view t, std::size_t& i, std::string_view& out) {
  if (i >= t.size() || t[i] != '"') return false;
  const std::size_t start = ++i;
  while (i < t.size()) {
    char c = t[i];
    if (c == '\\') {
      i += 2;
      continue;
    }
    if (c == '"') {
      out = t.substr(start, i - start);
      ++i;
      return true;
    }
    ++i;
  }
  return false;
}

// Skips a nested object or array, strings inside included.
inline bool skip_nested(std::string_view t, std::size_t& i) {
  int depth = 0;
  while (i < t.size()) {
    char c = t[i];
    if (c == '"') {
      std::string_view ignored;
      if (!take_string(t, i, ignored)) return false;
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') {
      if (--depth == 0) {
        ++i;
        return true;
      }
    }
    ++i;
  }
  return false;
}

}  // namespace json_detail

template <class F>
bool for_each_member(std::string_view t, F&& on_member) {
  using namespace json_detail;
  std::size_t i = 0;
  skip_space(t, i);
  if (i >= t.size() || t[i] != '{') return false;
  ++i;
  skip_space(t, i);
  if (i < t.size() && t[i] == '}') return true;
  while (i < t.size()) {
    JsonMember m;
    skip_space(t, i);
    if (!take_string(t, i, m.key)) return false;
    skip_space(t, i);
    if (i >= t.size() || t[i] != ':') return false;
    ++i;
    skip_space(t, i);
    if (i >= t.size()) return false;
    const std::size_t start = i;
    if (t[i] == '"') {
      if (!take_string(t, i, m.value)) return false;
      m.is_string = true;
    } else if (t[i] == '{' || t[i] == '[') {
      if (!skip_nested(t, i)) return false;
      m.value = t.substr(start, i - start);
    } else {
      while (i < t.size() && t[i] != ',' && t[i] != '}' && t[i] != ' ') ++i;
      m.value = t.substr(start, i - start);
    }
    on_member(m);
    skip_space(t, i);
    if (i >= t.size()) return false;
    if (t[i] == '}') return true;
    if (t[i] != ',') return false;
    ++i;
  }
  return false;
}

}  // namespace parley_load
