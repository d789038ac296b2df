#include "traffic.hpp"

namespace parley_load {

Schedule run_window(Driver& driver, Window& window, CpuWindow& cpu) {
  const auto& opt = driver.options();
  Schedule s;
  s.from = now_ns() + 20'000'000;
  s.start = s.from + seconds_ns(opt.warmup);
  s.end = s.start + seconds_ns(opt.duration);
  window.start.store(s.start);
  window.end.store(s.end);
  window.send_until.store(s.end);
  window.send_from.store(s.from, std::memory_order_release);
  driver.post_all([](Worker&) {});  // wake every worker now
  driver.sleep_until(s.start, "warm-up");
  cpu = driver.cpu_begin();
  driver.sleep_until(s.end, "measuring");
  driver.cpu_end(cpu);
  return s;
}

}  // namespace parley_load
