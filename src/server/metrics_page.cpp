#include "server/metrics_page.hpp"

#include <vector>

#include "metrics/exposition.hpp"
#include "metrics/histogram.hpp"

namespace parley::server {

using metrics::Figure;
using metrics::Type;

std::string metrics_page(const metrics::Snapshot& c, const ScrapeFigures& scrape) {
  metrics::TextWriter w;

  w.family("parley_build_info", Type::gauge, "Always 1; the version in a label.");
  w.sample("parley_build_info", {{"version", scrape.version}}, std::int64_t{1});

  w.family("parley_connections_open", Type::gauge, "Client connections open now, by state, protocol and TLS.");
  struct Open {
    const char* state;
    const char* tls;
    Figure figure;
  };
  for (const auto& o : {Open{"logging_in", "false", Figure::connections_logging_in_plain},
                        Open{"logging_in", "true", Figure::connections_logging_in_tls},
                        Open{"logged_in", "false", Figure::connections_logged_in_plain},
                        Open{"logged_in", "true", Figure::connections_logged_in_tls}})
    w.sample("parley_connections_open", {{"state", o.state}, {"protocol", "classic"}, {"tls", o.tls}}, c[o.figure]);

  w.family("parley_connections_accepted_total", Type::counter, "Client connections accepted by the listeners.");
  w.sample("parley_connections_accepted_total", c[Figure::connections_accepted]);

  w.family("parley_connections_refused_total", Type::counter,
           "Connections refused, by reason: at accept, or at login for busy (the login queue was full: load shed) "
           "and too_many_failures.");
  struct Refused {
    const char* reason;
    Figure figure;
  };
  for (const auto& r :
       {Refused{"server_full", Figure::refused_server_full},
        Refused{"too_many_connections", Figure::refused_too_many_connections},
        Refused{"too_many_logins", Figure::refused_too_many_logins},
        Refused{"too_many_failures", Figure::refused_too_many_failures}, Refused{"busy", Figure::refused_busy}})
    w.sample("parley_connections_refused_total", {{"reason", r.reason}}, c[r.figure]);

  w.family("parley_logins_total", Type::counter,
           "Login attempts by result: ok, failed (wrong password), blocked (the username and address are blocked).");
  w.sample("parley_logins_total", {{"result", "ok"}}, c[Figure::logins_ok]);
  w.sample("parley_logins_total", {{"result", "failed"}}, c[Figure::logins_failed]);
  w.sample("parley_logins_total", {{"result", "blocked"}}, c[Figure::logins_blocked]);

  w.family("parley_lockout_blocks_total", Type::counter, "Blocks of a username and address started by failed logins.");
  w.sample("parley_lockout_blocks_total", c[Figure::lockout_blocks]);

  w.family("parley_login_queue_waiting", Type::gauge, "Password checks waiting for a hashing thread.");
  w.sample("parley_login_queue_waiting", scrape.login_queue_waiting);

  w.family("parley_messages_in_total", Type::counter, "Command lines from logged-in users, by kind.");
  w.sample("parley_messages_in_total", {{"kind", "private"}}, c[Figure::messages_in_private]);
  w.sample("parley_messages_in_total", {{"kind", "broadcast"}}, c[Figure::messages_in_broadcast]);
  w.sample("parley_messages_in_total", {{"kind", "broadcast_list"}}, c[Figure::messages_in_broadcast_list]);
  w.sample("parley_messages_in_total", {{"kind", "room"}}, c[Figure::messages_in_room]);
  w.sample("parley_messages_in_total", {{"kind", "other"}}, c[Figure::messages_in_other]);

  w.family("parley_messages_out_total", Type::counter,
           "Messages delivered to connections, by kind: live private, live broadcast, live room, or offline "
           "(the mailbox and the rooms' unread messages at login).");
  w.sample("parley_messages_out_total", {{"kind", "private"}}, c[Figure::messages_out_private]);
  w.sample("parley_messages_out_total", {{"kind", "broadcast"}}, c[Figure::messages_out_broadcast]);
  w.sample("parley_messages_out_total", {{"kind", "room"}}, c[Figure::messages_out_room]);
  w.sample("parley_messages_out_total", {{"kind", "offline"}}, c[Figure::messages_out_offline]);

  w.family("parley_bytes_in_total", Type::counter, "Bytes read from clients (after TLS decryption).");
  w.sample("parley_bytes_in_total", c[Figure::bytes_in]);
  w.family("parley_bytes_out_total", Type::counter, "Bytes written to clients (before TLS encryption).");
  w.sample("parley_bytes_out_total", c[Figure::bytes_out]);

  w.family("parley_outbound_queue_bytes", Type::gauge, "Bytes queued for clients and not yet written, all together.");
  w.sample("parley_outbound_queue_bytes", c[Figure::bytes_queued] - c[Figure::bytes_out] - c[Figure::bytes_dropped]);

  w.family("parley_slow_client_cutoffs_total", Type::counter,
           "Connections cut off because they did not read what they were sent (max-queue).");
  w.sample("parley_slow_client_cutoffs_total", c[Figure::slow_cut_offs]);

  w.family("parley_timeouts_total", Type::counter,
           "Connections ended by a deadline: idle (logged in, timeout), login (login-timeout) or ping (an IRC ping "
           "unanswered).");
  w.sample("parley_timeouts_total", {{"kind", "idle"}}, c[Figure::idle_timeouts]);
  w.sample("parley_timeouts_total", {{"kind", "login"}}, c[Figure::login_timeouts]);
  w.sample("parley_timeouts_total", {{"kind", "ping"}}, c[Figure::ping_timeouts]);

  w.family("parley_store_commits_total", Type::counter, "Store transactions (group commits, reads included).");
  w.sample("parley_store_commits_total", c[Figure::store_commits]);

  w.family("parley_store_commit_seconds", Type::histogram, "Time a store transaction took, its sync included.");
  std::vector<double> bounds(metrics::kCommitSecondsBounds.begin(), metrics::kCommitSecondsBounds.end());
  std::vector<std::int64_t> counts;
  for (auto i = metrics::index(Figure::store_commit_bucket_first);
       i <= metrics::index(Figure::store_commit_bucket_last); ++i)
    counts.push_back(c.values[i]);
  w.histogram("parley_store_commit_seconds", bounds, counts,
              static_cast<double>(c[Figure::store_commit_nanoseconds]) / 1e9);

  w.family("parley_store_failures_total", Type::counter, "Store operations that failed (disk full, I/O error).");
  w.sample("parley_store_failures_total", c[Figure::store_failures]);
  w.family("parley_history_rows_dropped_total", Type::counter,
           "Private messages left out of history because the store was 100,000 rows behind.");
  w.sample("parley_history_rows_dropped_total", c[Figure::history_rows_dropped]);

  w.family("parley_store_rows_written_total", Type::counter,
           "Rows the store inserted, updated or deleted in committed transactions.");
  w.sample("parley_store_rows_written_total", c[Figure::store_rows_written]);

  w.family("parley_store_up", Type::gauge, "1 when the store answered this scrape in time, else 0.");
  w.sample("parley_store_up", std::int64_t{scrape.stored_messages ? 1 : 0});
  if (scrape.stored_messages) {
    w.family("parley_mailbox_messages", Type::gauge,
             "Messages stored for users to get at their next login (a broadcast stored once counts once).");
    w.sample("parley_mailbox_messages", *scrape.stored_messages);
  }

  if (const auto& p = scrape.process) {
    w.family("parley_process_cpu_seconds_total", Type::counter, "CPU time of the process, user and system.");
    w.sample("parley_process_cpu_seconds_total", {}, p->cpu_seconds);
    w.family("parley_process_resident_memory_bytes", Type::gauge, "Resident memory of the process.");
    w.sample("parley_process_resident_memory_bytes", p->resident_bytes);
    w.family("parley_process_open_fds", Type::gauge, "Open file descriptors.");
    w.sample("parley_process_open_fds", p->open_fds);
    w.family("parley_process_max_fds", Type::gauge, "The limit on open file descriptors.");
    w.sample("parley_process_max_fds", p->max_fds);
    w.family("parley_process_start_time_seconds", Type::gauge, "When the process started, in seconds since the epoch.");
    w.sample("parley_process_start_time_seconds", {}, p->start_time_seconds);
  }
  return w.take();
}

}  // namespace parley::server
