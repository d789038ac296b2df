// One client socket: bounded line input and a bounded outbound queue drained
// by a single writer with gathered writes. All members run on the
// connection's own executor (one io_context thread); other threads post.
#pragma once

#include <array>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

#include "net/line_framer.hpp"

namespace parley::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct ConnectionLimits {
  std::size_t max_line = 8192;             // bytes, without the line ending
  std::size_t max_queue_bytes = 1u << 20;  // outbound bytes waiting for a slow reader
  std::size_t max_gather = 64;             // buffers in one write
};

enum class ReadStatus { line, too_long, closed };
struct ReadResult {
  ReadStatus status = ReadStatus::closed;
  std::string line;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, ConnectionLimits limits);
  ~Connection();

  // Starts the writer; call once, on the connection's executor.
  void start();
  asio::any_io_executor executor() { return socket_.get_executor(); }
  const std::string& peer_address() const { return peer_address_; }
  const std::string& peer() const { return peer_; }

  asio::awaitable<ReadResult> read_line();

  // Queues bytes from other users for the writer. When the queue would pass
  // its bound the reader is too slow: the connection is closed instead and
  // false returned.
  bool send(std::shared_ptr<const std::string> bytes);
  // Queues a reply to this peer's own request. Replies are not cut off:
  // they are bounded by the caller waiting for drain() before reading more.
  bool reply(std::string_view text);
  // True when the caller should drain() before producing more replies.
  bool backlogged() const { return queued_bytes_ >= limits_.max_queue_bytes / 2; }
  // Waits until everything queued so far is written; false when the
  // connection closed first.
  asio::awaitable<bool> drain();
  // Writes what is queued, then closes; a peer that stops reading is cut
  // after `linger` all the same.
  void close_after_flush(std::chrono::seconds linger = std::chrono::seconds(10));
  // Closes now; queued bytes are dropped.
  void close();
  bool is_open() const { return !closed_; }
  bool cut_off_slow() const { return cut_off_slow_; }
  std::size_t queued_bytes() const { return queued_bytes_; }

 private:
  asio::awaitable<void> write_loop();
  void enqueue(std::shared_ptr<const std::string> bytes);
  void wake_all();

  tcp::socket socket_;
  ConnectionLimits limits_;
  std::string peer_address_;
  std::string peer_;
  LineFramer framer_;
  std::array<char, 4096> read_buffer_{};

  std::deque<std::shared_ptr<const std::string>> queue_;
  std::size_t queued_bytes_ = 0;
  std::uint64_t enqueued_total_ = 0;
  std::uint64_t written_total_ = 0;
  asio::steady_timer writer_wake_;  // never expires; cancelled to wake the writer
  asio::steady_timer drained_;      // likewise, for drain() waiters
  asio::steady_timer linger_;       // bounds close_after_flush()
  bool closing_ = false;
  bool closed_ = false;
  bool cut_off_slow_ = false;
};

}  // namespace parley::net
