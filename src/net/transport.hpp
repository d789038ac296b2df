// A byte stream as a session sees it: non-blocking reads and gathered writes,
// and a readiness wait in each direction. Plain TCP now; TLS wraps the same
// calls (SSL_read/SSL_write map want-read/want-write onto these waits).
// All calls run on the owning worker thread.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace parley::net {

enum class IoStatus { ok, would_block, end, error };

struct IoResult {
  IoStatus status = IoStatus::error;
  std::size_t bytes = 0;  // with `ok`
  // With a read: the transport knows nothing more is there now, so the
  // caller may wait for readiness without reading again.
  bool drained = false;
};

// Where readiness is reported.
class TransportEvents {
 public:
  virtual void on_readable() = 0;
  virtual void on_writable() = 0;
  // A wait ended in an error other than the transport being closed.
  virtual void on_transport_error() = 0;

 protected:
  ~TransportEvents() = default;
};

class Transport {
 public:
  virtual ~Transport() = default;

  // Reads what is there now, without waiting. `end`: the peer sent no more.
  virtual IoResult read(std::span<char> into) = 0;
  // Writes as much of `from` as fits now, without waiting.
  virtual IoResult write(std::span<const std::string_view> from) = 0;
  // Reports readiness once to `events`; `owner` is held until then, so the
  // object behind `events` outlives the wait. One wait per direction at a time.
  virtual void wait_readable(TransportEvents& events, std::shared_ptr<void> owner) = 0;
  virtual void wait_writable(TransportEvents& events, std::shared_ptr<void> owner) = 0;
  // Closes at once; pending waits end without an event.
  virtual void close() = 0;

  // Client address without port ("127.0.0.1", "::1"), and with it.
  virtual std::string peer_address() const = 0;
  virtual std::string peer() const = 0;
  // TLS, or another encryption under the protocol.
  virtual bool encrypted() const { return false; }
  // The last error was the peer going away (a reset, or no TLS close before
  // its end of input) rather than a failure.
  virtual bool ended_by_peer() const { return false; }
  // The protocol began on it: false for a WebSocket connection that only
  // fetched the page's files and never upgraded.
  virtual bool opened() const { return true; }
};

}  // namespace parley::net
