// HTTP/1.1 for the web listener, without I/O: requests read incrementally
// with Boost.Beast's parser (headers only: bodies are refused), and
// responses written out whole.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parley::net {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// An answer to a plain HTTP request.
struct HttpResponse {
  unsigned status = 404;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  HttpHeaders headers;  // besides Content-Type/-Length/Connection
};

// Answers a GET or HEAD for `target` (the request target, query included).
// Runs on the connection's worker thread; must not block.
using HttpResponder = std::function<HttpResponse(std::string_view target)>;

// What a request said, copied out of the parser.
struct HttpRequest {
  std::string method;  // as sent: "GET"
  std::string target;  // "/ws?x=1"
  unsigned version = 11;  // 10 for HTTP/1.0, 11 for HTTP/1.1
  bool keep_alive = false;
  bool body_announced = false;  // Content-Length above 0, or chunked
  // The fields the upgrade looks at; repeated ones joined with ", ".
  std::string host;
  std::string origin;
  bool has_origin = false;
  std::string upgrade;
  std::string connection;
  std::string websocket_key;
  std::string websocket_version;
};

// Reads one request's line and headers at a time, from input given in
// pieces. The parser exists only while a request is being read.
class HttpRequestReader {
 public:
  enum class Status { need_more, done, failed };

  // `max_bytes`: the request line and headers together.
  explicit HttpRequestReader(std::size_t max_bytes);
  ~HttpRequestReader();
  HttpRequestReader(const HttpRequestReader&) = delete;
  HttpRequestReader& operator=(const HttpRequestReader&) = delete;

  // Parses from the front of `input` and says in `used` how much it took;
  // what it did not take must be given again, with more after it. `done`:
  // request() holds the request, and the next call starts the next one.
  // `failed`: failure() is the status to answer with.
  Status feed(std::string_view input, std::size_t& used);
  const HttpRequest& request() const { return request_; }
  unsigned failure() const { return failure_; }
  // Whether a request was begun and not finished.
  bool reading() const { return parser_ != nullptr; }

 private:
  struct Parser;
  std::size_t max_bytes_;
  std::unique_ptr<Parser> parser_;
  HttpRequest request_;
  unsigned failure_ = 0;
};

// The reason phrase of a status ("Not Found"), or "Unknown".
std::string_view http_reason(unsigned status);

// A plain-text answer that says only its status ("Not Found").
HttpResponse http_error_response(unsigned status);

// A whole response: status line, Content-Type, Content-Length, Connection,
// `common` then the response's own headers, and the body unless `head`.
std::string format_http_response(const HttpResponse& response, bool head, bool keep_alive,
                                 std::span<const std::pair<std::string, std::string>> common = {});

}  // namespace parley::net
