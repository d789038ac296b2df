#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace parley_load {

namespace {

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    auto ch = static_cast<unsigned char>(c);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (ch < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", ch);
          out += buf;
        } else {
          out.push_back(static_cast<char>(ch));
        }
    }
  }
  return out;
}

// 1234567 -> "1,234,567"
std::string grouped(std::int64_t v) {
  auto digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return v < 0 ? "-" + out : out;
}

std::string human_value(const Figure& f) {
  return std::visit(
      [&](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return "n/a";
        } else if constexpr (std::is_same_v<T, bool>) {
          return v ? "yes" : "no";
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return grouped(v);
        } else if constexpr (std::is_same_v<T, double>) {
          if (!std::isfinite(v)) return "n/a";
          if (std::fabs(v) >= 1000) return grouped(std::llround(v));
          char buf[64];
          std::snprintf(buf, sizeof buf, "%.*f", f.decimals, v);
          return buf;
        } else {
          return v;
        }
      },
      f.value);
}

std::string json_value(const Figure& f) {
  return std::visit(
      [&](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return "null";
        } else if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return std::to_string(v);
        } else if constexpr (std::is_same_v<T, double>) {
          if (!std::isfinite(v)) return "null";
          char buf[64];
          std::snprintf(buf, sizeof buf, "%.*f", std::max(f.decimals, 3), v);
          return buf;
        } else {
          return "\"" + escape(v) + "\"";
        }
      },
      f.value);
}

}  // namespace

Section& Section::add(std::string k, std::string label, Value value, std::string unit, int decimals) {
  figures.push_back(Figure{std::move(k), std::move(label), std::move(value), std::move(unit), decimals});
  return *this;
}

Section& Section::count(std::string k, std::string label, std::uint64_t value, std::string unit) {
  return add(std::move(k), std::move(label), static_cast<std::int64_t>(value), std::move(unit));
}

Section& Report::section(const std::string& key, const std::string& title) {
  for (auto& s : sections_)
    if (s.key == key) return s;
  sections_.push_back(Section{key, title, {}});
  return sections_.back();
}

void Report::latency(const std::string& key, const std::string& title, const Histogram& h) {
  auto& s = section(key, title);
  auto us = [](std::int64_t ns) { return static_cast<double>(ns) / 1000.0; };
  s.count("count", "samples", h.count());
  if (h.count() == 0) return;
  s.add("p50", "p50", us(h.percentile(50)), "µs", 1);
  s.add("p90", "p90", us(h.percentile(90)), "µs", 1);
  s.add("p99", "p99", us(h.percentile(99)), "µs", 1);
  s.add("p999", "p99.9", us(h.percentile(99.9)), "µs", 1);
  s.add("max", "max", us(h.max()), "µs", 1);
  s.add("mean", "mean", h.mean() / 1000.0, "µs", 1);
}

std::string Report::human() const {
  std::ostringstream out;
  for (auto& s : sections_) {
    out << s.title << "\n";
    for (auto& f : s.figures) {
      std::string label = "  " + f.label + " ";
      if (label.size() < 40) label.append(40 - label.size(), '.');
      out << label << " " << human_value(f);
      if (!f.unit.empty()) out << " " << f.unit;
      out << "\n";
    }
  }
  for (auto& n : notes_) out << "note: " << n << "\n";
  return out.str();
}

std::string Report::json() const {
  std::ostringstream out;
  out << "{\n  \"tool\": \"parley_load\"";
  for (auto& s : sections_) {
    out << ",\n  \"" << escape(s.key) << "\": {";
    bool first = true;
    for (auto& f : s.figures) {
      out << (first ? "\n" : ",\n") << "    \"" << escape(f.key) << "\": " << json_value(f);
      first = false;
    }
    out << (first ? "}" : "\n  }");
  }
  out << ",\n  \"notes\": [";
  for (std::size_t i = 0; i < notes_.size(); ++i) out << (i ? ", " : "") << "\"" << escape(notes_[i]) << "\"";
  out << "]\n}\n";
  return out.str();
}

}  // namespace parley_load
