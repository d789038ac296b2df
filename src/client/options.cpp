#include "client/options.hpp"

#include <CLI/CLI.hpp>
#include <ostream>
#include <string>

namespace parley::client {

namespace {

constexpr const char* kDescription = "parley: the terminal client of the parley chat server (parleyd).";

constexpr const char* kFooter = R"(Logging in:
  The server asks for a username and a password. With --user NAME the
  username is answered for you, and the password is taken from the
  PARLEY_PASSWORD environment variable when it is set, otherwise from the
  prompt. A password is never accepted on the command line.

Interactive use (standard input is a terminal):
  Line editing and history (Up/Down, Ctrl+A/Ctrl+E, Ctrl+R), kept in
  ~/.parley_history. Tab completes commands, user names and room names.
  Messages that arrive while you type appear above the line you are typing.
  History times are shown in local time (TZ).
  Ctrl+C or Ctrl+D logs out and quits.

Client commands (at the command prompt, also in scripts):
  /switch #room   plain lines become messages to #room (or /switch USER);
                  the prompt shows "#room> "; an empty line sends nothing
  /switch         lines are commands again
  /COMMAND ...    sends a server command, e.g. /whoelse, /history #room
  //TEXT          sends /TEXT (to the room while switched)

Scripted use (standard input is not a terminal):
  Each input line answers the server's next prompt; everything the server
  sends is printed. At the end of input parley waits for the last reply,
  logs out and exits, e.g.
    printf 'alice\nsecret\nwhoelse\n' | parley localhost 4119

Environment:
  PARLEY_PASSWORD  password used with --user
  NO_COLOR         when set and not empty, no colours
  HOME             where .parley_history is kept
  TZ               the time zone history times are shown in

TLS:
  With --tls the connection is encrypted and the server must prove it is
  HOST: its certificate must be issued for that name or address, be valid
  today and be signed by an authority the system trusts (or one in the
  --ca FILE). Otherwise parley says why and exits with status 1; it never
  falls back to a plain connection.

Exit status:
  0 after logging out, 1 when the connection failed or was lost, the
  server's certificate was refused or the login was not completed, 2 for a
  bad command line.)";

std::string strip_brackets(std::string host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') return host.substr(1, host.size() - 2);
  return host;
}

}  // namespace

std::variant<Options, int> parse_options(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{kDescription, "parley"};
  app.footer(kFooter);
  app.get_formatter()->column_width(24);

  Options options;
  int port = 0;
  std::string user;
  app.add_option("host", options.host, "Server address: IPv4, IPv6 or host name")->required()->type_name("HOST");
  app.add_option("port", port, "Server port, 1 to 65535")
      ->required()
      ->type_name("PORT")
      ->check(CLI::Range(1, 65535).description(""));
  auto* user_option =
      app.add_option("-u,--user", user, "Log in as NAME without the username prompt")->type_name("NAME");
  app.add_flag("--tls", options.tls,
               "Connect with TLS; the server's certificate must be valid for HOST and signed by a trusted authority");
  std::string ca_file;
  auto* ca_option =
      app.add_option("--ca", ca_file, "With --tls: trust the authorities in FILE (PEM) instead of the system's")
          ->type_name("FILE");
  app.set_version_flag("--version", std::string("parley ") + PARLEY_VERSION, "Print the version and exit");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return kExitOk;
  } catch (const CLI::CallForVersion& e) {
    out << e.what() << "\n";
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    err << "parley: " << e.what() << " (see parley --help)\n";
    return kExitUsage;
  }
  if (options.host.empty()) {
    err << "parley: the host must not be empty (see parley --help)\n";
    return kExitUsage;
  }
  if (user_option->count() > 0) {
    if (user.empty() || user.find_first_of(" \t\r\n") != std::string::npos) {
      err << "parley: --user needs a name without spaces\n";
      return kExitUsage;
    }
    options.user = user;
  }
  if (ca_option->count() > 0) {
    if (!options.tls) {
      err << "parley: --ca needs --tls (see parley --help)\n";
      return kExitUsage;
    }
    options.ca_file = ca_file;
  }
  options.host = strip_brackets(options.host);
  options.port = std::to_string(port);
  return options;
}

}  // namespace parley::client
