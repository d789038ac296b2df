#include "client/server_link.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace parley::client {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
}

tcp::socket& ServerLink::socket() { return tls_ ? tls_->stream.next_layer() : *plain_; }

asio::any_io_executor ServerLink::get_executor() { return socket().get_executor(); }

asio::awaitable<ServerLink::Result> ServerLink::read_some(asio::mutable_buffer buffer) {
  if (!tls_) co_return co_await plain_->async_read_some(buffer, kUseTuple);
  auto [error, size] = co_await tls_->stream.async_read_some(buffer, kUseTuple);
  if (error == asio::ssl::error::stream_truncated) error = asio::error::eof;
  co_return Result{error, size};
}

asio::awaitable<ServerLink::Result> ServerLink::write(asio::const_buffer buffer) {
  if (!tls_) co_return co_await asio::async_write(*plain_, buffer, kUseTuple);
  co_return co_await asio::async_write(tls_->stream, buffer, kUseTuple);
}

void ServerLink::close() {
  boost::system::error_code ignored;
  socket().shutdown(tcp::socket::shutdown_both, ignored);
  socket().close(ignored);
}

}  // namespace parley::client
