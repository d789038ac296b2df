// parley_load: a load generator for parleyd and, for comparison, IRC
// servers. See bench/README.md and `parley_load --help`.
#include <signal.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "driver.hpp"
#include "options.hpp"
#include "protocol.hpp"
#include "report.hpp"
#include "scenario.hpp"

using namespace parley_load;

namespace {

int write_users(const Options& opt) {
  std::ofstream out(opt.write_users, std::ios::trunc);
  for (std::uint32_t i = 0; i < opt.connections() && out; ++i) out << user_name(i) << ' ' << opt.password << '\n';
  out.close();
  if (!out) {
    std::fprintf(stderr, "parley_load: cannot write %s\n", opt.write_users.c_str());
    return 1;
  }
  std::printf("wrote %u accounts to %s\n", opt.connections(), opt.write_users.c_str());
  return 0;
}

// Raises the soft descriptor limit to the hard one, and the hard one too when
// that is not enough and we may (root). Exits with advice when it stays too low.
void raise_fd_limit(std::uint32_t connections) {
  const rlim_t need = static_cast<rlim_t>(connections) + 64;
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  if (lim.rlim_cur >= need) return;
  rlimit more{need, std::max(need, lim.rlim_max)};
  if (setrlimit(RLIMIT_NOFILE, &more) == 0) return;
  std::fprintf(stderr,
               "parley_load: %u connections need %llu file descriptors, but the limit is %llu (hard limit %llu) and "
               "cannot be raised: %s.\nRaise it first, e.g. `ulimit -Hn %llu; ulimit -n %llu` as root, or use fewer "
               "--clients/--pairs.\n",
               connections, static_cast<unsigned long long>(need), static_cast<unsigned long long>(lim.rlim_cur),
               static_cast<unsigned long long>(lim.rlim_max), std::strerror(errno),
               static_cast<unsigned long long>(need), static_cast<unsigned long long>(need));
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  auto opt = parse_options(argc, argv);
  if (!opt.write_users.empty()) return write_users(opt);
  raise_fd_limit(opt.connections());

  auto protocol = make_protocol(opt);
  auto scenario = make_scenario(opt);
  Report report;
  {
    Driver driver(opt, *protocol, *scenario);
    scenario->run(driver, report);
  }
  std::fputs(report.human().c_str(), stdout);
  std::fflush(stdout);
  if (!opt.json_path.empty()) {
    std::ofstream out(opt.json_path, std::ios::trunc);
    out << report.json();
    out.close();
    if (!out) {
      std::fprintf(stderr, "parley_load: cannot write %s\n", opt.json_path.c_str());
      return 1;
    }
  }
  return 0;
}
