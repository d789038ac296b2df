#include "websocket_frame.hpp"

#include <chrono>
#include <functional>
#include <thread>

#include "base64.hpp"

namespace parley_load::ws {

namespace {

// Masking keys need only be unpredictable to scripts in a browser; a
// per-thread xorshift keeps 10k+ connections' frames cheap.
std::uint32_t next_random() {
  thread_local std::uint32_t state = [] {
    auto seed = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
                std::hash<std::thread::id>{}(std::this_thread::get_id());
    auto s = static_cast<std::uint32_t>(seed ^ (seed >> 32));
    return s == 0 ? 0x9e3779b9u : s;
  }();
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}

}  // namespace

void append_frame(std::string& out, std::uint8_t opcode, std::string_view payload) {
  const std::uint64_t size = payload.size();
  out.push_back(static_cast<char>(0x80u | opcode));
  if (size < 126) {
    out.push_back(static_cast<char>(0x80u | size));
  } else if (size <= 0xffff) {
    out.push_back(static_cast<char>(0x80u | 126u));
    out.push_back(static_cast<char>(size >> 8));
    out.push_back(static_cast<char>(size & 0xff));
  } else {
    out.push_back(static_cast<char>(0x80u | 127u));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((size >> shift) & 0xff));
  }
  const std::uint32_t key = next_random();
  unsigned char mask[4] = {static_cast<unsigned char>(key >> 24), static_cast<unsigned char>(key >> 16),
                           static_cast<unsigned char>(key >> 8), static_cast<unsigned char>(key)};
  out.append(reinterpret_cast<const char*>(mask), 4);
  const auto start = out.size();
  out.append(payload);
  for (std::size_t i = 0; i < payload.size(); ++i)
    out[start + i] = static_cast<char>(static_cast<unsigned char>(out[start + i]) ^ mask[i & 3]);
}

Parsed parse_frame(std::string_view data, std::uint64_t max_payload, Frame& frame, std::string_view& why) {
  if (data.size() < 2) return Parsed::incomplete;
  auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(data[i]); };
  const std::uint8_t b0 = byte(0), b1 = byte(1);
  if ((b0 & 0x70) != 0) {
    why = "reserved bits set";
    return Parsed::bad;
  }
  frame.fin = (b0 & 0x80) != 0;
  frame.opcode = b0 & 0x0f;
  const bool control = (frame.opcode & 0x08) != 0;
  if (frame.opcode != kContinuation && frame.opcode != kText && frame.opcode != kBinary && frame.opcode != kClose &&
      frame.opcode != kPing && frame.opcode != kPong) {
    why = "unknown opcode";
    return Parsed::bad;
  }
  if ((b1 & 0x80) != 0) {
    why = "a masked frame from the server";
    return Parsed::bad;
  }
  std::uint64_t size = b1 & 0x7f;
  std::size_t header = 2;
  if (size == 126) {
    if (data.size() < 4) return Parsed::incomplete;
    size = static_cast<std::uint64_t>(byte(2)) << 8 | byte(3);
    header = 4;
  } else if (size == 127) {
    if (data.size() < 10) return Parsed::incomplete;
    size = 0;
    for (std::size_t i = 2; i < 10; ++i) size = size << 8 | byte(i);
    header = 10;
  }
  if (control && (!frame.fin || size > 125)) {
    why = "a fragmented or oversized control frame";
    return Parsed::bad;
  }
  if (size > max_payload) {
    why = "a frame larger than parley_load accepts";
    return Parsed::bad;
  }
  if (data.size() - header < size) return Parsed::incomplete;
  frame.payload = data.substr(header, static_cast<std::size_t>(size));
  frame.size = header + static_cast<std::size_t>(size);
  return Parsed::frame;
}

std::string make_key() {
  std::string raw;
  for (int i = 0; i < 4; ++i) {
    auto r = next_random();
    for (int shift = 24; shift >= 0; shift -= 8) raw.push_back(static_cast<char>((r >> shift) & 0xff));
  }
  return base64(raw);
}

}  // namespace parley_load::ws
