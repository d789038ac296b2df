// The server's own figures, read from its Prometheus text page over plain
// HTTP (parleyd --metrics ADDR:PORT): what the server counted, next to what
// the load generator measured.
#pragma once

#include <netinet/in.h>

#include <optional>
#include <string>
#include <string_view>

namespace parley_load {

// "A.B.C.D:PORT"; nullopt when it is not one.
std::optional<sockaddr_in> parse_address(std::string_view text);

struct Scrape {
  std::string body;   // the page, when ok
  std::string error;  // why not, otherwise
  bool ok() const { return error.empty(); }
};

// GET /metrics, waiting at most timeout_s for the whole answer.
Scrape scrape_metrics(const sockaddr_in& where, double timeout_s);

// The sum of every sample named `name` whose labels contain `labels`
// (e.g. kind="room"; empty: every label set); nullopt when there is none.
std::optional<double> metric_sum(std::string_view page, std::string_view name, std::string_view labels = {});

}  // namespace parley_load
