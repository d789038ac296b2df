#include "net/websocket_frame.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace parley::net::ws {

namespace {

constexpr std::uint8_t kFin = 0x80;
constexpr std::uint8_t kReserved = 0x70;
constexpr std::uint8_t kMasked = 0x80;

std::uint8_t byte_at(const std::array<char, kMaxHeader>& header, std::size_t i) {
  return static_cast<std::uint8_t>(header[i]);
}

bool is_control(std::uint8_t opcode) { return (opcode & 0x8) != 0; }

bool known_opcode(std::uint8_t opcode) {
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::continuation:
    case Opcode::text:
    case Opcode::binary:
    case Opcode::close:
    case Opcode::ping:
    case Opcode::pong:
      return true;
  }
  return false;
}

// Header length once its first two bytes are known.
std::size_t header_length(std::uint8_t second) {
  std::size_t length = 2;
  auto short_length = second & 0x7Fu;
  if (short_length == 126) length += 2;
  if (short_length == 127) length += 8;
  if (second & kMasked) length += 4;
  return length;
}

}  // namespace

bool valid_close_code(std::uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

bool valid_utf8(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    char32_t code_point = 0;
    auto length = core::decode_utf8(text, pos, code_point);
    if (length == 0) return false;
    pos += length;
  }
  return true;
}

// --- decoding -----------------------------------------------------------------

FrameDecoder::Event FrameDecoder::fail(std::uint16_t code, const char* what) {
  error_ = code;
  error_what_ = what;
  message_ = std::string();
  control_ = std::string();
  return {Kind::error, {}, code, what};
}

bool FrameDecoder::take_header(std::span<char>& input) {
  for (;;) {
    std::size_t need = have_ < 2 ? 2 : header_length(byte_at(header_, 1));
    if (have_ == need) return true;
    if (input.empty()) return false;
    auto take = std::min(need - have_, input.size());
    std::copy_n(input.data(), take, header_.data() + have_);
    have_ = static_cast<std::uint8_t>(have_ + take);
    input = input.subspan(take);
  }
}

FrameDecoder::Event FrameDecoder::check_header() {
  std::uint8_t first = byte_at(header_, 0);
  std::uint8_t second = byte_at(header_, 1);
  std::uint8_t opcode = first & 0x0F;
  bool fin = (first & kFin) != 0;
  if (first & kReserved) return fail(close_code::protocol_error, "reserved bits set");
  if (!known_opcode(opcode)) return fail(close_code::protocol_error, "unknown opcode");
  if (!(second & kMasked)) return fail(close_code::protocol_error, "unmasked frame");
  std::uint64_t length = second & 0x7Fu;
  if (length == 126) {
    length = (std::uint64_t{byte_at(header_, 2)} << 8) | byte_at(header_, 3);
  } else if (length == 127) {
    length = 0;
    for (std::size_t i = 2; i < 10; ++i) length = (length << 8) | byte_at(header_, i);
    if (length >> 63) return fail(close_code::protocol_error, "length with its top bit set");
  }
  if (is_control(opcode)) {
    if (!fin) return fail(close_code::protocol_error, "fragmented control frame");
    if (length > kMaxControlPayload) return fail(close_code::protocol_error, "control frame over 125 bytes");
  } else if (static_cast<Opcode>(opcode) == Opcode::binary) {
    return fail(close_code::unsupported_data, "binary message");
  } else if (static_cast<Opcode>(opcode) == Opcode::continuation && !fragmented_) {
    return fail(close_code::protocol_error, "continuation without a message");
  } else if (static_cast<Opcode>(opcode) == Opcode::text && fragmented_) {
    return fail(close_code::protocol_error, "new message inside a fragmented one");
  } else if (length > max_message_ - std::min(max_message_, message_.size())) {
    return fail(close_code::message_too_big, "message too big");
  }
  length_ = length;
  return {};
}

FrameDecoder::Event FrameDecoder::finish_frame(std::string_view payload) {
  in_payload_ = false;
  have_ = 0;
  std::uint8_t first = byte_at(header_, 0);
  switch (static_cast<Opcode>(first & 0x0F)) {
    case Opcode::ping:
      return {Kind::ping, payload};
    case Opcode::pong:
      return {Kind::pong, payload};
    case Opcode::close: {
      if (payload.empty()) return {Kind::close, {}, close_code::no_status};
      if (payload.size() == 1) return fail(close_code::protocol_error, "close frame with a one-byte payload");
      auto code = static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                             static_cast<unsigned char>(payload[1]));
      if (!valid_close_code(code)) return fail(close_code::protocol_error, "invalid close code");
      auto reason = payload.substr(2);
      if (!valid_utf8(reason)) return fail(close_code::invalid_payload, "close reason not UTF-8");
      return {Kind::close, reason, code};
    }
    default:
      break;
  }
  if (!(first & kFin)) {
    fragmented_ = true;
    return {};  // the message goes on in the next frame
  }
  fragmented_ = false;
  if (!valid_utf8(payload)) return fail(close_code::invalid_payload, "text not UTF-8");
  return {Kind::text, payload};
}

FrameDecoder::Event FrameDecoder::next(std::span<char>& input) {
  if (error_) return {Kind::error, {}, error_, error_what_};
  if (release_) {
    // What was handed out last time is gone now; an unfinished message stays.
    release_ = false;
    if (!fragmented_) message_ = std::string();
    control_ = std::string();
  }
  for (;;) {
    if (!in_payload_) {
      if (!take_header(input)) return {};
      auto checked = check_header();
      if (checked.kind == Kind::error) return checked;
      in_payload_ = true;
      left_ = length_;
      mask_at_ = 0;
    }
    auto take = static_cast<std::size_t>(std::min<std::uint64_t>(left_, input.size()));
    const char* mask = header_.data() + header_length(byte_at(header_, 1)) - 4;
    for (std::size_t i = 0; i < take; ++i) input[i] = static_cast<char>(input[i] ^ mask[(mask_at_ + i) & 3]);
    mask_at_ = static_cast<std::uint8_t>((mask_at_ + take) & 3);
    std::string_view piece(input.data(), take);
    input = input.subspan(take);
    bool whole = take == length_;  // the frame lies in this input
    left_ -= take;
    std::uint8_t first = byte_at(header_, 0);
    if (is_control(first & 0x0F)) {
      if (whole && control_.empty()) return finish_frame(piece);
      control_.append(piece);
      if (left_ > 0) return {};
      release_ = true;
      return finish_frame(control_);
    }
    if (whole && (first & kFin) && !fragmented_) {
      auto event = finish_frame(piece);  // a whole message: no copy
      if (event.kind != Kind::need_more) return event;
      continue;
    }
    message_.append(piece);
    if (left_ > 0) return {};
    if (first & kFin) release_ = true;
    auto event = finish_frame(message_);
    if (event.kind != Kind::need_more) return event;
  }
}

// --- encoding -----------------------------------------------------------------

std::size_t encode_server_header(Opcode opcode, bool fin, std::uint64_t length, std::span<char, 10> out) {
  out[0] = static_cast<char>((fin ? kFin : 0) | static_cast<std::uint8_t>(opcode));
  if (length < 126) {
    out[1] = static_cast<char>(length);
    return 2;
  }
  if (length <= 0xFFFF) {
    out[1] = static_cast<char>(126);
    out[2] = static_cast<char>((length >> 8) & 0xFF);
    out[3] = static_cast<char>(length & 0xFF);
    return 4;
  }
  out[1] = static_cast<char>(127);
  for (std::size_t i = 0; i < 8; ++i) out[2 + i] = static_cast<char>((length >> (8 * (7 - i))) & 0xFF);
  return 10;
}

std::string encode_server_frame(Opcode opcode, std::string_view payload, bool fin) {
  std::array<char, 10> header{};
  auto length = encode_server_header(opcode, fin, payload.size(), header);
  std::string frame(header.data(), length);
  frame.append(payload);
  return frame;
}

std::string close_payload(std::uint16_t code, std::string_view reason) {
  std::string payload;
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  // Cut between characters, never inside one.
  std::size_t keep = 0;
  while (keep < reason.size()) {
    char32_t code_point = 0;
    auto length = std::max<std::size_t>(core::decode_utf8(reason, keep, code_point), 1);
    if (keep + length > kMaxControlPayload - 2) break;
    keep += length;
  }
  payload.append(reason.substr(0, keep));
  return payload;
}

std::string encode_client_frame(Opcode opcode, std::string_view payload, std::array<unsigned char, 4> mask_key,
                                bool fin) {
  std::array<char, 10> header{};
  auto length = encode_server_header(opcode, fin, payload.size(), header);
  header[1] = static_cast<char>(static_cast<unsigned char>(header[1]) | kMasked);
  std::string frame(header.data(), length);
  for (auto key : mask_key) frame.push_back(static_cast<char>(key));
  for (std::size_t i = 0; i < payload.size(); ++i)
    frame.push_back(static_cast<char>(static_cast<unsigned char>(payload[i]) ^ mask_key[i & 3]));
  return frame;
}

}  // namespace parley::net::ws
