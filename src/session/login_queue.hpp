// Password checks, admitted fairly. Argon2id is slow and memory-hungry on
// purpose, so checks run on a fixed number of threads (hashing memory is at
// most threads x the cost's memory) and wait in a bounded queue. Each
// address share has its own line; the threads serve the shares in turn and
// hash at most `per_share` checks of one share at once, so a client that
// floods the queue delays itself, not the others. A check whose connection
// has closed is cancelled before it is hashed.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace parley::session {

class LoginQueue {
 public:
  struct Limits {
    std::size_t threads = 1;
    std::size_t per_share = 1;      // checks of one share hashing at once (exempt shares: no cap)
    std::size_t max_waiting = 256;  // checks waiting, all shares together
  };

  // What a check says just before it would be hashed (under the queue's lock,
  // so keep it short and never call back into the queue).
  enum class Admit {
    run,   // hash it now
    wait,  // not yet (its lockout pair has enough checks pending); stays first in line
    drop,  // done without hashing (it answered by itself)
  };
  struct Job {
    std::string share;
    bool exempt = false;
    std::function<Admit()> admit;
    std::function<void()> run;  // on a checking thread, without the lock
  };
  using Ticket = std::uint64_t;

  explicit LoginQueue(Limits limits);
  ~LoginQueue();
  LoginQueue(const LoginQueue&) = delete;
  LoginQueue& operator=(const LoginQueue&) = delete;

  // nullopt: the queue is full; the caller tells its client the server is busy.
  std::optional<Ticket> submit(Job job);
  // Drops a check that has not started; one that has runs to its end.
  void cancel(Ticket ticket);
  // Ends the threads once the running checks are done; waiting ones are dropped.
  void stop();

  // On reload: the checks per share and the queue's length change; the
  // number of threads does not.
  void update(std::size_t per_share, std::size_t max_waiting);

  std::size_t threads() const { return limits_.threads; }  // never changes: read without the lock
  std::size_t waiting() const;
  Limits limits() const;

 private:
  struct Waiting {
    Ticket ticket;
    Job job;
  };
  struct Share {
    std::deque<Waiting> waiting;
    std::size_t running = 0;
    bool in_turn = false;  // listed in turns_
  };
  using Shares = std::unordered_map<std::string, Share>;

  void serve();
  // The next job to run, in turn across shares; nullopt when none may run now.
  std::optional<Job> next_locked(std::vector<Job>& dropped);
  void forget_if_idle(Shares::value_type* entry);

  mutable std::mutex mutex_;
  Limits limits_;  // under the mutex
  std::condition_variable ready_;
  Shares shares_;
  // Shares with waiting checks, next to serve first. Pointers: map elements
  // stay put when the map rehashes, its iterators do not.
  std::list<Shares::value_type*> turns_;
  std::unordered_map<Ticket, std::string> where_;  // waiting ticket -> its share
  std::size_t waiting_ = 0;
  Ticket next_ticket_ = 1;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace parley::session
