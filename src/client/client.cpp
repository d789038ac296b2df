#include "client/client.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <cerrno>
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "client/connect.hpp"
#include "client/interactive.hpp"
#include "client/line_editor.hpp"
#include "client/scripted.hpp"
#include "client/session.hpp"
#include "client/tls_connect.hpp"

namespace parley::client {

namespace asio = boost::asio;

namespace {

constexpr std::chrono::seconds kConnectTimeout{15};

// Asio makes standard input non-blocking, and a terminal shares that flag
// with the shell; put it back on the way out.
class FileStatusFlagsGuard {
 public:
  explicit FileStatusFlagsGuard(int fd) : fd_(fd), flags_(::fcntl(fd, F_GETFL)) {}
  ~FileStatusFlagsGuard() {
    if (flags_ >= 0) ::fcntl(fd_, F_SETFL, flags_);
  }
  FileStatusFlagsGuard(const FileStatusFlagsGuard&) = delete;
  FileStatusFlagsGuard& operator=(const FileStatusFlagsGuard&) = delete;

 private:
  int fd_;
  int flags_;
};

// Returns the connection (with TLS established when asked for), or prints
// why there is none.
std::optional<ServerLink> connect(asio::io_context& io, const Options& options) {
  std::optional<ServerLink> link;
  std::exception_ptr failure;
  auto attempt = [&]() -> asio::awaitable<void> {
    auto socket = co_await connect_to_server(options.host, options.port, kConnectTimeout);
    if (!options.tls) {
      link.emplace(std::move(socket));
      co_return;
    }
    link.emplace(co_await start_tls(std::move(socket), options.host, options.port, options.ca_file, kConnectTimeout));
  };
  asio::co_spawn(io, attempt(), [&](std::exception_ptr error) { failure = error; });
  io.run();
  io.restart();
  if (!failure) return link;
  try {
    std::rethrow_exception(failure);
  } catch (const ConnectError& error) {
    std::fprintf(stderr, "parley: %s\n", error.what());
    if (error.timed_out()) {
      // The lookup thread cannot be stopped and io_context would wait for it.
      std::fflush(stderr);
      std::_Exit(kExitFailure);
    }
  }
  return std::nullopt;
}

std::optional<std::string> password_from_environment(const Options& options) {
  const char* password = std::getenv("PARLEY_PASSWORD");
  if (!options.user || password == nullptr) return std::nullopt;
  return std::string(password);
}

bool is_terminal(int fd) { return ::isatty(fd) == 1; }

// A closed standard stream would be reused by the next descriptor opened
// (the socket, say), and reading "stdin" would read the server.
void ensure_standard_streams_open() {
  for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
    if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) ::open("/dev/null", O_RDWR);
  }
}

template <typename FrontendType, typename... Args>
int converse(asio::io_context& io, Session& session, Args&&... args) {
  FrontendType frontend(io, session, std::forward<Args>(args)...);
  frontend.start();
  session.start(frontend);
  io.run();
  return frontend.exit_status();
}

}  // namespace

int run_client(const Options& options) {
  ensure_standard_streams_open();
  std::setlocale(LC_ALL, "");  // readline needs it for UTF-8 input
  FileStatusFlagsGuard stdin_flags(STDIN_FILENO);
  asio::io_context io;
  auto link = connect(io, options);
  if (!link) return kExitFailure;

  Session session(std::move(*link), Conversation(options.user, password_from_environment(options)));
  Palette palette(colours_wanted(is_terminal(STDOUT_FILENO), std::getenv("NO_COLOR"), std::getenv("TERM")));
  if (is_terminal(STDIN_FILENO)) {
    return converse<InteractiveFrontend>(io, session, palette, default_history_file());
  }
  return converse<ScriptedFrontend>(io, session, palette);
}

}  // namespace parley::client
