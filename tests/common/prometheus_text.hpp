// A strict reader of the Prometheus text exposition format 0.0.4, for tests:
// it refuses anything the format does not allow (bad names, bad escapes,
// samples outside their family, a family split in two, repeated series,
// histograms whose buckets do not add up) and returns every sample.
#pragma once

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parley::test {

struct PromSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct PromFamily {
  std::string type;  // counter, gauge, histogram, summary, untyped
  std::string help;
  std::vector<PromSample> samples;
};

struct PromText {
  std::map<std::string, PromFamily> families;
  // The value of the series `name` with exactly `labels`; nullopt if absent.
  std::optional<double> value(const std::string& name, const std::map<std::string, std::string>& labels = {}) const {
    for (const auto& [family_name, family] : families)
      for (const auto& s : family.samples)
        if (s.name == name && s.labels == labels) return s.value;
    return std::nullopt;
  }
};

class PromError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace prom_detail {

inline bool name_start(char c, bool colon) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (colon && c == ':');
}
inline bool name_char(char c, bool colon) {
  return name_start(c, colon) || std::isdigit(static_cast<unsigned char>(c));
}

inline bool valid_name(std::string_view s, bool colon) {
  if (s.empty() || !name_start(s[0], colon)) return false;
  return std::all_of(s.begin(), s.end(), [colon](char c) { return name_char(c, colon); });
}

// Go's ParseFloat as the format uses it: decimal or exponent notation, or
// +Inf, -Inf, NaN.
inline std::optional<double> parse_value(std::string_view s) {
  if (s == "+Inf" || s == "Inf") return HUGE_VAL;
  if (s == "-Inf") return -HUGE_VAL;
  if (s == "NaN") return std::nan("");
  if (s.empty()) return std::nullopt;
  std::string_view body = s[0] == '+' ? s.substr(1) : s;
  double out = 0;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), out);
  if (ec != std::errc() || end != body.data() + body.size()) return std::nullopt;
  return out;
}

inline std::string family_of(const std::string& sample, const std::map<std::string, PromFamily>& families,
                             const std::string& current) {
  if (current.empty()) return sample;
  const auto& type = families.at(current).type;
  if (sample == current) return current;
  if (type == "histogram" &&
      (sample == current + "_bucket" || sample == current + "_sum" || sample == current + "_count"))
    return current;
  if (type == "summary" && (sample == current + "_sum" || sample == current + "_count")) return current;
  return sample;
}

}  // namespace prom_detail

inline PromText parse_prometheus_text(std::string_view text) {
  using namespace prom_detail;
  PromText out;
  if (!text.empty() && text.back() != '\n') throw PromError("the text does not end with a newline");
  std::string current;  // the family samples now belong to
  std::set<std::string> closed;
  std::set<std::pair<std::string, std::map<std::string, std::string>>> seen;
  std::set<std::string> helped;
  int number = 0;
  auto fail = [&number](const std::string& why) { throw PromError("line " + std::to_string(number) + ": " + why); };
  auto enter = [&](const std::string& family) {
    if (family == current) return;
    if (closed.count(family)) fail("family " + family + " appears twice");
    if (!current.empty()) closed.insert(current);
    current = family;
  };
  while (!text.empty()) {
    ++number;
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::string_view rest = line.substr(1);
      bool help = rest.substr(0, 6) == " HELP ";
      bool type = rest.substr(0, 6) == " TYPE ";
      if (!help && !type) continue;  // a comment
      rest.remove_prefix(6);
      auto space = rest.find(' ');
      std::string name(rest.substr(0, space));
      if (!valid_name(name, true)) fail("bad metric name '" + name + "'");
      std::string_view arg = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
      enter(name);
      auto& family = out.families[name];
      if (help) {
        if (!helped.insert(name).second) fail("second HELP for " + name);
        std::string h;
        for (std::size_t i = 0; i < arg.size(); ++i) {
          if (arg[i] != '\\') {
            h += arg[i];
            continue;
          }
          if (++i == arg.size()) fail("HELP ends in a backslash");
          if (arg[i] == 'n')
            h += '\n';
          else if (arg[i] == '\\')
            h += '\\';
          else
            fail("bad escape in HELP");
        }
        family.help = h;
      } else {
        static const std::set<std::string_view> types{"counter", "gauge", "histogram", "summary", "untyped"};
        if (!types.count(arg)) fail("bad TYPE '" + std::string(arg) + "'");
        if (!family.type.empty()) fail("second TYPE for " + name);
        if (!family.samples.empty()) fail("TYPE after samples of " + name);
        family.type = std::string(arg);
      }
      continue;
    }
    PromSample s;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    s.name = std::string(line.substr(0, i));
    if (!valid_name(s.name, true)) fail("bad metric name '" + s.name + "'");
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        auto eq = line.find('=', i);
        if (eq == std::string_view::npos) fail("label without '='");
        std::string key(line.substr(i, eq - i));
        if (!valid_name(key, false) || key.substr(0, 2) == "__") fail("bad label name '" + key + "'");
        i = eq + 1;
        if (i >= line.size() || line[i] != '"') fail("label value not quoted");
        ++i;
        std::string value;
        for (;;) {
          if (i >= line.size()) fail("unterminated label value");
          char c = line[i++];
          if (c == '"') break;
          if (c != '\\') {
            value += c;
            continue;
          }
          if (i >= line.size()) fail("unterminated escape");
          char e = line[i++];
          if (e == 'n')
            value += '\n';
          else if (e == '\\' || e == '"')
            value += e;
          else
            fail("bad escape in a label value");
        }
        if (!s.labels.emplace(key, value).second) fail("label " + key + " repeated");
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size()) fail("unterminated label set");
      ++i;  // '}'
    }
    if (i >= line.size() || line[i] != ' ') fail("no value");
    std::string_view rest = line.substr(i + 1);
    auto space = rest.find(' ');
    auto value = parse_value(rest.substr(0, space));
    if (!value) fail("bad value '" + std::string(rest.substr(0, space)) + "'");
    if (space != std::string_view::npos) {
      auto stamp = rest.substr(space + 1);
      if (stamp.empty() || !std::all_of(stamp.begin() + (stamp[0] == '-' ? 1 : 0), stamp.end(),
                                        [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        fail("bad timestamp");
    }
    s.value = *value;
    auto family_name = family_of(s.name, out.families, current);
    enter(family_name);
    auto& family = out.families[family_name];
    if (family.type.empty()) family.type = "untyped";
    if (family.type == "counter" && (s.value < 0 || std::isnan(s.value))) fail("negative counter " + s.name);
    if (family.type == "histogram" && s.name == family_name) fail("histogram sample without suffix");
    if ((s.name.size() > 7 && s.name.substr(s.name.size() - 7) == "_bucket") != (s.labels.count("le") == 1) &&
        family.type == "histogram")
      fail("a bucket needs 'le' and only buckets have it");
    if (!seen.emplace(s.name, s.labels).second) fail("series repeated: " + s.name);
    family.samples.push_back(std::move(s));
  }
  // Histograms: cumulative buckets ending in +Inf, which equals _count.
  for (const auto& [name, family] : out.families) {
    if (family.type != "histogram") continue;
    double last = 0;
    std::optional<double> inf, count;
    double last_bound = -HUGE_VAL;
    for (const auto& s : family.samples) {
      if (s.name == name + "_bucket") {
        auto bound = parse_value(s.labels.at("le"));
        if (!bound) throw PromError(name + ": bad le");
        if (*bound <= last_bound) throw PromError(name + ": buckets out of order");
        last_bound = *bound;
        if (s.value < last) throw PromError(name + ": buckets not cumulative");
        last = s.value;
        if (std::isinf(*bound)) inf = s.value;
      } else if (s.name == name + "_count") {
        count = s.value;
      }
    }
    if (!inf) throw PromError(name + ": no +Inf bucket");
    if (!count || *count != *inf) throw PromError(name + ": _count differs from the +Inf bucket");
  }
  return out;
}

}  // namespace parley::test
