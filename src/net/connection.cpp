#include "net/connection.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>

#include "metrics/registry.hpp"
#include "net/worker.hpp"

namespace parley::net {

namespace asio = boost::asio;
using metrics::Figure;

namespace {
constexpr std::size_t kGather = 64;
}

Connection::Connection(std::unique_ptr<Transport> transport, ConnectionHandler& handler, Worker& worker,
                       const ConnectionLimits& limits)
    : transport_(std::move(transport)),
      handler_(handler),
      worker_(worker),
      limits_(limits),
      framer_(limits.max_line),
      unread_limit_(limits.max_queue_bytes / 2) {}

void Connection::start() {
  worker_.attach(*this);
  counted_ = true;
  read_pass();
}

// --- input ----------------------------------------------------------------

void Connection::on_readable() {
  read_wait_ = false;
  read_pass();
}

void Connection::resume() {
  paused_ = false;
  post_read_pass();
}

void Connection::post_read_pass() {
  if (read_posted_ || closed_) return;
  read_posted_ = true;
  asio::post(worker_.context(), [this, keep = owner()] {
    read_posted_ = false;
    worker_.poller().refresh_pass_time();
    read_pass();
  });
}

void Connection::hand_again(std::string_view line) {
  paused_ = true;
  hand_again_ = true;
  stash_.assign(line).append("\n");
}

void Connection::read_pass() {
  if (closed_ || paused_ || backlogged_) return;
  if (!stash_.empty()) {
    std::string kept = std::move(stash_);
    stash_.clear();
    hand_out(kept);
    if (!stash_.empty() || paused_ || backlogged_ || closed_) return;
  }
  if (closing_) return;  // nothing more is read from a connection on its way out
  if (input_ended_) return handler_.on_input_end();
  auto& buffer = worker_.read_buffer();
  for (int reads = 0; reads < limits_.reads_per_pass; ++reads) {
    auto result = transport_->read(buffer);
    if (result.status == IoStatus::would_block) return arm_read();
    if (result.status == IoStatus::end) {
      input_ended_ = true;
      return handler_.on_input_end();
    }
    if (result.status == IoStatus::error) return fail();
    metrics::add(Figure::bytes_in, static_cast<std::int64_t>(result.bytes));
    hand_out(std::string_view(buffer.data(), result.bytes));
    if (!stash_.empty() || paused_ || backlogged_ || closing_ || closed_) return;
    if (result.drained) return arm_read();
  }
  post_read_pass();  // budget spent: let the others run first
}

void Connection::hand_out(std::string_view input) {
  std::string_view line;
  for (;;) {
    if (closed_ || closing_) return;
    if (paused_ || backlogged_) break;
    // A peer that leaves its replies unread is not served more of them.
    if (queue_.queued_bytes() >= unread_limit_) {
      backlogged_ = true;
      break;
    }
    auto status = framer_.next(input, line);
    if (status == LineFramer::Status::need_more) return;
    try {
      if (status == LineFramer::Status::line)
        handler_.on_line(line);
      else
        handler_.on_line_too_long();
    } catch (const std::exception& e) {
      // One connection's failure (say, out of memory) must not end the server.
      spdlog::error("session failed from={}: {}", peer(), e.what());
      return fail();
    }
    if (hand_again_) {
      hand_again_ = false;
      stash_.append(input);  // after the line put back
      return;
    }
  }
  stash_.assign(input);
}

void Connection::arm_read() {
  if (read_wait_ || closed_) return;
  read_wait_ = true;
  transport_->wait_readable(*this, owner());
}

// --- output ---------------------------------------------------------------

bool Connection::send(std::shared_ptr<const std::string> bytes) {
  if (closed_ || closing_) return false;
  if (queue_.queued_bytes() + bytes->size() > limits_.max_queue_bytes) {
    cut_off_slow_ = true;
    metrics::add(Figure::slow_cut_offs);
    close();
    return false;
  }
  metrics::add(Figure::bytes_queued, static_cast<std::int64_t>(bytes->size()));
  queue_.push_shared(std::move(bytes));
  schedule_flush();
  return true;
}

void Connection::reply(std::string_view text) {
  if (closed_ || closing_) return;
  metrics::add(Figure::bytes_queued, static_cast<std::int64_t>(text.size()));
  queue_.push_copy(text);
  schedule_flush();
}

void Connection::when_drained(std::function<void(bool)> done) {
  if (closed_) {
    asio::post(worker_.context(), [done = std::move(done), keep = owner()] { done(false); });
    return;
  }
  drain_ = std::make_unique<Drain>(Drain{std::move(done), queue_.queued_bytes()});
  if (drain_->left == 0) after_write();
}

void Connection::schedule_flush() {
  if (flush_scheduled_ || write_wait_) return;
  flush_scheduled_ = true;
  worker_.schedule_flush(*this);
}

void Connection::flush() {
  flush_scheduled_ = false;
  if (closed_ || write_wait_) return;
  std::array<std::string_view, kGather> pieces;
  while (!queue_.empty()) {
    auto count = queue_.gather(pieces);
    std::size_t total = 0;
    for (std::size_t i = 0; i < count; ++i) total += pieces[i].size();
    auto result = transport_->write(std::span(pieces.data(), count));
    if (result.status == IoStatus::error) return fail();
    if (result.status == IoStatus::end) return close();
    if (result.status == IoStatus::would_block) {
      arm_write();
      break;
    }
    queue_.consume(result.bytes);
    metrics::add(Figure::bytes_out, static_cast<std::int64_t>(result.bytes));
    if (drain_) drain_->left -= std::min(drain_->left, result.bytes);
    if (result.bytes < total) {  // the socket is full
      arm_write();
      break;
    }
  }
  after_write();
}

void Connection::after_write() {
  if (drain_ && drain_->left == 0) {
    auto drain = std::move(drain_);
    drain->done(true);
  }
  if (!queue_.empty() || closed_) return;
  if (closing_) return close();
  if (backlogged_) {
    backlogged_ = false;
    post_read_pass();
  }
}

void Connection::on_writable() {
  write_wait_ = false;
  flush();
}

void Connection::arm_write() {
  if (write_wait_ || closed_) return;
  write_wait_ = true;
  transport_->wait_writable(*this, owner());
}

// --- ending -----------------------------------------------------------------

void Connection::close_after_flush(std::chrono::milliseconds linger) {
  if (closing_ || closed_) return;
  closing_ = true;
  deadline_ = Clock::now() + linger;
  if (queue_.empty())
    close();
  else
    schedule_flush();
}

void Connection::fail() {
  if (!closed_ && !transport_->ended_by_peer()) failed_ = true;
  close();
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  closing_ = true;
  transport_->close();
  if (!queue_.empty()) metrics::add(Figure::bytes_dropped, static_cast<std::int64_t>(queue_.queued_bytes()));
  queue_.clear();
  stash_ = {};
  worker_.detach(*this);
  handler_.on_closing();
  // Reported from a fresh handler: close() may run deep inside a call chain.
  asio::post(worker_.context(), [this, drain = std::move(drain_), keep = owner()] {
    if (drain) drain->done(false);
    handler_.on_closed();
    if (counted_) worker_.ended();
  });
}

void Connection::on_deadline(Clock::time_point) {
  deadline_ = Clock::time_point::max();
  if (closing_) return close();  // the peer did not read its last words in time
  handler_.on_deadline();
}

}  // namespace parley::net
