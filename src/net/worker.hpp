// What one worker thread shares among its connections: the io_context, a
// read buffer (so an idle connection keeps none), the list of connections
// whose output waits for the end of this pass, and a coarse deadline sweep
// that replaces per-connection timers.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "core/message.hpp"
#include "net/poller.hpp"

namespace parley::net {

namespace asio = boost::asio;
class Connection;

class Worker {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kSweepInterval{250};
  static constexpr std::size_t kReadBufferSize = 64 * 1024;

  Worker(asio::io_context& context, std::size_t index);
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // The worker of the calling thread, or null off the worker threads.
  static Worker* current();

  asio::io_context& context() { return context_; }
  Poller& poller() { return poller_; }
  std::size_t index() const { return index_; }
  std::array<char, kReadBufferSize>& read_buffer() { return read_buffer_; }

  // Writes `c`'s output once the handlers queued in this pass have run.
  void schedule_flush(Connection& c);
  // Hands `envelope` to a participant of worker `to` at the end of this
  // pass, in one task per destination worker with everything for it.
  void deliver_elsewhere(std::size_t to, std::shared_ptr<core::Participant> participant, core::EnvelopePtr envelope);
  void set_peers(std::vector<Worker*> peers);
  void attach(Connection& c);
  void detach(Connection& c);
  // Connections not yet fully ended: still open, or closed with their
  // handler's on_closed() still to run.
  std::size_t connections() const { return live_; }
  void ended() { --live_; }
  // Calls `f` on every attached connection (on this thread).
  void for_each(const std::function<void(Connection&)>& f);
  // On the worker's thread, before its io_context runs.
  void start();

 private:
  void make_current();
  void end_pass();
  void schedule_end_of_pass();
  void start_sweep();
  void sweep();

  asio::io_context& context_;
  Poller poller_;
  std::size_t index_;
  std::array<char, kReadBufferSize> read_buffer_{};
  std::vector<std::shared_ptr<void>> flush_owners_;
  std::vector<Connection*> flush_list_;
  bool pass_end_posted_ = false;
  using Delivery = std::pair<std::shared_ptr<core::Participant>, core::EnvelopePtr>;
  std::vector<Worker*> peers_;
  std::vector<std::vector<Delivery>> outbox_;  // by destination worker
  Connection* head_ = nullptr;                 // intrusive list of attached connections
  std::size_t live_ = 0;
  asio::steady_timer sweep_timer_;
};

}  // namespace parley::net
