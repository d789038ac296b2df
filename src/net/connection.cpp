#include "net/connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <vector>

namespace parley::net {

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

std::string address_of(const tcp::socket& socket, bool with_port) {
  boost::system::error_code ec;
  auto ep = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  auto addr = ep.address();
  // A v4 client on a dual-stack socket shows up as ::ffff:a.b.c.d.
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
  std::string text = addr.to_string();
  if (!with_port) return text;
  return (addr.is_v6() ? "[" + text + "]" : text) + ":" + std::to_string(ep.port());
}
}  // namespace

Connection::Connection(tcp::socket socket, ConnectionLimits limits)
    : socket_(std::move(socket)),
      limits_(limits),
      peer_address_(address_of(socket_, false)),
      peer_(address_of(socket_, true)),
      framer_(limits.max_line),
      writer_wake_(socket_.get_executor(), asio::steady_timer::time_point::max()),
      drained_(socket_.get_executor(), asio::steady_timer::time_point::max()),
      linger_(socket_.get_executor()) {
  boost::system::error_code ec;
  socket_.set_option(tcp::no_delay(true), ec);
}

Connection::~Connection() = default;

void Connection::start() {
  asio::co_spawn(
      socket_.get_executor(), [self = shared_from_this()] { return self->write_loop(); }, asio::detached);
}

asio::awaitable<ReadResult> Connection::read_line() {
  for (;;) {
    if (framer_.has_next()) {
      auto event = framer_.next();
      if (auto* line = std::get_if<Line>(&event)) co_return ReadResult{ReadStatus::line, std::move(line->text)};
      co_return ReadResult{ReadStatus::too_long, {}};
    }
    if (closed_) co_return ReadResult{};
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(read_buffer_), use_tuple);
    if (ec == asio::error::eof) {
      // A half-close ("nc -N", a script's end of input): answer what came first.
      close_after_flush();
      co_return ReadResult{};
    }
    if (ec) {
      close();
      co_return ReadResult{};
    }
    framer_.feed(std::string_view(read_buffer_.data(), n));
  }
}

bool Connection::send(std::shared_ptr<const std::string> bytes) {
  if (closed_ || closing_) return false;
  if (queued_bytes_ + bytes->size() > limits_.max_queue_bytes) {
    cut_off_slow_ = true;
    close();
    return false;
  }
  enqueue(std::move(bytes));
  return true;
}

bool Connection::reply(std::string_view text) {
  if (closed_ || closing_) return false;
  enqueue(std::make_shared<const std::string>(text));
  return true;
}

void Connection::enqueue(std::shared_ptr<const std::string> bytes) {
  queued_bytes_ += bytes->size();
  enqueued_total_ += bytes->size();
  queue_.push_back(std::move(bytes));
  writer_wake_.cancel();
}

asio::awaitable<bool> Connection::drain() {
  auto target = enqueued_total_;
  while (!closed_ && written_total_ < target) co_await drained_.async_wait(use_tuple);
  co_return written_total_ >= target;
}

void Connection::close_after_flush(std::chrono::seconds linger) {
  if (closing_ || closed_) return;
  closing_ = true;
  writer_wake_.cancel();
  linger_.expires_after(linger);
  linger_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->close();
  });
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  queue_.clear();
  queued_bytes_ = 0;
  linger_.cancel();
  wake_all();
}

void Connection::wake_all() {
  writer_wake_.cancel();
  drained_.cancel();
}

asio::awaitable<void> Connection::write_loop() {
  auto self = shared_from_this();
  std::vector<std::shared_ptr<const std::string>> in_flight;
  std::vector<asio::const_buffer> buffers;
  while (!closed_) {
    if (queue_.empty()) {
      if (closing_) {
        close();
        break;
      }
      co_await writer_wake_.async_wait(use_tuple);
      continue;
    }
    in_flight.clear();
    buffers.clear();
    while (!queue_.empty() && in_flight.size() < limits_.max_gather) {
      buffers.emplace_back(asio::buffer(*queue_.front()));
      in_flight.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    auto [ec, n] = co_await asio::async_write(socket_, buffers, use_tuple);
    if (ec || closed_) {
      close();
      break;
    }
    queued_bytes_ -= n;
    written_total_ += n;
    drained_.cancel();
  }
  in_flight.clear();
}

}  // namespace parley::net
