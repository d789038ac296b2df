#include "metrics/exposition.hpp"

#include <charconv>
#include <cmath>

namespace parley::metrics {

namespace {

const char* type_name(Type type) {
  switch (type) {
    case Type::counter:
      return "counter";
    case Type::gauge:
      return "gauge";
    case Type::histogram:
      return "histogram";
  }
  return "untyped";
}

void append_escaped(std::string& out, std::string_view text, bool quotes) {
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '"' && quotes)
      out += "\\\"";
    else
      out += c;
  }
}

}  // namespace

std::string format_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) return std::to_string(static_cast<std::int64_t>(value));
  char buffer[32];
  // The shortest text that reads back as the same number; plain decimals
  // where they stay short.
  auto magnitude = std::fabs(value);
  auto format = magnitude >= 1e-6 && magnitude < 1e15 ? std::chars_format::fixed : std::chars_format::general;
  auto end = std::to_chars(buffer, buffer + sizeof buffer, value, format).ptr;
  return std::string(buffer, end);
}

void TextWriter::family(std::string_view name, Type type, std::string_view help) {
  text_ += "# HELP ";
  text_ += name;
  text_ += ' ';
  append_escaped(text_, help, false);
  text_ += "\n# TYPE ";
  text_ += name;
  text_ += ' ';
  text_ += type_name(type);
  text_ += '\n';
}

void TextWriter::head(std::string_view name, const Labels& labels) {
  text_ += name;
  if (labels.empty()) return;
  text_ += '{';
  bool first = true;
  for (const auto& [key, value] : labels) {
    if (!first) text_ += ',';
    first = false;
    text_ += key;
    text_ += "=\"";
    append_escaped(text_, value, true);
    text_ += '"';
  }
  text_ += '}';
}

void TextWriter::sample(std::string_view name, const Labels& labels, double value) {
  head(name, labels);
  text_ += ' ';
  text_ += format_number(value);
  text_ += '\n';
}

void TextWriter::sample(std::string_view name, const Labels& labels, std::int64_t value) {
  head(name, labels);
  text_ += ' ';
  text_ += std::to_string(value);
  text_ += '\n';
}

void TextWriter::histogram(std::string_view name, const std::vector<double>& bounds,
                           const std::vector<std::int64_t>& counts, double sum) {
  std::string base(name);
  std::int64_t cumulative = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    cumulative += counts[i];
    std::string le = i < bounds.size() ? format_number(bounds[i]) : "+Inf";
    sample(base + "_bucket", {{"le", le}}, cumulative);
  }
  sample(base + "_sum", {}, sum);
  sample(base + "_count", {}, cumulative);
}

}  // namespace parley::metrics
