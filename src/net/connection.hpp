// One client connection: a transport, line framing and a bounded outbound
// queue, driven by readiness on the owning worker thread. It hands lines to
// its handler (the session) and writes what was queued during one pass of
// the event loop in one gathered write. All members run on that thread.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "net/line_framer.hpp"
#include "net/outbound_queue.hpp"
#include "net/transport.hpp"

namespace parley::net {

class Worker;

struct ConnectionLimits {
  std::size_t max_line = 8192;             // bytes, without the line ending
  std::size_t max_queue_bytes = 1u << 20;  // outbound bytes waiting for a slow reader
  int reads_per_pass = 4;                  // then other connections get their turn
};

// What a connection reports to; lives as long as its shared_ptr owner.
class ConnectionHandler : public std::enable_shared_from_this<ConnectionHandler> {
 public:
  virtual ~ConnectionHandler() = default;
  // One line, without its ending; the view is valid during the call only.
  virtual void on_line(std::string_view line) = 0;
  // A line over the limit was discarded.
  virtual void on_line_too_long() = 0;
  // The peer sent its last byte, and every line before it was handled.
  virtual void on_input_end() = 0;
  // The deadline set with Connection::set_deadline() has passed.
  virtual void on_deadline() = 0;
  // The connection is closing: called at once, from inside whatever closed
  // it, so it must only drop state (say, leave the chat), never call back.
  virtual void on_closing() {}
  // The connection closed; called once, never from inside another call.
  virtual void on_closed() = 0;
  // The server is stopping.
  virtual void on_shutdown() = 0;
  // The server's settings were reloaded; on the connection's thread.
  virtual void on_reconfigure() {}
};

class Connection final : TransportEvents {
 public:
  using Clock = std::chrono::steady_clock;

  Connection(std::unique_ptr<Transport> transport, ConnectionHandler& handler, Worker& worker,
             const ConnectionLimits& limits);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Joins the worker's list and starts reading; the handler must already be
  // owned by a shared_ptr.
  void start();

  // Replies the peer may leave unread before its lines wait (half of
  // max_queue_bytes unless set; a peer not yet trusted gets less).
  void limit_unread_replies(std::size_t bytes) { unread_limit_ = std::min(bytes, limits_.max_queue_bytes / 2); }

  // Input: no lines are handed out between pause() and resume().
  void pause() { paused_ = true; }
  void resume();
  // From inside on_line(): pause, and hand the same line again after resume().
  void hand_again(std::string_view line);

  // A message from someone else. Past the queue bound the reader is too slow:
  // the connection is closed instead and false returned.
  bool send(std::shared_ptr<const std::string> bytes);
  // A reply to the peer's own line. Not cut off: while the peer leaves half
  // the bound unread, its lines are not read either.
  void reply(std::string_view text);
  // Calls `done(true)` once everything queued so far is written, or
  // `done(false)` when the connection closes first. One waiter at a time.
  void when_drained(std::function<void(bool)> done);
  // Writes what is queued, then closes; a peer that stops reading is cut
  // after `linger` all the same.
  void close_after_flush(std::chrono::milliseconds linger);
  void close();

  void set_deadline(Clock::time_point when) { deadline_ = when; }
  Clock::time_point deadline() const { return deadline_; }
  bool is_open() const { return !closed_; }
  bool closing() const { return closing_ || closed_; }
  bool cut_off_slow() const { return cut_off_slow_; }
  // Closed for an error: the transport failed (a TLS error, say; not the
  // peer's reset) or the handler threw.
  bool failed() const { return failed_; }
  std::size_t queued_bytes() const { return queue_.queued_bytes(); }
  std::string peer_address() const { return transport_->peer_address(); }
  std::string peer() const { return transport_->peer(); }
  bool encrypted() const { return transport_->encrypted(); }
  Worker& worker() { return worker_; }
  const Worker& worker() const { return worker_; }

  // For the worker: what keeps the connection alive, the end-of-pass write
  // and the deadline sweep.
  std::shared_ptr<void> owner() { return handler_.shared_from_this(); }
  ConnectionHandler& owner_handler() { return handler_; }
  void flush();
  void on_deadline(Clock::time_point now);

 private:
  friend class Worker;

  void on_readable() override;
  void on_writable() override;
  void on_transport_error() override { fail(); }
  void fail();

  void read_pass();
  void post_read_pass();
  // Hands out lines from `input`; when stopped early, keeps the rest in stash_.
  void hand_out(std::string_view input);
  void arm_read();
  void arm_write();
  void schedule_flush();
  void after_write();

  std::unique_ptr<Transport> transport_;
  ConnectionHandler& handler_;
  Worker& worker_;
  const ConnectionLimits& limits_;
  LineFramer framer_;
  OutboundQueue queue_;
  std::string stash_;  // input read but not yet handed out
  struct Drain {
    std::function<void(bool)> done;
    std::size_t left = 0;  // bytes still to write
  };
  std::unique_ptr<Drain> drain_;  // rare: only while someone waits
  Clock::time_point deadline_ = Clock::time_point::max();
  Connection* list_prev_ = nullptr;  // the worker's list
  Connection* list_next_ = nullptr;
  bool counted_ = false;  // in the worker's count of live connections
  bool hand_again_ = false;
  bool paused_ = false;
  bool backlogged_ = false;   // paused until the peer reads its replies
  std::size_t unread_limit_;  // queued bytes at which reading stops
  bool read_wait_ = false;
  bool read_posted_ = false;
  bool write_wait_ = false;
  bool flush_scheduled_ = false;
  bool input_ended_ = false;
  bool closing_ = false;
  bool closed_ = false;
  bool cut_off_slow_ = false;
  bool failed_ = false;
};

}  // namespace parley::net
