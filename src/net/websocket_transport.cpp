#include "net/websocket_transport.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstring>
#include <exception>

#include "core/text.hpp"
#include "net/websocket_handshake.hpp"

namespace parley::net {

namespace asio = boost::asio;
using ws::FrameDecoder;

namespace {

// Control bytes waiting to be written past which pongs are dropped: a peer
// that pings without reading cannot make the buffer grow.
constexpr std::size_t kControlLimit = 1024;
// Pieces in one gathered write to the inner transport (what the TCP
// transport takes in one system call).
constexpr std::size_t kPieces = 64;
// Raw input decoded at a time, on each worker thread.
constexpr std::size_t kScratch = 64 * 1024;
// Inner reads in one read(), then the caller gets its turn.
constexpr int kReadsPerCall = 4;
// Request bytes read at a time before the upgrade.
constexpr std::size_t kRequestChunk = 4096;

void release_if_empty(std::string& buffer) {
  if (buffer.empty() && buffer.capacity() > 0) buffer = std::string();
}

// A message as the connection above reads it: CR and LF inside become
// spaces, and a '\n' ends it.
void append_line(std::string& to, std::string_view payload) {
  auto start = to.size();
  to.append(payload);
  std::replace_if(to.begin() + static_cast<std::ptrdiff_t>(start), to.end(),
                  [](char c) { return c == '\r' || c == '\n'; }, ' ');
  to.push_back('\n');
}

}  // namespace

struct WebSocketTransport::HttpPhase {
  enum class After { next, close, upgrade };

  HttpPhase(std::size_t max_request_bytes, asio::io_context& io) : reader(max_request_bytes), deadline(io) {}

  HttpRequestReader reader;
  asio::steady_timer deadline;
  std::uint64_t generation = 0;  // of the deadline's wait; 0: not started
  std::size_t requests = 0;
  After after = After::next;
  bool responding = false;       // control_ holds an answer being written
  bool restart_due = false;      // the deadline restarts once there is an owner
  bool finished = false;         // no more requests: read() says end
};

WebSocketTransport::WebSocketTransport(std::unique_ptr<Transport> inner,
                                       std::shared_ptr<const WebSocketSettings> settings, asio::io_context& io)
    : inner_(std::move(inner)),
      settings_(std::move(settings)),
      io_(io),
      http_(std::make_unique<HttpPhase>(settings_->max_request_bytes, io)),
      decoder_(settings_->max_message) {}

WebSocketTransport::~WebSocketTransport() { close(); }

std::string WebSocketTransport::peer_address() const { return inner_->peer_address(); }
std::string WebSocketTransport::peer() const { return inner_->peer(); }
bool WebSocketTransport::encrypted() const { return inner_->encrypted(); }
bool WebSocketTransport::ended_by_peer() const { return timed_out_ || inner_->ended_by_peer(); }
bool WebSocketTransport::opened() const { return upgraded_; }

// --- before the upgrade ---------------------------------------------------------

IoResult WebSocketTransport::serve_http() {
  for (;;) {
    if (closed_ || failed_) return {IoStatus::error, 0};
    if (http_->finished) return {IoStatus::end, 0};
    if (http_->responding) {
      auto status = flush_control();
      if (status == IoStatus::error) {
        failed_ = true;
        return {IoStatus::error, 0};
      }
      if (status == IoStatus::would_block) return {IoStatus::would_block, 0};
      http_->responding = false;
      if (http_->after == HttpPhase::After::close) {
        http_->finished = true;
        return {IoStatus::end, 0};
      }
      if (http_->after == HttpPhase::After::upgrade) {
        upgraded();
        return {IoStatus::would_block, 0};
      }
      restart_deadline();  // for the next request
    }
    if (!input_.empty()) {
      std::size_t used = 0;
      auto status = http_->reader.feed(input_, used);
      input_.erase(0, used);
      release_if_empty(input_);
      if (status == HttpRequestReader::Status::done) {
        handle_request(http_->reader.request());
        continue;
      }
      if (status == HttpRequestReader::Status::failed) {
        refuse(http_->reader.failure(), "malformed request", false);
        continue;
      }
    }
    // The parser answers 431 before more than the limit is kept.
    std::array<char, kRequestChunk> chunk;
    auto room = settings_->max_request_bytes + 1 - std::min(input_.size(), settings_->max_request_bytes);
    auto result = inner_->read(std::span(chunk.data(), std::min(room, chunk.size())));
    if (result.status == IoStatus::would_block) return result;
    if (result.status == IoStatus::end) {
      http_->finished = true;
      return result;
    }
    if (result.status != IoStatus::ok) {
      failed_ = true;
      return {IoStatus::error, 0};
    }
    input_.append(chunk.data(), result.bytes);
  }
}

void WebSocketTransport::handle_request(const HttpRequest& request) {
  ++http_->requests;
  bool head = request.method == "HEAD";
  if (request.method != "GET" && !head) {
    auto response = http_error_response(405);
    response.headers.emplace_back("Allow", "GET, HEAD");
    return answer(response, false, false);
  }
  if (request.body_announced) return answer(http_error_response(413), head, false);
  std::string_view target = request.target;
  if (target.substr(0, target.find('?')) == settings_->path) {
    auto check = check_websocket_upgrade(request, settings_->allowed_origins);
    if (check.status == 101) {
      control_ = format_upgrade_response(request.websocket_key);
      http_->responding = true;
      http_->after = HttpPhase::After::upgrade;
      return;
    }
    if (check.status == 403)
      spdlog::warn("WebSocket upgrade refused from={} status=403 reason={} origin={}", peer(), check.reason,
                   core::log_safe(request.origin));
    else
      spdlog::info("WebSocket upgrade refused from={} status={} reason={}", peer(), check.status, check.reason);
    return answer(refused_upgrade_response(check.status), head, false);
  }
  HttpResponse response;
  if (!settings_->responder) {
    response = http_error_response(404);
  } else {
    try {
      response = settings_->responder(request.target);
    } catch (const std::exception& e) {
      spdlog::error("web responder failed from={}: {}", peer(), e.what());
      response = http_error_response(500);
    }
  }
  bool keep_alive = request.keep_alive && request.version == 11 && http_->requests < settings_->max_requests;
  answer(response, head, keep_alive);
}

void WebSocketTransport::answer(const HttpResponse& response, bool head, bool keep_alive) {
  control_ += format_http_response(response, head, keep_alive, settings_->response_headers);
  http_->responding = true;
  http_->after = keep_alive ? HttpPhase::After::next : HttpPhase::After::close;
}

void WebSocketTransport::refuse(unsigned status, const char* reason, bool head) {
  spdlog::info("HTTP request refused from={} status={} reason={}", peer(), status, reason);
  answer(http_error_response(status), head, false);
}

void WebSocketTransport::restart_deadline() {
  if (!http_ || closed_) return;
  if (!owner_) {
    http_->restart_due = true;
    return;
  }
  http_->restart_due = false;
  auto generation = ++http_->generation;
  http_->deadline.expires_after(settings_->request_timeout);
  http_->deadline.async_wait([this, generation, keep = owner_](boost::system::error_code ec) {
    if (ec || closed_ || !http_ || http_->generation != generation || http_->finished) return;
    spdlog::debug("HTTP request timeout from={}", peer());
    timed_out_ = true;
    http_->finished = true;
    if (reading_)
      fire_readable();  // read() says end
    else if (events_)
      events_->on_transport_error();
  });
}

void WebSocketTransport::upgraded() {
  upgraded_ = true;
  http_.reset();
  release_if_empty(control_);
  spdlog::debug("WebSocket open from={}", peer());
}

// --- after the upgrade ------------------------------------------------------------

IoResult WebSocketTransport::read(std::span<char> into) {
  if (!upgraded_) {
    auto result = serve_http();
    if (!upgraded_) {
      arm();
      return result;
    }
    if (writing_) fire_events_later();  // what the session said first can go now
  }
  return read_frames(into);
}

IoResult WebSocketTransport::read_frames(std::span<char> into) {
  if (closed_) return {IoStatus::error, 0};
  std::size_t out = 0;
  if (!output_.empty()) {
    out = std::min(into.size(), output_.size());
    std::memcpy(into.data(), output_.data(), out);
    output_.erase(0, out);
    if (!output_.empty()) return {IoStatus::ok, out, false};
    release_if_empty(output_);
  }
  auto finish = [&](IoStatus otherwise) -> IoResult {
    if (out > 0) return {IoStatus::ok, out, false};  // the rest on the next call
    return {otherwise, 0};
  };
  if (failed_ || violated_) return finish(IoStatus::error);
  if (input_ended_) return finish(IoStatus::end);

  // One worker thread decodes one input at a time.
  thread_local std::array<char, kScratch> scratch;
  bool drained = false;
  for (int reads = 0; reads < kReadsPerCall && out < into.size(); ++reads) {
    // Whole messages in one input come out no longer than they went in.
    auto want = std::min(scratch.size(), into.size() - out);
    std::size_t got = 0;
    if (!input_.empty()) {
      got = std::min(want, input_.size());
      std::memcpy(scratch.data(), input_.data(), got);
      input_.erase(0, got);
      release_if_empty(input_);
    } else {
      auto result = inner_->read(std::span(scratch.data(), want));
      if (result.status == IoStatus::would_block) {
        drained = true;
        break;
      }
      if (result.status == IoStatus::end) {
        input_ended_ = true;
        return finish(IoStatus::end);
      }
      if (result.status != IoStatus::ok) {
        failed_ = true;
        return finish(IoStatus::error);
      }
      got = result.bytes;
      drained = result.drained;
    }
    std::span<char> rest(scratch.data(), got);
    bool stop = false;
    while (!stop) {
      auto event = decoder_.next(rest);
      switch (event.kind) {
        case FrameDecoder::Kind::need_more:
          stop = true;
          break;
        case FrameDecoder::Kind::text: {
          auto fits = std::min(event.payload.size(), into.size() - out);
          std::transform(event.payload.begin(), event.payload.begin() + static_cast<std::ptrdiff_t>(fits),
                         into.begin() + static_cast<std::ptrdiff_t>(out),
                         [](char c) { return c == '\r' || c == '\n' ? ' ' : c; });
          out += fits;
          if (fits == event.payload.size() && out < into.size()) {
            into[out++] = '\n';
          } else {
            append_line(output_, event.payload.substr(fits));
            stop = true;
          }
          break;
        }
        case FrameDecoder::Kind::ping:
          if (control_.size() + 2 + event.payload.size() <= kControlLimit)
            control_ += ws::encode_server_frame(ws::Opcode::pong, event.payload);
          break;
        case FrameDecoder::Kind::pong:
          break;
        case FrameDecoder::Kind::close:
          input_ended_ = true;
          input_ = std::string();
          send_close(event.code, {});  // the peer's code echoed
          return finish(IoStatus::end);
        case FrameDecoder::Kind::error:
          spdlog::info("WebSocket protocol error from={} code={} reason={}", peer(), event.code, event.what);
          violated_ = true;
          input_ = std::string();
          send_close(event.code, event.what);
          return finish(IoStatus::error);
      }
    }
    if (!output_.empty()) {
      // The caller's buffer is full: the rest is decoded next time.
      input_.insert(0, rest.data(), rest.size());
      return {IoStatus::ok, out, false};
    }
    if (drained) break;
  }
  if (!control_.empty() && !frame_open_) {
    if (flush_control() == IoStatus::error) failed_ = true;
    arm();
  }
  if (out > 0) return {IoStatus::ok, out, drained && input_.empty()};
  if (drained) return {IoStatus::would_block, 0};
  return {IoStatus::ok, 0, false};  // the reads went to control frames; more may be there
}

void WebSocketTransport::send_close(std::uint16_t code, std::string_view reason) {
  if (close_queued_) return;
  close_queued_ = true;
  // A close without a code is answered with one without a code.
  auto payload = code == ws::close_code::no_status ? std::string() : ws::close_payload(code, reason);
  control_ += ws::encode_server_frame(ws::Opcode::close, payload);
  if (!frame_open_ && flush_control() == IoStatus::error) failed_ = true;
}

IoStatus WebSocketTransport::flush_control() {
  while (!control_.empty()) {
    std::string_view piece(control_);
    auto result = inner_->write(std::span(&piece, 1));
    if (result.status == IoStatus::ok && result.bytes == 0) return IoStatus::would_block;
    if (result.status == IoStatus::would_block) return IoStatus::would_block;
    if (result.status != IoStatus::ok) return IoStatus::error;
    control_.erase(0, result.bytes);
  }
  release_if_empty(control_);
  return IoStatus::ok;
}

IoResult WebSocketTransport::write(std::span<const std::string_view> from) {
  if (!upgraded_) {
    if (closed_ || failed_) return {IoStatus::error, 0};
    if (http_->finished) return {IoStatus::end, 0};
    return {IoStatus::would_block, 0};
  }
  return write_frames(from);
}

IoResult WebSocketTransport::write_frames(std::span<const std::string_view> from) {
  if (closed_ || failed_) return {IoStatus::error, 0};
  std::size_t total = 0;
  for (auto piece : from) total += piece.size();
  std::size_t consumed = 0;  // bytes of `from`: payloads, and the '\n' of each frame fully written

  struct Frame {
    std::array<char, 10> header{};
    std::size_t header_length = 0;
    std::uint64_t payload = 0;
    bool ends_line = false;
  };
  for (;;) {
    if (close_queued_ && !frame_open_) {
      // Nothing follows a close: send it, and the connection ends.
      if (flush_control() == IoStatus::error) failed_ = true;
      return {IoStatus::end, 0};
    }
    // Where the unwritten bytes of `from` begin.
    std::size_t piece = 0;
    std::size_t offset = consumed;
    while (piece < from.size() && offset >= from[piece].size()) offset -= from[piece++].size();

    std::array<std::string_view, kPieces> pieces;
    std::size_t count = 0;
    // Takes up to `length` payload bytes from the cursor; returns how many.
    auto take_payload = [&](std::uint64_t length) {
      std::uint64_t taken = 0;
      while (taken < length && piece < from.size() && count < kPieces) {
        auto view = from[piece].substr(offset, static_cast<std::size_t>(length - taken));
        pieces[count++] = view;
        taken += view.size();
        offset += view.size();
        if (offset == from[piece].size()) {
          ++piece;
          offset = 0;
        }
      }
      return taken;
    };
    auto skip_newline = [&] {
      if (piece < from.size() && ++offset == from[piece].size()) {
        ++piece;
        offset = 0;
      }
    };

    // The frame begun before, then the control frames, then new frames.
    std::uint64_t open_planned = 0;
    bool open_whole = true;
    if (frame_open_) {
      if (frame_header_sent_ < frame_header_length_)
        pieces[count++] = std::string_view(frame_header_.data() + frame_header_sent_,
                                           static_cast<std::size_t>(frame_header_length_ - frame_header_sent_));
      open_planned = take_payload(frame_left_);
      open_whole = open_planned == frame_left_;
      if (open_whole && frame_ends_line_) skip_newline();
    }
    bool control_planned = open_whole && !control_.empty() && count < kPieces;
    if (control_planned) pieces[count++] = control_;
    std::array<Frame, kPieces / 2> frames;
    std::size_t frame_count = 0;
    bool open_message = message_open_;
    while (open_whole && control_planned == !control_.empty() && !close_queued_ && count + 1 < kPieces &&
           frame_count < frames.size() && piece < from.size()) {
      auto header_index = count++;
      auto& frame = frames[frame_count];
      while (piece < from.size() && count < kPieces) {
        auto view = from[piece].substr(offset);
        auto newline = view.find('\n');
        auto part = view.substr(0, newline);
        if (!part.empty()) {
          pieces[count++] = part;
          frame.payload += part.size();
          offset += part.size();
        }
        if (newline != std::string_view::npos) {
          frame.ends_line = true;
          skip_newline();
          break;
        }
        ++piece;
        offset = 0;
      }
      if (frame.payload == 0 && !frame.ends_line) {
        count = header_index;
        break;
      }
      // A line longer than one write goes out in fragments.
      frame.header_length = ws::encode_server_header(open_message ? ws::Opcode::continuation : ws::Opcode::text,
                                                     frame.ends_line, frame.payload, frame.header);
      pieces[header_index] = std::string_view(frame.header.data(), frame.header_length);
      open_message = !frame.ends_line;
      ++frame_count;
    }
    if (count == 0) return {IoStatus::ok, consumed};

    auto result = inner_->write(std::span(pieces.data(), count));
    if (result.status == IoStatus::would_block || (result.status == IoStatus::ok && result.bytes == 0)) {
      if (consumed > 0) return {IoStatus::ok, consumed};
      return {IoStatus::would_block, 0};
    }
    if (result.status != IoStatus::ok) {
      failed_ = true;
      if (consumed > 0) return {IoStatus::ok, consumed};
      return {IoStatus::error, 0};
    }

    // Which frames went out, whole or in part.
    auto left = result.bytes;
    if (frame_open_) {
      auto header = std::min<std::size_t>(left, frame_header_length_ - frame_header_sent_);
      left -= header;
      frame_header_sent_ = static_cast<std::uint8_t>(frame_header_sent_ + header);
      auto payload = static_cast<std::size_t>(std::min<std::uint64_t>(left, open_planned));
      left -= payload;
      frame_left_ -= payload;
      consumed += payload;
      if (frame_header_sent_ == frame_header_length_ && frame_left_ == 0) {
        frame_open_ = false;
        if (frame_ends_line_) ++consumed;
      }
    }
    if (control_planned && !frame_open_) {
      auto written = std::min(left, control_.size());
      control_.erase(0, written);
      release_if_empty(control_);
      left -= written;
    }
    for (std::size_t i = 0; i < frame_count && left > 0 && !frame_open_; ++i) {
      auto& frame = frames[i];
      auto header = std::min(left, frame.header_length);
      left -= header;
      auto payload = static_cast<std::size_t>(std::min<std::uint64_t>(left, frame.payload));
      left -= payload;
      consumed += payload;
      message_open_ = !frame.ends_line;
      if (header == frame.header_length && payload == frame.payload) {
        if (frame.ends_line) ++consumed;
        continue;
      }
      frame_header_ = frame.header;
      frame_header_length_ = static_cast<std::uint8_t>(frame.header_length);
      frame_header_sent_ = static_cast<std::uint8_t>(header);
      frame_left_ = frame.payload - payload;
      frame_ends_line_ = frame.ends_line;
      frame_open_ = true;
    }
    if (consumed >= total && control_.empty() && !frame_open_) return {IoStatus::ok, consumed};
    // More to go: the inner transport took fewer pieces than given, or the
    // socket is full and the next write says so.
  }
}

// --- readiness ----------------------------------------------------------------

void WebSocketTransport::wait_readable(TransportEvents& events, std::shared_ptr<void> owner) {
  if (closed_) return;
  events_ = &events;
  reading_ = true;
  if (!owner_) owner_ = std::move(owner);
  if (http_ && (http_->generation == 0 || http_->restart_due)) restart_deadline();
  if (upgraded_ && (!input_.empty() || !output_.empty())) return fire_events_later();
  arm();
}

void WebSocketTransport::wait_writable(TransportEvents& events, std::shared_ptr<void> owner) {
  if (closed_) return;
  events_ = &events;
  writing_ = true;
  if (!owner_) owner_ = std::move(owner);
  if (http_ && (http_->generation == 0 || http_->restart_due)) restart_deadline();
  arm();
}

void WebSocketTransport::arm() {
  if (closed_ || !owner_) return;
  bool need_readable = false;
  bool need_writable = false;
  if (!upgraded_) {
    if (!http_ || http_->finished) return;
    // Requests are read only while no answer is being written.
    need_writable = http_->responding;
    need_readable = !http_->responding;
  } else {
    need_readable = reading_ && !input_ended_ && !violated_;
    need_writable = writing_ || (!control_.empty() && !frame_open_);
  }
  if (need_readable && !inner_reading_) {
    inner_reading_ = true;
    inner_->wait_readable(*this, owner_);
  }
  if (need_writable && !inner_writing_) {
    inner_writing_ = true;
    inner_->wait_writable(*this, owner_);
  }
}

// The inner transport holds the owner through these calls, so this object
// outlives whatever the outer events do.
void WebSocketTransport::on_readable() {
  inner_reading_ = false;
  if (!upgraded_) return drive_http();
  if (reading_) fire_readable();
  arm();
}

void WebSocketTransport::drive_http() {
  auto result = serve_http();
  if (!upgraded_ && result.status == IoStatus::would_block) return arm();
  // Upgraded: frames may follow and the session's first words can go out.
  // Otherwise read() and write() say end or error.
  bool read = reading_;
  bool write = writing_;
  if (read) fire_readable();
  if (write && writing_ && !closed_) fire_writable();
  if (!read && !write && !upgraded_ && events_ && !closed_) events_->on_transport_error();
  arm();
}

void WebSocketTransport::on_writable() {
  inner_writing_ = false;
  if (!upgraded_) return drive_http();  // the answer goes on, then the next request
  if (!control_.empty() && !frame_open_ && flush_control() == IoStatus::error) {
    failed_ = true;
    if (events_ && !closed_) events_->on_transport_error();
    return;
  }
  if (writing_ && (control_.empty() || frame_open_)) fire_writable();
  arm();
}

void WebSocketTransport::on_transport_error() {
  if (events_ && !closed_) events_->on_transport_error();
}

void WebSocketTransport::fire_readable() {
  reading_ = false;
  auto keep = owner_;
  if (!writing_) owner_.reset();
  events_->on_readable();
}

void WebSocketTransport::fire_writable() {
  writing_ = false;
  auto keep = owner_;
  if (!reading_) owner_.reset();
  events_->on_writable();
}

void WebSocketTransport::fire_events_later() {
  if (!owner_) return;
  asio::post(io_, [this, keep = owner_] {
    if (closed_) return;
    if (reading_) fire_readable();
    if (writing_ && !closed_) fire_writable();
  });
}

void WebSocketTransport::close() {
  if (closed_) return;
  closed_ = true;
  // A close frame, if the socket takes it now: the peer then knows the end
  // is meant.
  if (upgraded_ && !frame_open_ && !failed_) {
    send_close(ws::close_code::normal, {});
    flush_control();
  }
  http_.reset();
  inner_->close();
  reading_ = writing_ = inner_reading_ = inner_writing_ = false;
  owner_.reset();
  input_ = std::string();
  output_ = std::string();
  control_ = std::string();
}

}  // namespace parley::net
