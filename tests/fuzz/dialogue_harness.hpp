// What the dialogue targets share: two sessions on in-memory transports,
// against a real ChatService on a fresh SQLite store per input, driven by
// what the fuzzer sends. A target says which session to start and what to
// check after every step and at the end.
//
// The input is what the clients send, with 0xFF starting a two-byte control
// code (see Op below): so a plain text file is one client typing those lines,
// which keeps seeds and dictionaries readable.
//
// Determinism: password checks run in a login queue with one thread, and the
// store on its own thread. After every step the harness runs the worker's
// io_context until nothing is left: it drains the ready handlers, waits for
// the login queue by queueing a marker job behind any check (one thread and
// every client at one address, so jobs run in order), waits for the store
// with flush() (its callbacks run before flush returns), and repeats until a
// round runs nothing. Flood pacing (a real timer) is off; deadlines are
// fired on demand.
//
// Checked here for every target: no exception escaping into the connection
// (an error log), every log line one clean line, no more queued for a client
// than the outbound bound, no session stuck (each open connection waits for
// its client to send or to read), no more online than connected, and at the
// end every session closes and is freed and nobody is online.
#pragma once

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/chat_service.hpp"
#include "core/clock.hpp"
#include "core/text.hpp"
#include "fake_transport.hpp"
#include "net/address_share.hpp"
#include "net/worker.hpp"
#include "session/admission.hpp"
#include "session/login_queue.hpp"
#include "session/session.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parley::fuzz {

using test::FakeTransport;

inline void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "dialogue invariant broken: %s\n", what);
  std::abort();
}

inline bool is_control(unsigned char c) { return (c < 0x20 && c != '\n') || c == 0x7F; }

// Logs go nowhere, but each is formatted and checked: one clean line, and
// nothing at error level (a session that threw, a store that failed).
class CheckingSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string_view text(msg.payload.data(), msg.payload.size());
    for (char c : text)
      if (is_control(static_cast<unsigned char>(c)) || c == '\n') {
        std::fprintf(stderr, "log line: %s\n", core::log_safe(text, 512).c_str());
        check(false, "a log line holds a control character");
      }
    if (msg.level >= spdlog::level::err) {
      std::fprintf(stderr, "log line: %s\n", core::log_safe(text, 512).c_str());
      check(false, "an error was logged");
    }
  }
  void flush_() override {}
};

inline void install_checking_log() {
  auto logger = std::make_shared<spdlog::logger>("fuzz", std::make_shared<CheckingSink>());
  logger->set_level(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

struct Account {
  const char* name;
  const char* password;
};
inline constexpr std::array<Account, 3> kAccounts{{{"alice", "wonderland"}, {"bob", "builder"}, {"carol", "c"}}};

inline bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

inline std::size_t count(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// Two-byte control codes, 0xFF then one of these (modulo their count).
enum class Op : std::uint8_t {
  deliver,       // hand the bytes gathered so far to the current client's socket
  switch_peer,   // deliver, then the other client types
  stop_reading,  // the current client stops reading what the server sends
  read,          // it reads everything that waits
  half_close,    // deliver, then it sends its end of stream
  drop,          // it disconnects (a read error)
  deadline,      // its login or idle deadline passes
  literal_ff,    // a 0xFF byte of data
  in_flight,     // deliver without waiting, so both clients' lines are handled at once
  count,
};

struct Client {
  std::shared_ptr<FakeTransport::State> state = std::make_shared<FakeTransport::State>();
  std::weak_ptr<session::Session> session;
  std::string pending;  // typed, not yet delivered
  std::string sent;     // everything delivered
};

// Under $TMPDIR (scripts/fuzz points it at memory); removed at exit.
inline const std::filesystem::path& work_dir() {
  static const struct Dir {
    Dir() {
      std::string name = (std::filesystem::temp_directory_path() / "parley-fuzz-XXXXXX").string();
      check(mkdtemp(name.data()) != nullptr, "cannot make a work directory");
      path = name;
    }
    ~Dir() { std::filesystem::remove_all(path); }
    std::filesystem::path path;
  } dir;
  return dir.path;
}

inline session::LoginQueue& hashing() {
  static session::LoginQueue queue({1, 1, 1u << 20});
  return queue;
}

// Every fuzzed client comes from the fake transport's one address.
inline constexpr const char* kClientAddress = "192.0.2.1";

// No per-address limits: they would carry over from one input to the next.
inline session::Admission& admission() {
  static session::Admission admission({1000, 0, 0, 0, std::chrono::seconds(1)}, {});
  return admission;
}

class Dialogue {
 public:
  explicit Dialogue(net::ConnectionLimits limits)
      : limits_(limits), store_(std::make_unique<store::SqliteStore>((work_dir() / "fuzz.db").string())) {
    core::ChatSettings settings;
    settings.hash_cost = core::HashCost::minimal;
    chat_ = std::make_unique<core::ChatService>(*store_, clock_, settings);
    chat_->load();
    std::vector<core::UserEntry> entries;
    for (const auto& a : kAccounts) entries.push_back({a.name, a.password, 1});
    chat_->import_users(entries);
    session::Settings session_settings;
    session_settings.flood_rate = 0;
    session_settings.mailbox_page = 2;
    context_ = std::make_unique<session::Context>(*chat_, hashing(), admission(), session_settings, limits);
  }
  virtual ~Dialogue() = default;
  Dialogue(const Dialogue&) = delete;
  Dialogue& operator=(const Dialogue&) = delete;

  void run(const std::uint8_t* data, std::size_t size) {
    start();
    std::size_t current = 0;
    for (std::size_t i = 0; i < size; ++i) {
      if (data[i] != 0xFF) {
        clients_[current].pending.push_back(static_cast<char>(data[i]));
        continue;
      }
      if (++i == size) break;
      auto op = static_cast<Op>(data[i] % static_cast<std::uint8_t>(Op::count));
      auto& c = clients_[current];
      switch (op) {
        case Op::deliver:
          deliver(c);
          break;
        case Op::switch_peer:
          deliver(c);
          current = 1 - current;
          break;
        case Op::stop_reading:
          c.state->write_capacity = 0;
          break;
        case Op::read:
          read_all(c);
          break;
        case Op::half_close:
          deliver(c);
          c.state->reads.push_back({net::IoStatus::end, {}});
          wake(c);
          break;
        case Op::drop:
          deliver(c);
          c.state->reads.push_back({net::IoStatus::error, {}});
          wake(c);
          break;
        case Op::deadline:
          worker_.for_each([&](net::Connection& connection) {
            if (&connection.owner_handler() == static_cast<net::ConnectionHandler*>(c.session.lock().get()))
              connection.on_deadline(net::Connection::Clock::now());
          });
          settle();
          break;
        case Op::literal_ff:
          c.pending.push_back('\xFF');
          break;
        case Op::in_flight:
          deliver(c, false);
          break;
        case Op::count:
          break;
      }
    }
    for (auto& c : clients_) deliver(c);
    finish();
  }

 protected:
  // A new session of the target's protocol on `transport`.
  virtual std::shared_ptr<session::Session> make_session(std::unique_ptr<net::Transport> transport,
                                                         session::Admission::Pass pass) = 0;
  // After every step, once everything it set off has run.
  virtual void check_step() = 0;
  // At the end, once every session closed (before they are checked freed).
  virtual void check_end() = 0;

  core::ChatService& chat() { return *chat_; }
  session::Context& context() { return *context_; }
  net::Worker& worker() { return worker_; }
  const std::array<Client, 2>& clients() const { return clients_; }

 private:
  void start() {
    for (auto& c : clients_) {
      auto pass = admission().admit(kClientAddress, std::chrono::steady_clock::now());
      auto s =
          make_session(std::make_unique<FakeTransport>(c.state), std::get<session::Admission::Pass>(std::move(pass)));
      c.session = s;
      s->start();
    }
    settle();
  }

  void deliver(Client& c, bool wait = true) {
    if (c.pending.empty()) return;
    c.sent += c.pending;
    c.state->reads.push_back({net::IoStatus::ok, std::move(c.pending)});
    c.pending.clear();
    wake(c, wait);
  }

  void wake(Client& c, bool wait = true) {
    c.state->fire_readable();
    if (wait) settle();
  }

  void read_all(Client& c) {
    c.state->write_capacity = 1u << 30;
    c.state->fire_writable();
    settle();
  }

  // Runs everything the last step set off, including work in the login
  // queue and the store, until nothing is left; then checks the invariants.
  // A client whose connection waits for it to send has nothing on the
  // login queue or in the store (only a line starts such work), so when
  // every client does, the waits are skipped; `full` waits all the same,
  // for work left by connections that closed.
  void settle(bool full = false) {
    for (int round = 0;; ++round) {
      check(round < 100000, "the session never settles");
      poll();
      if (!full && std::all_of(clients_.begin(), clients_.end(),
                               [](const Client& c) { return c.state->closed || c.state->read_waiter; }))
        break;
      std::promise<void> marker;
      session::LoginQueue::Job job;
      job.share = net::address_share(kClientAddress);
      job.admit = [] { return session::LoginQueue::Admit::run; };
      job.run = [&marker] { marker.set_value(); };
      check(hashing().submit(std::move(job)).has_value(), "the login queue is full");
      marker.get_future().wait();
      store_->flush();
      if (poll() == 0) break;
    }
    worker_.for_each([this](net::Connection& connection) {
      check(connection.queued_bytes() <= limits_.max_queue_bytes, "more queued for a client than the outbound bound");
    });
    for (auto& c : clients_)
      if (!c.state->closed) check(c.state->read_waiter || c.state->write_waiter, "an open session waits for nothing");
    check(!chat_ || chat_->online_count() <= clients_.size(), "more online than connected");
    check_step();
  }

  std::size_t poll() {
    io_.restart();
    return io_.poll();
  }

  // The server stops: everyone gets the notice and every session ends.
  void finish() {
    for (auto& c : clients_) {
      c.state->write_capacity = 1u << 30;
      if (auto s = c.session.lock()) s->on_shutdown();
      c.state->fire_writable();
    }
    settle(true);
    for (auto& c : clients_) check(c.state->closed, "a session did not close at shutdown");
    check_end();
    if (std::getenv("PARLEY_FUZZ_SHOW"))  // to see what a seed does
      for (std::size_t i = 0; i < clients_.size(); ++i)
        std::fprintf(stderr, "--- client %zu sent:\n%s\n--- and saw:\n%s\n", i, clients_[i].sent.c_str(),
                     clients_[i].state->written.c_str());
    check(worker_.connections() == 0, "a connection never ended");
    for (auto& c : clients_) check(c.session.expired(), "a session outlived its connection");
    check(chat_->online_count() == 0, "someone is still online after shutdown");
  }

  net::ConnectionLimits limits_;
  // Declared first, so the database files go after everything that uses them.
  struct Scratch {
    ~Scratch() {
      for (const auto& entry : std::filesystem::directory_iterator(work_dir())) std::filesystem::remove_all(entry);
    }
  } scratch_;
  core::ManualClock clock_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<core::ChatService> chat_;
  std::unique_ptr<session::Context> context_;
  boost::asio::io_context io_;
  net::Worker worker_{io_, 0};
  std::array<Client, 2> clients_;
};

}  // namespace parley::fuzz
