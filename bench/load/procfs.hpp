// What /proc says about the server under test (and getrusage about us).
#pragma once

namespace parley_load {

struct MemorySample {
  long rss_kib = -1;      // VmRSS from /proc/PID/status
  long pss_kib = -1;      // Pss from /proc/PID/smaps_rollup
  long private_kib = -1;  // Private_Clean + Private_Dirty from smaps_rollup
};

MemorySample read_memory(int pid);
// utime + stime of every thread of the process, in seconds; negative when unreadable.
double read_cpu_seconds(int pid);
// Time the process's threads spent ready to run but waiting for a CPU (the
// second field of /proc/PID/task/*/schedstat), in seconds; negative when
// unreadable. A server pinned to a core other processes use waits here.
double read_run_delay_seconds(int pid);
bool process_alive(int pid);
// CPU time this process has used, user + system, in seconds.
double self_cpu_seconds();

}  // namespace parley_load
