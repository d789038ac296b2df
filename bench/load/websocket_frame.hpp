// WebSocket framing (RFC 6455) as a client speaks it: every frame it sends
// is masked, the server's are not. Only what parley_load needs: whole
// frames out, and frames in parsed from a byte stream as they complete.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace parley_load::ws {

enum Opcode : std::uint8_t {
  kContinuation = 0x0,
  kText = 0x1,
  kBinary = 0x2,
  kClose = 0x8,
  kPing = 0x9,
  kPong = 0xA,
};

// Appends one final frame carrying payload, masked with a fresh key.
void append_frame(std::string& out, std::uint8_t opcode, std::string_view payload);

// A server frame; payload points into the bytes given to parse_frame.
struct Frame {
  bool fin = false;
  std::uint8_t opcode = 0;
  std::string_view payload;
  std::size_t size = 0;  // bytes of the whole frame, header included
};

enum class Parsed { frame, incomplete, bad };

// Parses the frame at the start of data. bad: not a frame a server may send
// (masked, reserved bits, unknown opcode, a control frame that is fragmented
// or over 125 bytes, or a payload over max_payload); why says which.
Parsed parse_frame(std::string_view data, std::uint64_t max_payload, Frame& frame, std::string_view& why);

// 16 random bytes in base64, for Sec-WebSocket-Key.
std::string make_key();

}  // namespace parley_load::ws
