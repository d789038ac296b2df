// The WebSocket transport after a valid upgrade, fed arbitrary client bytes
// in fuzzer-chosen pieces, read with buffers of any size, while lines are
// written through a socket that takes any number of bytes at a time. What
// the session reads is never more than what came in, holds no CR and only
// lines within the message limit; what the writes report as taken is
// exactly what the frames written so far carry; the server's own frames
// (pongs) stay bounded however the client pings.
#include <fuzzer/FuzzedDataProvider.h>
#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "fake_transport.hpp"
#include "net/websocket_transport.hpp"

namespace {

using parley::net::IoStatus;
using parley::test::FakeTransport;

constexpr std::size_t kMaxMessage = 1024;

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "websocket invariant broken: %s\n", what);
  std::abort();
}

struct Events final : parley::net::TransportEvents {
  virtual ~Events() = default;
  void on_readable() override {}
  void on_writable() override {}
  void on_transport_error() override {}
};

// What the server's frames carry: text messages as lines (the last one as
// far as it was written), and how many control bytes came with them.
struct ServerStream {
  std::string lines;
  std::size_t control_bytes = 0;
};

ServerStream parse_server(std::string_view bytes) {
  ServerStream stream;
  while (bytes.size() >= 2) {
    auto first = static_cast<unsigned char>(bytes[0]);
    auto second = static_cast<unsigned char>(bytes[1]);
    check((second & 0x80) == 0, "a server frame is masked");
    check((first & 0x70) == 0, "a server frame has reserved bits");
    std::size_t header = 2;
    std::uint64_t length = second & 0x7Fu;
    if (length >= 126) {
      header += length == 126 ? 2 : 8;
      if (bytes.size() < header) break;
      length = 0;
      for (std::size_t i = 2; i < header; ++i) length = (length << 8) | static_cast<unsigned char>(bytes[i]);
    }
    auto opcode = first & 0x0F;
    auto available = std::min<std::uint64_t>(length, bytes.size() - header);
    auto payload = bytes.substr(header, static_cast<std::size_t>(available));
    if (opcode & 0x8) {
      stream.control_bytes += header + payload.size();
    } else {
      check(opcode <= 1, "a server data frame is not text");
      stream.lines.append(payload);
      if ((first & 0x80) && available == length) stream.lines += '\n';
    }
    if (available < length) break;
    bytes.remove_prefix(header + static_cast<std::size_t>(length));
  }
  return stream;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static bool quiet = [] {
    spdlog::set_level(spdlog::level::off);
    return true;
  }();
  (void)quiet;
  FuzzedDataProvider in(data, size);
  boost::asio::io_context io;
  auto state = std::make_shared<FakeTransport::State>();
  auto settings = std::make_shared<parley::net::WebSocketSettings>();
  settings->max_message = kMaxMessage;
  parley::net::WebSocketTransport transport(std::make_unique<FakeTransport>(state), settings, io);
  Events events;
  auto owner = std::make_shared<int>(0);

  const std::string request =
      "GET /ws HTTP/1.1\r\nHost: fuzz.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  state->reads.push_back({IoStatus::ok, request});
  std::array<char, 4096> buffer{};
  auto first = transport.read(buffer);
  check(first.status == IoStatus::would_block, "the upgrade gave input");
  check(transport.opened(), "a valid upgrade was refused");
  auto switching = state->written.size();

  std::size_t fed = 0;
  std::string read;
  std::string queue;  // lines the session queued and not yet taken
  std::string taken;  // what the writes reported taken, in order
  bool read_over = false;
  bool write_over = false;
  while (in.remaining_bytes() > 0 && !(read_over && write_over)) {
    switch (in.ConsumeIntegralInRange<int>(0, 3)) {
      case 0: {
        auto bytes = in.ConsumeRandomLengthString(512);
        fed += bytes.size();
        state->reads.push_back({IoStatus::ok, std::move(bytes)});
        break;
      }
      case 1: {
        auto length = in.ConsumeIntegralInRange<std::size_t>(1, buffer.size());
        for (int reads = 0; reads < 64 && !read_over; ++reads) {
          auto result = transport.read(std::span(buffer.data(), length));
          if (result.status == IoStatus::ok) {
            check(result.bytes <= length, "a read overran its buffer");
            read.append(buffer.data(), result.bytes);
            continue;
          }
          read_over = result.status != IoStatus::would_block;
          break;
        }
        break;
      }
      case 2:
        queue += in.ConsumeRandomLengthString(64);
        if (in.ConsumeBool()) queue += '\n';
        break;
      case 3: {
        state->write_capacity = in.ConsumeIntegralInRange<std::size_t>(0, 300);
        if (queue.empty() || write_over) break;
        // The queue in pieces, as the connection gathers it.
        std::array<std::string_view, 3> pieces;
        std::string_view rest(queue);
        for (auto& piece : pieces) {
          piece = rest.substr(0, in.ConsumeIntegralInRange<std::size_t>(0, rest.size()));
          rest.remove_prefix(piece.size());
        }
        pieces[2] = std::string_view(queue).substr(pieces[0].size() + pieces[1].size());
        auto result = transport.write(pieces);
        if (result.status == IoStatus::ok) {
          check(result.bytes <= queue.size(), "a write took more than it was given");
          taken += queue.substr(0, result.bytes);
          queue.erase(0, result.bytes);
        } else {
          write_over = result.status != IoStatus::would_block;
        }
        break;
      }
    }
    check(read.size() <= fed, "more was read than came in");
    auto server = parse_server(std::string_view(state->written).substr(switching));
    if (std::getenv("PARLEY_FUZZ_SHOW") && server.lines != taken)
      std::fprintf(stderr, "taken [%s]\nframes [%s]\nqueue [%s]\n", taken.c_str(), server.lines.c_str(), queue.c_str());
    // Every text byte taken went out in a frame, no more and no less.
    check(server.lines == taken, "the bytes taken differ from the frames written");
    // A pong is smaller than its ping, the answer to a close no larger than
    // the close, and only one close goes out.
    check(server.control_bytes <= fed + 2 + 125, "control frames grew past the input");
  }
  transport.wait_readable(events, owner);
  transport.close();

  check(read.find('\r') == std::string::npos, "a CR was handed up");
  std::string_view lines(read);
  while (!lines.empty()) {
    auto end = lines.find('\n');
    check(end != std::string_view::npos || lines.size() <= kMaxMessage, "a line over the message limit");
    if (end == std::string_view::npos) break;
    check(end <= kMaxMessage, "a line over the message limit");
    lines.remove_prefix(end + 1);
  }
  return 0;
}
