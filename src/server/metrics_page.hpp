// parleyd's /metrics text: the counters summed over the threads, with the
// figures read at scrape time, in Prometheus text format. No I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "metrics/registry.hpp"
#include "server/process_figures.hpp"

namespace parley::server {

struct ScrapeFigures {
  std::string version;
  std::int64_t login_queue_waiting = 0;
  std::optional<std::int64_t> stored_messages;  // nullopt: the store did not answer
  std::optional<ProcessFigures> process;        // nullopt: /proc unreadable
};

std::string metrics_page(const metrics::Snapshot& counters, const ScrapeFigures& scrape);

}  // namespace parley::server
