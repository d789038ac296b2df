// Prometheus text exposition format 0.0.4: a `# HELP` and `# TYPE` line per
// family, then its samples, `name{label="value",...} number`. Label values
// are escaped (backslash, double quote, newline); help text likewise
// (backslash, newline).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parley::metrics {

enum class Type { counter, gauge, histogram };

using Labels = std::vector<std::pair<std::string_view, std::string>>;

class TextWriter {
 public:
  // Starts a family; its samples follow. A counter's name ends in `_total`.
  void family(std::string_view name, Type type, std::string_view help);
  void sample(std::string_view name, const Labels& labels, double value);
  void sample(std::string_view name, const Labels& labels, std::int64_t value);
  void sample(std::string_view name, std::int64_t value) { sample(name, {}, value); }
  // A histogram's samples from its finite upper bounds, its per-bucket counts
  // (not cumulative; one more than the bounds, the last for +Inf) and sum.
  void histogram(std::string_view name, const std::vector<double>& bounds, const std::vector<std::int64_t>& counts,
                 double sum);

  const std::string& text() const { return text_; }
  std::string take() { return std::move(text_); }

 private:
  void head(std::string_view name, const Labels& labels);
  std::string text_;
};

// A number as the format writes it: integers without a point, +Inf, -Inf, NaN.
std::string format_number(double value);

}  // namespace parley::metrics
