#include <spdlog/spdlog.h>

#include <boost/system/system_error.hpp>
#include <csignal>
#include <iostream>

#include "server/config.hpp"
#include "server/logging.hpp"
#include "server/server.hpp"
#include "server/startup_checks.hpp"

int main(int argc, char** argv) {
  auto parsed = parley::server::parse_config(argc, argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  auto& config = std::get<parley::server::ServerConfig>(parsed);
  if (config.check_only) {
    auto problem = parley::server::check_config_files(config);
    if (!problem.empty()) {
      std::cerr << "parleyd: " << problem << "\n";
      return 2;
    }
    std::cout << "configuration ok\n";
    return 0;
  }

  parley::server::set_up_logging(config.log_level, config.log_format.value_or(parley::server::default_log_format()));

  // None of these may end the server, not even before its handlers are set:
  // a peer that vanishes is an error code, a full disk a failed write, and
  // SIGHUP, SIGUSR1 and SIGUSR2 are handled (logged) once the server runs.
  for (int sig : {SIGPIPE, SIGXFSZ, SIGHUP, SIGUSR1, SIGUSR2}) std::signal(sig, SIG_IGN);
  try {
    parley::server::Server server(config);
    server.start();
    return server.run_until_signal();
  } catch (const boost::system::system_error& e) {
    spdlog::critical("{}", e.code().message());  // what() would name Boost's source files
    return 1;
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
}
