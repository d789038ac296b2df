// The line framer fed one byte stream in fuzzer-chosen chunks, each chunk in
// a buffer of its own that is freed once framed (as the worker reuses its
// read buffer). What comes out must be exactly what splitting the whole
// stream at once gives, every line within the limit and without '\n', and
// no more than one line kept between chunks.
#include "net/line_framer.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

using parley::net::LineFramer;

struct Event {
  bool too_long = false;
  std::string line;
  bool operator==(const Event&) const = default;
};

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "line framer invariant broken: %s\n", what);
  std::abort();
}

// The reference: each line ended by '\n' (one '\r' before it dropped) is a
// line within the limit or one report; an unfinished last line is reported
// once as soon as it cannot fit any more (the limit plus a '\r').
std::vector<Event> split(std::string_view stream, std::size_t max_line) {
  std::vector<Event> events;
  for (;;) {
    auto newline = stream.find('\n');
    if (newline == std::string_view::npos) {
      if (stream.size() > max_line + 1) events.push_back({true, {}});
      return events;
    }
    auto line = stream.substr(0, newline);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    events.push_back(line.size() <= max_line ? Event{false, std::string(line)} : Event{true, {}});
    stream.remove_prefix(newline + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  auto max_line = in.ConsumeIntegralInRange<std::size_t>(0, 64);
  LineFramer framer(max_line);
  std::string stream;
  std::vector<Event> events;
  while (in.remaining_bytes() > 0) {
    auto length = in.ConsumeIntegralInRange<std::size_t>(0, 255);
    auto bytes = in.ConsumeBytesAsString(length);
    stream += bytes;
    auto chunk = std::make_unique<char[]>(bytes.size() + 1);
    std::memcpy(chunk.get(), bytes.data(), bytes.size());
    std::string_view input(chunk.get(), bytes.size());
    for (std::size_t calls = 0;; ++calls) {
      check(calls <= bytes.size() + 1, "no progress");
      auto before = input.size();
      std::string_view line;
      auto status = framer.next(input, line);
      check(input.size() <= before, "input grew");
      check(framer.buffered() <= max_line + 1, "more than one line kept");
      if (status == LineFramer::Status::need_more) {
        check(input.empty(), "need_more with input left");
        break;
      }
      if (status == LineFramer::Status::too_long) {
        events.push_back({true, {}});
        continue;
      }
      check(line.size() <= max_line, "line over the limit");
      check(line.find('\n') == std::string_view::npos, "line holds a newline");
      events.emplace_back(Event{false, std::string(line)});
    }
    // The framer keeps no view into a buffer that is gone.
    std::memset(chunk.get(), '\n', bytes.size());
    chunk.reset();
  }
  auto expected = split(stream, max_line);
  check(events == expected, "lines differ from splitting the whole stream");
  // Every byte is accounted for: what is not a finished line is kept, unless
  // it was reported too long.
  auto tail = stream.substr(stream.rfind('\n') == std::string::npos ? 0 : stream.rfind('\n') + 1);
  check(framer.buffered() == (tail.size() > max_line + 1 ? 0 : tail.size()), "unfinished line not kept whole");
  return 0;
}
