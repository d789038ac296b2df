#include "options.hpp"

#include <sched.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string_view>
#include <thread>

#include "metrics_scrape.hpp"

namespace parley_load {

namespace {

constexpr const char* kUsage = R"(parley_load: load generator for parleyd (classic, web) and IRC servers.

Usage: parley_load --scenario NAME --port PORT [options]
       parley_load --scenario NAME [sizing options] --write-users FILE

Scenarios:
  idle      log in --clients N, report server memory per connection (needs --server-pid), hold --hold s
  private   --pairs P sender->receiver pairs, each keeping --inflight K messages in flight (closed loop)
  light     --pairs P pairs each sending --rate R msg/s (open loop), latency at light load
  fanout    --clients N logged in, --senders S broadcast --rate R msg/s in total; IRC: to one channel;
            with --room: to one room every client is a member of (classic, web, or parleyd over IRC)
  login     --clients N connect, then all log in at the same moment; logins/s and login latency
  offline   classic or web: --pairs P senders send --messages M each to offline receivers, which then log in

Target:
  --host ADDR            IPv4 address of the server (default 127.0.0.1)
  --port PORT            server port (required unless --write-users)
  --protocol P           classic (default), irc, or web (parleyd's --web-port: GET /ws, then its JSON
                         protocol over WebSocket)
  --server-pid PID       report the server's CPU time and memory from /proc/PID

Sizing:
  --clients N            connections (idle, fanout: 1000; login: 200)
  --pairs P              sender/receiver pairs (private: 500; light: 100; offline: 100)
  --inflight K           messages in flight per sender (private, offline; default 16)
  --size B               message text length in bytes (default 64; at least the timestamp header)
  --rate R               light: msg/s per sender (default 10); fanout: msg/s in total (default 10)
  --senders S            fanout senders (default 1)
  --messages M           offline: messages per sender (default 100)

Timing (seconds):
  --duration S           measured window (default 10)
  --warmup S             traffic before the window starts (default 2)
  --drain S              how long to wait for missing deliveries after sending stops (default 10)
  --hold S               idle: how long the connections are held (default 2)
  --timeout S            limit for connecting and logging in everyone (default 120)

Load generator:
  --threads N            worker threads, each with its own epoll loop (default: CPUs we may run on)
  --concurrency N        connects/logins outstanding at once (default 500)
  --per-source N         with more than N connections, bind connection i to 127.0.0.(1 + i/N)
                         so each source address has its own ephemeral ports (default 20000)
  --password PW          password of every account (default pw): classic and web login, IRC --irc-login
  --password-irc PW      IRC: send PASS PW before NICK/USER (a server password, the same for everyone)
  --irc-login HOW        IRC: none (default; NICK/USER only), pass (PASS <account password>, then
                         NICK/USER as the account) or sasl (CAP REQ sasl, AUTHENTICATE PLAIN, CAP END)
  --irc-auditorium       IRC: the first joiner sets MODE <channel> +u before the others join
  --irc-joined           IRC fanout: the server joins every client to --channel at registration
                         (parleyd's &everyone): wait for that JOIN instead of sending one
  --channel NAME         IRC channel for fanout (default #bench)
  --room NAME            fanout: every client joins room NAME (each on a connection of its own first,
                         then logged out, so the joins are not seen by everyone), logs in again, and the
                         senders send to it: classic 'message NAME <text>' instead of 'broadcast
                         message', web {"type":"send","to":NAME} instead of {"type":"broadcast"}; IRC (parleyd, where membership persists): JOIN NAME, QUIT, then the
                         server's JOIN at registration, and 'PRIVMSG NAME'
  --metrics ADDR:PORT    fanout with --room: scrape http://ADDR:PORT/metrics (parleyd --metrics)
                         before and after the traffic, and report the store's rows per room message

Output:
  --json FILE            every figure as JSON
  --label TEXT           name of the server under test, copied into the report
  --progress             progress line on stderr every second even when stderr is not a terminal
  --write-users FILE     write the accounts the scenario needs ('uN <password>' lines) and exit

Accounts are u1..uN. Figures are printed, never judged; the exit status is non-zero
only when the run could not be set up (cannot connect, login refused, bad options).
)";

[[noreturn]] void bad(const std::string& what) {
  std::fprintf(stderr, "parley_load: %s (see parley_load --help)\n", what.c_str());
  std::exit(2);
}

template <class T>
T parse_int(std::string_view name, std::string_view text, T lo, T hi) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < lo || value > hi)
    bad(std::string(name) + " takes a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
        ", not '" + std::string(text) + "'");
  return value;
}

double parse_seconds(std::string_view name, std::string_view text, double lo = 0, double hi = 86400) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value) || value < lo || value > hi)
    bad(std::string(name) + " takes a number from " + std::to_string(lo) + " to " + std::to_string(hi) + ", not '" +
        std::string(text) + "'");
  return value;
}

// parleyd's room names (docs/PROTOCOL.md, "Rooms").
bool is_room_name(std::string_view name) {
  if (name.size() < 2 || name.size() > 33 || name[0] != '#') return false;
  for (char c : name.substr(1)) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

unsigned usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<unsigned>(n);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

const char* name_of(ScenarioKind kind) {
  switch (kind) {
    case ScenarioKind::idle:
      return "idle";
    case ScenarioKind::private_messages:
      return "private";
    case ScenarioKind::light:
      return "light";
    case ScenarioKind::fanout:
      return "fanout";
    case ScenarioKind::login:
      return "login";
    case ScenarioKind::offline:
      return "offline";
  }
  return "?";
}

const char* name_of(ProtocolKind kind) {
  switch (kind) {
    case ProtocolKind::classic:
      return "classic";
    case ProtocolKind::irc:
      return "irc";
    case ProtocolKind::web:
      return "web";
  }
  return "?";
}

const char* name_of(IrcLogin kind) {
  switch (kind) {
    case IrcLogin::none:
      return "none";
    case IrcLogin::pass:
      return "pass";
    case IrcLogin::sasl:
      return "sasl";
  }
  return "?";
}

bool Options::paired() const {
  return scenario == ScenarioKind::private_messages || scenario == ScenarioKind::light ||
         scenario == ScenarioKind::offline;
}

std::uint32_t Options::connections() const { return paired() ? 2 * pairs : clients; }

Options parse_options(int argc, char** argv) {
  Options o;
  bool scenario_given = false;
  bool port_given = false;
  using Handler = std::function<void(std::string_view)>;
  const std::map<std::string_view, Handler> with_value = {
      {"--host", [&](std::string_view v) { o.host = std::string(v); }},
      {"--port",
       [&](std::string_view v) {
         o.port = parse_int<std::uint16_t>("--port", v, 1, 65535);
         port_given = true;
       }},
      {"--protocol",
       [&](std::string_view v) {
         if (v == "classic")
           o.protocol = ProtocolKind::classic;
         else if (v == "irc")
           o.protocol = ProtocolKind::irc;
         else if (v == "web")
           o.protocol = ProtocolKind::web;
         else
           bad("--protocol is classic, irc or web, not '" + std::string(v) + "'");
       }},
      {"--scenario",
       [&](std::string_view v) {
         scenario_given = true;
         static const std::map<std::string_view, ScenarioKind> names = {
             {"idle", ScenarioKind::idle},   {"private", ScenarioKind::private_messages},
             {"light", ScenarioKind::light}, {"fanout", ScenarioKind::fanout},
             {"login", ScenarioKind::login}, {"offline", ScenarioKind::offline}};
         auto it = names.find(v);
         if (it == names.end()) bad("unknown scenario '" + std::string(v) + "'");
         o.scenario = it->second;
       }},
      {"--clients", [&](std::string_view v) { o.clients = parse_int<std::uint32_t>("--clients", v, 1, 1000000); }},
      {"--pairs", [&](std::string_view v) { o.pairs = parse_int<std::uint32_t>("--pairs", v, 1, 500000); }},
      {"--inflight", [&](std::string_view v) { o.inflight = parse_int<std::uint32_t>("--inflight", v, 1, 100000); }},
      {"--size", [&](std::string_view v) { o.size = parse_int<std::uint32_t>("--size", v, 1, 8000); }},
      {"--rate", [&](std::string_view v) { o.rate = parse_seconds("--rate", v, 0.001, 10000000); }},
      {"--senders", [&](std::string_view v) { o.senders = parse_int<std::uint32_t>("--senders", v, 1, 100000); }},
      {"--messages", [&](std::string_view v) { o.messages = parse_int<std::uint32_t>("--messages", v, 1, 10000000); }},
      {"--duration", [&](std::string_view v) { o.duration = parse_seconds("--duration", v, 0.1); }},
      {"--warmup", [&](std::string_view v) { o.warmup = parse_seconds("--warmup", v); }},
      {"--drain", [&](std::string_view v) { o.drain = parse_seconds("--drain", v); }},
      {"--hold", [&](std::string_view v) { o.hold = parse_seconds("--hold", v); }},
      {"--timeout", [&](std::string_view v) { o.setup_timeout = parse_seconds("--timeout", v, 1); }},
      {"--threads", [&](std::string_view v) { o.threads = parse_int<unsigned>("--threads", v, 1, 256); }},
      {"--concurrency",
       [&](std::string_view v) { o.concurrency = parse_int<std::uint32_t>("--concurrency", v, 1, 100000); }},
      {"--per-source",
       [&](std::string_view v) { o.per_source = parse_int<std::uint32_t>("--per-source", v, 1, 1000000); }},
      {"--password", [&](std::string_view v) { o.password = std::string(v); }},
      {"--password-irc", [&](std::string_view v) { o.irc_password = std::string(v); }},
      {"--irc-login",
       [&](std::string_view v) {
         if (v == "none")
           o.irc_login = IrcLogin::none;
         else if (v == "pass")
           o.irc_login = IrcLogin::pass;
         else if (v == "sasl")
           o.irc_login = IrcLogin::sasl;
         else
           bad("--irc-login is none, pass or sasl, not '" + std::string(v) + "'");
       }},
      {"--channel", [&](std::string_view v) { o.channel = std::string(v); }},
      {"--room", [&](std::string_view v) { o.room = std::string(v); }},
      {"--metrics", [&](std::string_view v) { o.metrics = std::string(v); }},
      {"--server-pid", [&](std::string_view v) { o.server_pid = parse_int<int>("--server-pid", v, 1, 1 << 30); }},
      {"--json", [&](std::string_view v) { o.json_path = std::string(v); }},
      {"--write-users", [&](std::string_view v) { o.write_users = std::string(v); }},
      {"--label", [&](std::string_view v) { o.label = std::string(v); }},
  };
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (arg == "--irc-auditorium") {
      o.irc_auditorium = true;
      continue;
    }
    if (arg == "--irc-joined") {
      o.irc_joined = true;
      continue;
    }
    if (arg == "--progress") {
      o.progress = true;
      continue;
    }
    std::string_view name = arg;
    std::string_view value;
    bool has_value = false;
    if (auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    auto it = with_value.find(name);
    if (it == with_value.end()) bad("unknown option '" + std::string(arg) + "'");
    if (!has_value) {
      if (i + 1 >= argc) bad(std::string(name) + " needs a value");
      value = argv[++i];
    }
    it->second(value);
  }
  if (!scenario_given) bad("--scenario is required");
  if (!port_given && o.write_users.empty()) bad("--port is required");
  if (o.protocol == ProtocolKind::irc && o.scenario == ScenarioKind::offline)
    bad("the offline scenario needs stored messages: classic or web protocol only");
  if (o.clients == 0) o.clients = o.scenario == ScenarioKind::login ? 200 : 1000;
  if (o.pairs == 0) o.pairs = o.scenario == ScenarioKind::private_messages ? 500 : 100;
  if (o.rate == 0) o.rate = 10;
  if (o.scenario == ScenarioKind::fanout && o.senders >= o.clients)
    bad("--senders must be fewer than --clients (every sender's message goes to the others)");
  if (o.scenario == ScenarioKind::fanout && o.clients < 2) bad("fanout needs at least 2 clients");
  if (o.protocol == ProtocolKind::irc && o.size > 400) bad("--size is at most 400 for IRC (512-byte lines)");
  if (o.channel.empty() || (o.channel[0] != '#' && o.channel[0] != '&')) bad("--channel must start with #");
  if (o.protocol == ProtocolKind::irc && o.irc_login == IrcLogin::pass && !o.irc_password.empty())
    bad("--irc-login pass sends the account's password as PASS: leave out --password-irc");
  if (o.protocol != ProtocolKind::irc && (o.irc_login != IrcLogin::none || o.irc_joined || o.irc_auditorium))
    bad("--irc-login, --irc-joined and --irc-auditorium are for --protocol irc");
  if (o.irc_joined && o.scenario != ScenarioKind::fanout) bad("--irc-joined is for the fanout scenario");
  if (!o.room.empty()) {
    if (o.scenario != ScenarioKind::fanout) bad("--room is for the fanout scenario");
    if (!is_room_name(o.room))
      bad("--room is '#' followed by 1 to 32 letters, digits, '.', '_' or '-', not '" + o.room + "'");
    if (o.protocol == ProtocolKind::irc) {
      if (o.irc_auditorium || o.irc_joined) bad("--room takes neither --irc-auditorium nor --irc-joined");
      o.channel = o.room;  // the room is the channel the senders write to
    }
  }
  if (!o.metrics.empty()) {
    if (o.room.empty()) bad("--metrics goes with --room (it reports the store's rows per room message)");
    if (!parse_address(o.metrics)) bad("--metrics takes an IPv4 ADDR:PORT, not '" + o.metrics + "'");
  }
  if (o.threads == 0) o.threads = usable_cpus();
  return o;
}

}  // namespace parley_load
