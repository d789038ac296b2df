// The RFC 6455 frame codec: every length form, masks, fragments with control
// frames between them, input cut anywhere, and each violation with the
// status code it closes with.
#include "net/websocket_frame.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <ostream>
#include <string>
#include <vector>

namespace parley::net::ws {
namespace {

using Kind = FrameDecoder::Kind;

constexpr std::array<unsigned char, 4> kKey{0x37, 0xfa, 0x21, 0x3d};

struct Seen {
  Kind kind;
  std::string payload;
  std::uint16_t code = 0;
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Seen& seen) {
  return out << "{" << static_cast<int>(seen.kind) << " '" << seen.payload << "' " << seen.code << "}";
}

// Feeds `bytes` in pieces of `step` bytes (0: all at once), each piece in
// a buffer of its own, and collects the events.
std::vector<Seen> decode(std::string bytes, std::size_t max_message = 1 << 20, std::size_t step = 0) {
  FrameDecoder decoder(max_message);
  std::vector<Seen> seen;
  if (step == 0) step = bytes.size() + 1;
  for (std::size_t at = 0; at < bytes.size(); at += step) {
    std::string piece = bytes.substr(at, step);
    std::span<char> input(piece.data(), piece.size());
    for (;;) {
      auto event = decoder.next(input);
      if (event.kind == Kind::need_more) break;
      seen.push_back({event.kind, std::string(event.payload), event.code});
      if (event.kind == Kind::error) return seen;
    }
    EXPECT_TRUE(input.empty());
  }
  return seen;
}

std::string client(Opcode opcode, std::string_view payload, bool fin = true) {
  return encode_client_frame(opcode, payload, kKey, fin);
}

Seen text(std::string payload) { return {Kind::text, std::move(payload), 0}; }
Seen error(std::uint16_t code) { return {Kind::error, "", code}; }

TEST(WebSocketFrameTest, EveryLengthFormAtOnceAndByteByByte) {
  for (std::size_t length : {0u, 1u, 125u, 126u, 127u, 65535u, 65536u, 70000u}) {
    std::string payload(length, 'x');
    for (std::size_t i = 0; i < length; ++i) payload[i] = static_cast<char>('a' + i % 26);
    auto frame = client(Opcode::text, payload);
    std::size_t header = length < 126 ? 6 : length <= 65535 ? 8 : 14;
    EXPECT_EQ(frame.size(), header + length);
    EXPECT_EQ(decode(frame), std::vector{text(payload)}) << length;
    if (length <= 1000) {
      EXPECT_EQ(decode(frame, 1 << 20, 1), std::vector{text(payload)}) << length;
    }
    EXPECT_EQ(decode(frame, 1 << 20, 7), std::vector{text(payload)}) << length;
  }
}

TEST(WebSocketFrameTest, MasksAreUndoneWhateverTheKey) {
  std::string payload = "héllo, wörld: a mask must not leak into the text";
  for (std::array<unsigned char, 4> key :
       {std::array<unsigned char, 4>{0, 0, 0, 0}, {0xff, 0xff, 0xff, 0xff}, {0x01, 0x80, 0x7f, 0xfe}}) {
    auto frame = encode_client_frame(Opcode::text, payload, key);
    EXPECT_EQ(decode(frame), std::vector{text(payload)});
    EXPECT_EQ(decode(frame, 1 << 20, 3), std::vector{text(payload)});
  }
}

TEST(WebSocketFrameTest, SeveralMessagesInOneInput) {
  auto bytes = client(Opcode::text, "one") + client(Opcode::text, "") + client(Opcode::text, "three");
  EXPECT_EQ(decode(bytes), (std::vector{text("one"), text(""), text("three")}));
  EXPECT_EQ(decode(bytes, 1 << 20, 1), (std::vector{text("one"), text(""), text("three")}));
}

TEST(WebSocketFrameTest, FragmentsAreReassembledWithControlFramesBetween) {
  auto bytes = client(Opcode::text, "hel", false) + client(Opcode::ping, "p1") +
               client(Opcode::continuation, "lo ", false) + client(Opcode::pong, "") +
               client(Opcode::continuation, "world") + client(Opcode::text, "next");
  std::vector<Seen> expected{{Kind::ping, "p1"}, {Kind::pong, ""}, text("hello world"), text("next")};
  for (std::size_t step : {0u, 1u, 2u, 5u, 11u}) EXPECT_EQ(decode(bytes, 1 << 20, step), expected) << step;
}

TEST(WebSocketFrameTest, ACharacterSplitAcrossFragmentsIsValid) {
  std::string euro = "\xE2\x82\xAC";
  auto bytes = client(Opcode::text, euro.substr(0, 1), false) + client(Opcode::continuation, euro.substr(1));
  EXPECT_EQ(decode(bytes), std::vector{text(euro)});
}

TEST(WebSocketFrameTest, ControlFrames) {
  EXPECT_EQ(decode(client(Opcode::ping, std::string(125, 'p'))),
            (std::vector<Seen>{{Kind::ping, std::string(125, 'p')}}));
  EXPECT_EQ(decode(client(Opcode::pong, "x")), (std::vector<Seen>{{Kind::pong, "x"}}));
  EXPECT_EQ(decode(client(Opcode::close, "")), (std::vector<Seen>{{Kind::close, "", close_code::no_status}}));
  EXPECT_EQ(decode(client(Opcode::close, close_payload(1000, "bye"))), (std::vector<Seen>{{Kind::close, "bye", 1000}}));
  EXPECT_EQ(decode(client(Opcode::close, close_payload(4000)), 1 << 20, 1),
            (std::vector<Seen>{{Kind::close, "", 4000}}));
}

TEST(WebSocketFrameTest, ProtocolViolations) {
  auto flip = [](std::string frame, std::size_t at, unsigned char bits) {
    frame[at] = static_cast<char>(static_cast<unsigned char>(frame[at]) ^ bits);
    return frame;
  };
  auto hello = client(Opcode::text, "hello");
  // Unmasked: a server frame sent by a client.
  EXPECT_EQ(decode(encode_server_frame(Opcode::text, "hello")), std::vector{error(close_code::protocol_error)});
  for (unsigned char rsv : std::initializer_list<unsigned char>{0x40, 0x20, 0x10})
    EXPECT_EQ(decode(flip(hello, 0, rsv)), std::vector{error(close_code::protocol_error)});
  for (unsigned char opcode : std::initializer_list<unsigned char>{0x3, 0x7, 0xB, 0xF}) {
    auto frame = hello;
    frame[0] = static_cast<char>(0x80 | opcode);
    EXPECT_EQ(decode(frame), std::vector{error(close_code::protocol_error)}) << int(opcode);
  }
  EXPECT_EQ(decode(client(Opcode::ping, "x", false)), std::vector{error(close_code::protocol_error)});
  EXPECT_EQ(decode(client(Opcode::ping, std::string(126, 'p'))), std::vector{error(close_code::protocol_error)});
  EXPECT_EQ(decode(client(Opcode::continuation, "x")), std::vector{error(close_code::protocol_error)});
  EXPECT_EQ(decode(client(Opcode::text, "a", false) + client(Opcode::text, "b")),
            std::vector{error(close_code::protocol_error)});
  // A 64-bit length with its top bit set.
  std::string huge = "\x81\xFF\x80";
  huge += std::string(7, '\0') + "abcd";
  EXPECT_EQ(decode(huge), std::vector{error(close_code::protocol_error)});
}

TEST(WebSocketFrameTest, BinaryIsRefusedWithUnsupportedData) {
  EXPECT_EQ(decode(client(Opcode::binary, "\x01\x02")), std::vector{error(close_code::unsupported_data)});
  EXPECT_EQ(decode(client(Opcode::binary, "", false)), std::vector{error(close_code::unsupported_data)});
}

TEST(WebSocketFrameTest, TextThatIsNotUtf8) {
  for (std::string bad : {"\xFF", "\xC0\xAF", "\xED\xA0\x80", "ok\xE2\x82", "\x80"})
    EXPECT_EQ(decode(client(Opcode::text, bad)), std::vector{error(close_code::invalid_payload)});
  EXPECT_EQ(decode(client(Opcode::text, "\xE2", false) + client(Opcode::continuation, "\x82")),
            std::vector{error(close_code::invalid_payload)});
}

TEST(WebSocketFrameTest, MessagesOverTheLimit) {
  EXPECT_EQ(decode(client(Opcode::text, std::string(100, 'a')), 100), std::vector{text(std::string(100, 'a'))});
  EXPECT_EQ(decode(client(Opcode::text, std::string(101, 'a')), 100), std::vector{error(close_code::message_too_big)});
  // Known at the header: nothing of the payload need arrive.
  auto header = client(Opcode::text, std::string(70000, 'a')).substr(0, 14);
  EXPECT_EQ(decode(header, 65536), std::vector{error(close_code::message_too_big)});
  // Fragments add up.
  auto parts = client(Opcode::text, std::string(60, 'a'), false) + client(Opcode::continuation, std::string(41, 'b'));
  EXPECT_EQ(decode(parts, 100), std::vector{error(close_code::message_too_big)});
}

TEST(WebSocketFrameTest, BadCloseFrames) {
  EXPECT_EQ(decode(client(Opcode::close, "x")), std::vector{error(close_code::protocol_error)});
  for (std::uint16_t code : std::initializer_list<std::uint16_t>{0, 999, 1004, 1005, 1006, 1015, 2000, 5000})
    EXPECT_EQ(decode(client(Opcode::close, close_payload(code))), std::vector{error(close_code::protocol_error)})
        << code;
  EXPECT_EQ(decode(client(Opcode::close, close_payload(1000) + "\xFF")),
            std::vector{error(close_code::invalid_payload)});
}

TEST(WebSocketFrameTest, AnErrorStays) {
  FrameDecoder decoder(100);
  auto bytes = client(Opcode::binary, "x") + client(Opcode::text, "fine");
  std::span<char> input(bytes.data(), bytes.size());
  EXPECT_EQ(decoder.next(input).code, close_code::unsupported_data);
  EXPECT_EQ(decoder.next(input).kind, Kind::error);
  EXPECT_EQ(decoder.buffered(), 0u);
}

TEST(WebSocketFrameTest, NothingIsKeptOnceAMessageIsHandedOut) {
  FrameDecoder decoder(1000);
  auto bytes = client(Opcode::text, std::string(300, 'a'), false) + client(Opcode::continuation, "b");
  std::span<char> input(bytes.data(), bytes.size());
  auto event = decoder.next(input);
  EXPECT_EQ(event.kind, Kind::text);
  EXPECT_EQ(event.payload.size(), 301u);
  EXPECT_EQ(decoder.next(input).kind, Kind::need_more);
  EXPECT_EQ(decoder.buffered(), 0u);
}

TEST(WebSocketFrameTest, ServerHeaders) {
  std::array<char, 10> header{};
  auto bytes = [&](std::size_t length) { return std::string(header.data(), length); };
  EXPECT_EQ(bytes(encode_server_header(Opcode::text, true, 5, header)), "\x81\x05");
  EXPECT_EQ(bytes(encode_server_header(Opcode::text, false, 125, header)), "\x01\x7D");
  EXPECT_EQ(bytes(encode_server_header(Opcode::continuation, true, 126, header)), std::string("\x80\x7E\x00\x7E", 4));
  EXPECT_EQ(bytes(encode_server_header(Opcode::text, true, 65535, header)), "\x81\x7E\xFF\xFF");
  EXPECT_EQ(bytes(encode_server_header(Opcode::text, true, 65536, header)),
            std::string("\x81\x7F\x00\x00\x00\x00\x00\x01\x00\x00", 10));
  EXPECT_EQ(encode_server_frame(Opcode::pong, "hi"), "\x8A\x02hi");
  EXPECT_EQ(encode_server_frame(Opcode::close, close_payload(1009, "too big")), "\x88\x09\x03\xF1too big");
}

TEST(WebSocketFrameTest, CloseReasonsAreCutBetweenCharacters) {
  std::string reason;
  for (int i = 0; i < 100; ++i) reason += "\xC3\xA9";  // é
  auto payload = close_payload(1000, reason);
  EXPECT_LE(payload.size(), kMaxControlPayload);
  EXPECT_EQ(payload.size(), 124u);  // 2 + 61 characters of 2 bytes
  EXPECT_TRUE(valid_utf8(payload.substr(2)));
  EXPECT_EQ(decode(client(Opcode::close, payload)).at(0).kind, Kind::close);
}

}  // namespace
}  // namespace parley::net::ws
