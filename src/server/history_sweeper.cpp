#include "server/history_sweeper.hpp"

#include <spdlog/spdlog.h>

namespace parley::server {

void HistorySweeper::start() { sweep(); }

void HistorySweeper::stop() { timer_.cancel(); }

void HistorySweeper::sweep() {
  chat_.sweep_history([](store::Result<store::SweepStats> r) {
    if (!r.ok()) return spdlog::error("history sweep failed: {}", r.error());
    const auto& s = r.value();
    if (s.private_messages + s.room_messages > 0)
      spdlog::info("history sweep removed private={} room={}", s.private_messages, s.room_messages);
  });
  timer_.expires_after(interval_);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) sweep();
  });
}

}  // namespace parley::server
