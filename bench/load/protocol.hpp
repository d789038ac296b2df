// The wire protocols: parleyd's classic line protocol, IRC, and parleyd's
// web listener (JSON over WebSocket). A protocol drives the login of a
// connection, splits what arrives into lines (or WebSocket messages) and
// reports what they mean to the worker, and formats what the scenarios send.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "options.hpp"
#include "payload.hpp"

namespace parley_load {

class Worker;
struct Connection;

class Protocol {
 public:
  virtual ~Protocol() = default;
  // The TCP connection is up.
  virtual void connected(Worker& w, Connection& c) = 0;
  // A connection held at the login prompt (login scenario) logs in now.
  virtual void release(Worker& w, Connection& c) = 0;
  // Handles received bytes; returns how many were consumed (the rest is an
  // incomplete line, kept for the next read).
  virtual std::size_t consume(Worker& w, Connection& c, std::string_view data) = 0;
  virtual void append_private(std::string& out, std::uint32_t to_index, const Payload& p) = 0;
  // A fan-out message: a broadcast, or to the channel (IRC) or room (classic or web with --room).
  virtual void append_broadcast(std::string& out, const Payload& p) = 0;
  // Join the benchmark channel (IRC) or room (classic, web); the worker hears of
  // it through joined().
  virtual void join_channel(Worker& w, Connection& c) = 0;
  // IRC only: set the channel to auditorium mode (+u).
  virtual void set_auditorium(Worker& w, Connection& c) = 0;
  // Log out; the server closes the connection.
  virtual void log_out(Worker& w, Connection& c) = 0;
};

std::unique_ptr<Protocol> make_protocol(const Options& opt);
std::unique_ptr<Protocol> make_classic_protocol(const Options& opt);
std::unique_ptr<Protocol> make_irc_protocol(const Options& opt);
std::unique_ptr<Protocol> make_web_protocol(const Options& opt);

}  // namespace parley_load
