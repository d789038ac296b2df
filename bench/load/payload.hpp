// The text of every message the load generator sends:
//   <kind><id> <seq> <sent_ns> xxxx...
// kind is 'P' for pair traffic (id = pair) and 'F' for fan-out (id = sender),
// seq counts that sender's messages from 0, sent_ns is the steady clock when
// the message was produced, and 'x' pads the text to --size bytes. The
// receiver gets latency, loss and duplicates from it without shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "clock.hpp"

namespace parley_load {

struct Payload {
  char kind = 'P';
  std::uint32_t id = 0;
  std::uint64_t seq = 0;
  Ns sent_at = 0;
};

void append_payload(std::string& out, const Payload& p, std::uint32_t size);
std::optional<Payload> parse_payload(std::string_view text);

}  // namespace parley_load
