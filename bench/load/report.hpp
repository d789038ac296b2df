// The figures of one run, in sections: printed for people and written as JSON.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "histogram.hpp"

namespace parley_load {

using Value = std::variant<std::monostate, bool, std::int64_t, double, std::string>;

struct Figure {
  std::string key;    // JSON name
  std::string label;  // human name
  Value value;
  std::string unit;
  int decimals = 0;
};

struct Section {
  std::string key;
  std::string title;
  std::vector<Figure> figures;

  Section& add(std::string key, std::string label, Value value, std::string unit = "", int decimals = 0);
  Section& count(std::string key, std::string label, std::uint64_t value, std::string unit = "");
};

class Report {
 public:
  Section& section(const std::string& key, const std::string& title);
  // A latency section in microseconds: count, p50, p90, p99, p99.9, max, mean.
  void latency(const std::string& key, const std::string& title, const Histogram& h);
  void note(std::string text) { notes_.push_back(std::move(text)); }

  std::string human() const;
  std::string json() const;

 private:
  std::vector<Section> sections_;
  std::vector<std::string> notes_;
};

// Division that gives 0 instead of inf/NaN for an empty denominator.
inline double ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

}  // namespace parley_load
