// Command-line options of parley_load.
#pragma once

#include <cstdint>
#include <string>

namespace parley_load {

enum class ProtocolKind { classic, irc, web };
enum class ScenarioKind { idle, private_messages, light, fanout, login, offline };
// How an IRC client proves who it is: not at all (a server of nicknames),
// PASS with the account's password, or SASL PLAIN (parleyd's accounts).
enum class IrcLogin { none, pass, sasl };

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  ProtocolKind protocol = ProtocolKind::classic;
  ScenarioKind scenario = ScenarioKind::private_messages;
  std::uint32_t clients = 0;  // 0: the scenario's default
  std::uint32_t pairs = 0;    // 0: the scenario's default
  std::uint32_t inflight = 16;
  std::uint32_t size = 64;
  double rate = 0;  // 0: the scenario's default
  std::uint32_t senders = 1;
  std::uint32_t messages = 100;
  double duration = 10;
  double warmup = 2;
  double drain = 10;
  double hold = 2;
  unsigned threads = 0;  // 0: one per CPU this process may run on
  std::uint32_t concurrency = 500;
  std::uint32_t per_source = 20000;  // connections per 127.0.0.x source address once spread
  double setup_timeout = 120;
  std::string password = "pw";
  std::string irc_password;  // a server password (PASS) the same for every client
  IrcLogin irc_login = IrcLogin::none;
  bool irc_auditorium = false;
  // IRC fan-out: the server puts every client in --channel at registration
  // (parleyd's &everyone); wait for that JOIN instead of sending one.
  bool irc_joined = false;
  std::string channel = "#bench";
  // Fan-out to a room every client is a member of (classic, or parleyd over
  // IRC, where it is also --channel); empty: broadcast (classic) or a channel.
  std::string room;
  std::string metrics;  // ADDR:PORT of the server's /metrics, scraped around the traffic
  int server_pid = 0;
  std::string json_path;
  std::string write_users;
  std::string label;
  bool progress = false;

  // Connections the scenario opens, which is also the number of accounts u1..uN it needs.
  std::uint32_t connections() const;
  bool paired() const;
};

// Parses the command line and fills in scenario defaults. Prints the usage
// and exits 0 on --help; prints the problem and exits 2 on a bad option.
Options parse_options(int argc, char** argv);

const char* name_of(ScenarioKind kind);
const char* name_of(ProtocolKind kind);
const char* name_of(IrcLogin kind);

}  // namespace parley_load
