// One client connection: its socket, buffers, login progress and the
// per-connection traffic state the scenarios keep. A connection belongs to
// exactly one worker and is only touched on that worker's thread.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <string>
#include <vector>

#include "clock.hpp"

namespace parley_load {

enum class State : std::uint8_t {
  pending,       // not connected yet
  connecting,    // non-blocking connect in progress
  login,         // TCP up, logging in
  held,          // login scenario: waiting at the login prompt for the release
  wait_channel,  // logged in, waiting for the first client to set up the channel or room
  joining,       // IRC JOIN or classic join sent
  leaving,       // classic room member: logged out after joining, waiting for the server to close
  ready,         // logged in (and joined): counted as set up
  closed,
};

struct Connection {
  std::uint32_t index = 0;  // global index; the account is u<index+1>
  int fd = -1;
  State state = State::pending;
  std::uint8_t step = 0;  // the protocol's login step
  bool write_armed = false;
  bool dirty = false;
  bool outstanding = false;  // counted against --concurrency
  std::string in;            // bytes of an incomplete line
  std::string out;           // bytes not yet written
  std::size_t out_sent = 0;
  Ns started = 0;  // connect start, or the release in the login scenario
  // Web: a WebSocket message arriving in several frames, and whether our close frame is out.
  bool fragmented = false;
  bool close_sent = false;
  std::string message;

  // Traffic state, used by the scenarios.
  std::uint64_t sent = 0;                    // messages sent by this connection
  std::uint64_t answered = 0;                // of those, delivered (pairs) or acknowledged (offline)
  std::uint64_t expected = 0;                // receiver of a pair: next sequence number
  Ns next_due = 0;                           // open-loop senders: when the next message is due
  std::vector<std::uint64_t> expected_from;  // fan-out receiver: next sequence number per sender
  std::vector<Ns> ack_ring;                  // offline sender: send times of unacknowledged messages
};

std::string user_name(std::uint32_t index);

// Opens a non-blocking TCP socket with TCP_NODELAY and starts connecting to
// target. A non-zero source (network byte order) is bound first, with
// IP_BIND_ADDRESS_NO_PORT so the port is picked at connect() time and each
// source address gets its own ~28k ephemeral ports. Returns the descriptor,
// or -errno.
int start_connect(const sockaddr_in& target, std::uint32_t source);

// The source address for connection index when connections are spread:
// 127.0.0.(1 + index / per_source), network byte order.
std::uint32_t spread_source(std::uint32_t index, std::uint32_t per_source);

}  // namespace parley_load
