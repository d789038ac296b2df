// Retention: at start and every few minutes, the chat rules drop the
// history the `history-days` setting no longer keeps.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include "core/chat_service.hpp"

namespace parley::server {

class HistorySweeper {
 public:
  HistorySweeper(boost::asio::io_context& io, core::ChatService& chat,
                 std::chrono::steady_clock::duration interval = std::chrono::minutes(10))
      : timer_(io), chat_(chat), interval_(interval) {}
  // Sweeps now, then every interval; on the io_context's thread.
  void start();
  void stop();

 private:
  void sweep();

  boost::asio::steady_timer timer_;
  core::ChatService& chat_;
  std::chrono::steady_clock::duration interval_;
};

}  // namespace parley::server
