#include "net/http_message.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/status.hpp>
#include <limits>

namespace parley::net {

namespace http = boost::beast::http;

struct HttpRequestReader::Parser {
  http::request_parser<http::empty_body> parser;
};

namespace {

template <typename StringView>
std::string to_string(StringView view) {
  return std::string(view.data(), view.size());
}

// Every value of a field, joined as one list.
template <typename Fields>
std::string joined(const Fields& fields, http::field name) {
  std::string value;
  auto range = fields.equal_range(name);
  for (auto it = range.first; it != range.second; ++it) {
    if (!value.empty()) value += ", ";
    value.append(it->value().data(), it->value().size());
  }
  return value;
}

}  // namespace

HttpRequestReader::HttpRequestReader(std::size_t max_bytes) : max_bytes_(max_bytes) {}

HttpRequestReader::~HttpRequestReader() = default;

HttpRequestReader::Status HttpRequestReader::feed(std::string_view input, std::size_t& used) {
  used = 0;
  if (!parser_) {
    parser_ = std::make_unique<Parser>();
    parser_->parser.header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(max_bytes_, std::numeric_limits<std::uint32_t>::max())));
    parser_->parser.eager(false);
  }
  auto& parser = parser_->parser;
  boost::beast::error_code error;
  while (!parser.is_header_done()) {
    auto took = parser.put(boost::asio::const_buffer(input.data() + used, input.size() - used), error);
    used += took;
    if (error == http::error::need_more) return Status::need_more;
    if (error) {
      failure_ = error == http::error::header_limit ? 431 : error == http::error::bad_version ? 505 : 400;
      parser_.reset();
      return Status::failed;
    }
    if (took == 0) return Status::need_more;
  }
  const auto& message = parser.get();
  request_ = HttpRequest{};
  request_.method = to_string(message.method_string());
  request_.target = to_string(message.target());
  request_.version = message.version();
  request_.keep_alive = parser.keep_alive();
  request_.body_announced = !parser.is_done();
  request_.host = joined(message, http::field::host);
  request_.has_origin = message.find(http::field::origin) != message.end();
  request_.origin = joined(message, http::field::origin);
  request_.upgrade = joined(message, http::field::upgrade);
  request_.connection = joined(message, http::field::connection);
  request_.websocket_key = joined(message, http::field::sec_websocket_key);
  request_.websocket_version = joined(message, http::field::sec_websocket_version);
  parser_.reset();
  return Status::done;
}

std::string_view http_reason(unsigned status) {
  auto known = http::int_to_status(status);
  if (known == http::status::unknown) return "Unknown";
  auto reason = http::obsolete_reason(known);
  return {reason.data(), reason.size()};
}

HttpResponse http_error_response(unsigned status) {
  HttpResponse response;
  response.status = status;
  response.body = std::string(http_reason(status)) + "\n";
  return response;
}

std::string format_http_response(const HttpResponse& response, bool head, bool keep_alive,
                                 std::span<const std::pair<std::string, std::string>> common) {
  std::string out;
  out.reserve(160 + response.body.size());
  out += "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += http_reason(response.status);
  out += "\r\nContent-Type: ";
  out += response.content_type;
  out += "\r\nContent-Length: ";
  out += std::to_string(response.body.size());
  out += keep_alive ? "\r\nConnection: keep-alive\r\n" : "\r\nConnection: close\r\n";
  auto add = [&](std::span<const std::pair<std::string, std::string>> headers) {
    for (const auto& [name, value] : headers) {
      out += name;
      out += ": ";
      out += value;
      out += "\r\n";
    }
  };
  add(common);
  add(response.headers);
  out += "\r\n";
  if (!head) out += response.body;
  return out;
}

}  // namespace parley::net
