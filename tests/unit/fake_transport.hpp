// An in-memory transport for unit tests: reads come from a script, writes
// accept a set number of bytes per call, and each step can fail on demand.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "net/transport.hpp"

namespace parley::test {

class FakeTransport final : public net::Transport {
 public:
  struct Read {
    net::IoStatus status = net::IoStatus::ok;
    std::string bytes;
  };
  // Shared with the test, which keeps it after the connection owns the transport.
  struct State {
    std::deque<Read> reads;       // empty: would block
    bool report_drained = false;  // say so when a read empties the script
    int read_calls = 0;
    std::size_t write_capacity = 1u << 30;  // bytes accepted before writes would block
    bool fail_writes = false;
    std::string written;
    int write_calls = 0;
    net::TransportEvents* read_waiter = nullptr;
    net::TransportEvents* write_waiter = nullptr;
    std::shared_ptr<void> read_owner, write_owner;
    bool closed = false;

    // Reports readiness as the reactor would; false if nobody waited.
    bool fire_readable() {
      auto* w = read_waiter;
      if (!w) return false;
      read_waiter = nullptr;
      auto keep = std::move(read_owner);
      w->on_readable();
      return true;
    }
    bool fire_writable() {
      auto* w = write_waiter;
      if (!w) return false;
      write_waiter = nullptr;
      auto keep = std::move(write_owner);
      w->on_writable();
      return true;
    }
  };

  explicit FakeTransport(std::shared_ptr<State> state) : state_(std::move(state)) {}

  net::IoResult read(std::span<char> into) override {
    ++state_->read_calls;
    if (state_->closed) return {net::IoStatus::error, 0};
    if (state_->reads.empty()) return {net::IoStatus::would_block, 0};
    auto& next = state_->reads.front();
    if (next.status != net::IoStatus::ok) {
      auto status = next.status;
      state_->reads.pop_front();
      return {status, 0};
    }
    auto n = std::min(into.size(), next.bytes.size());
    next.bytes.copy(into.data(), n);
    next.bytes.erase(0, n);
    if (next.bytes.empty()) state_->reads.pop_front();
    return {net::IoStatus::ok, n, state_->report_drained && state_->reads.empty()};
  }

  net::IoResult write(std::span<const std::string_view> from) override {
    ++state_->write_calls;
    if (state_->closed || state_->fail_writes) return {net::IoStatus::error, 0};
    if (state_->write_capacity == 0) return {net::IoStatus::would_block, 0};
    std::size_t n = 0;
    for (auto piece : from) {
      auto take = std::min(piece.size(), state_->write_capacity);
      state_->written.append(piece.substr(0, take));
      state_->write_capacity -= take;
      n += take;
      if (take < piece.size()) break;
    }
    return {net::IoStatus::ok, n};
  }

  void wait_readable(net::TransportEvents& events, std::shared_ptr<void> owner) override {
    state_->read_waiter = &events;
    state_->read_owner = std::move(owner);
  }
  void wait_writable(net::TransportEvents& events, std::shared_ptr<void> owner) override {
    state_->write_waiter = &events;
    state_->write_owner = std::move(owner);
  }
  void close() override {
    state_->closed = true;
    state_->read_waiter = state_->write_waiter = nullptr;
    state_->read_owner.reset();
    state_->write_owner.reset();
  }
  std::string peer_address() const override { return "192.0.2.1"; }
  std::string peer() const override { return "192.0.2.1:4000"; }

 private:
  std::shared_ptr<State> state_;
};

}  // namespace parley::test
