// Every figure parleyd counts, one slot each in every thread's block.
// Counters only grow; gauges (marked) go up and down and are summed over
// the threads like the counters, so one thread may hold a negative part.
#pragma once

#include <cstddef>

namespace parley::metrics {

enum class Figure : std::size_t {
  // Connections (gauges), by state and by TLS or plain.
  connections_logging_in_plain,
  connections_logging_in_tls,
  connections_logged_in_plain,
  connections_logged_in_tls,
  // Connections accepted by a listener, and refused (at accept, or at login
  // for busy and too_many_failures), by session::Refusal.
  connections_accepted,
  refused_server_full,
  refused_too_many_connections,
  refused_too_many_logins,
  refused_too_many_failures,
  refused_busy,
  // Logins.
  logins_ok,
  logins_failed,   // wrong password
  logins_blocked,  // refused while the (username, address) pair is blocked
  lockout_blocks,  // blocks started
  // Command lines of logged-in users, by kind.
  messages_in_private,
  messages_in_broadcast,
  messages_in_broadcast_list,
  messages_in_room,
  messages_in_other,
  // Messages from others queued for a connection, by kind.
  messages_out_private,
  messages_out_broadcast,
  messages_out_room,
  messages_out_offline,  // replayed at login: the mailbox and the rooms' unread
  bytes_in,
  bytes_out,
  // Bytes put in outbound queues, and dropped from them at close: what is
  // queued now is these less bytes_out (one count fewer per write).
  bytes_queued,
  bytes_dropped,
  slow_cut_offs,
  idle_timeouts,
  login_timeouts,
  ping_timeouts,  // keep-alive pings unanswered (IRC)
  // The store.
  store_commits,
  store_failures,             // jobs whose write or read failed
  history_rows_dropped,       // private history not kept: the store was too far behind
  store_rows_written,         // rows inserted, updated or deleted by committed jobs
  store_commit_nanoseconds,   // the latency histogram's sum
  store_commit_bucket_first,  // its buckets, not cumulative, the last for +Inf
  store_commit_bucket_last = store_commit_bucket_first + 12,
  count
};

constexpr std::size_t kFigures = static_cast<std::size_t>(Figure::count);

constexpr std::size_t index(Figure f) { return static_cast<std::size_t>(f); }

}  // namespace parley::metrics
