// RFC 6455 framing without I/O: an incremental decoder for what a client
// sends (masked frames, fragments reassembled into whole text messages,
// control frames between them) and encoders for the server's frames and,
// for tests and the load generator, a client's.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace parley::net::ws {

enum class Opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

// Close status codes (RFC 6455, 7.4.1).
namespace close_code {
constexpr std::uint16_t normal = 1000;
constexpr std::uint16_t going_away = 1001;
constexpr std::uint16_t protocol_error = 1002;
constexpr std::uint16_t unsupported_data = 1003;
constexpr std::uint16_t no_status = 1005;  // a close without a code; never sent
constexpr std::uint16_t invalid_payload = 1007;
constexpr std::uint16_t policy_violation = 1008;
constexpr std::uint16_t message_too_big = 1009;
}  // namespace close_code

// A code a peer may put in its close frame.
bool valid_close_code(std::uint16_t code);

// The longest header: 2 bytes, an 8-byte length and a 4-byte mask.
constexpr std::size_t kMaxHeader = 14;
// The payload of a control frame.
constexpr std::size_t kMaxControlPayload = 125;

class FrameDecoder {
 public:
  enum class Kind {
    need_more,  // every byte given was taken
    text,       // a whole text message, valid UTF-8
    ping,
    pong,
    close,  // `code` (no_status when the frame had none) and the reason in `payload`
    error,  // a violation: close with `code`; `what` says why
  };
  struct Event {
    Kind kind = Kind::need_more;
    // Valid until the next call; it may point into the input given.
    std::string_view payload;
    std::uint16_t code = 0;
    const char* what = "";
  };

  // `max_message`: the most payload one message may have, fragments added up.
  explicit FrameDecoder(std::size_t max_message) : max_message_(max_message) {}

  // Takes bytes from the front of `input` up to the next event, unmasking
  // payloads in place. After an error every call returns the same error.
  Event next(std::span<char>& input);

  // Bytes kept between calls (a fragmented message or a split frame).
  std::size_t buffered() const { return message_.size() + control_.size() + have_; }

 private:
  Event fail(std::uint16_t code, const char* what);
  // Reads the header from the front of `input`: false until it is complete.
  bool take_header(std::span<char>& input);
  Event check_header();
  Event finish_frame(std::string_view payload);

  std::size_t max_message_;
  std::string message_;  // a text message in pieces; released once handed out
  std::string control_;  // a control frame split across inputs
  std::uint64_t left_ = 0;  // payload bytes of the current frame still to come
  std::uint64_t length_ = 0;  // the current frame's payload
  std::array<char, kMaxHeader> header_{};
  std::uint8_t have_ = 0;  // header bytes read
  std::uint8_t mask_at_ = 0;  // payload offset modulo 4
  bool in_payload_ = false;
  bool fragmented_ = false;  // a text message waits for its continuation
  bool release_ = false;     // message_ or control_ was handed out: drop it next time
  std::uint16_t error_ = 0;
  const char* error_what_ = "";
};

// A server frame's header (unmasked): writes it into `out` and returns its
// length (2, 4 or 10 bytes).
std::size_t encode_server_header(Opcode opcode, bool fin, std::uint64_t length, std::span<char, 10> out);
// A whole unmasked server frame (control frames, tests).
std::string encode_server_frame(Opcode opcode, std::string_view payload, bool fin = true);
// The payload of a close frame: the code, then the reason cut to fit 125 bytes.
std::string close_payload(std::uint16_t code, std::string_view reason = {});
// A whole masked client frame.
std::string encode_client_frame(Opcode opcode, std::string_view payload, std::array<unsigned char, 4> mask_key,
                                bool fin = true);

// Whether `text` is valid UTF-8 (no overlong forms or surrogates).
bool valid_utf8(std::string_view text);

}  // namespace parley::net::ws
