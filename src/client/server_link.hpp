// The byte stream to parleyd: plain TCP, or TLS over it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <tuple>

namespace parley::client {

// A TLS stream with the context it was made from, which must outlive it.
struct TlsStream {
  explicit TlsStream(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context tls_context)
      : context(std::move(tls_context)), stream(std::move(socket), context) {}
  boost::asio::ssl::context context;
  boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream;
};

class ServerLink {
 public:
  using Result = std::tuple<boost::system::error_code, std::size_t>;

  explicit ServerLink(boost::asio::ip::tcp::socket socket) : plain_(std::move(socket)) {}
  explicit ServerLink(std::unique_ptr<TlsStream> tls) : tls_(std::move(tls)) {}

  boost::asio::any_io_executor get_executor();
  // The end of the stream is `eof`, whether or not a TLS server said goodbye
  // first: the classic protocol's lines are complete or discarded anyway.
  boost::asio::awaitable<Result> read_some(boost::asio::mutable_buffer buffer);
  boost::asio::awaitable<Result> write(boost::asio::const_buffer buffer);
  // At once, without waiting for the peer.
  void close();

 private:
  boost::asio::ip::tcp::socket& socket();

  std::optional<boost::asio::ip::tcp::socket> plain_;
  std::unique_ptr<TlsStream> tls_;
};

}  // namespace parley::client
