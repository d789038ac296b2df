#include "irc_support.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

namespace parley::test {

unsigned short irc_port(ServerProcess& server) {
  std::string line = server.wait_for_log("irc protocol listening on");
  auto colon = line.rfind(':');
  if (line.empty() || colon == std::string::npos) {
    ADD_FAILURE() << "parleyd did not report an IRC port; log:\n" << server.log();
    return 0;
  }
  return static_cast<unsigned short>(std::stoi(line.substr(colon + 1)));
}

std::string sasl_plain(const std::string& user, const std::string& password) {
  std::string raw = std::string(1, '\0') + user + std::string(1, '\0') + password;
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string IrcClient::sync() {
  auto token = "sync" + std::to_string(++syncs_);
  send("PING :" + token);
  return expect(":" + token + "\r\n");
}

std::string IrcClient::register_sasl(const std::string& user, const std::string& password, const std::string& caps) {
  send("CAP LS 302");
  send("NICK " + user);
  send("USER " + user + " 0 * :" + user);
  send("CAP REQ :sasl" + (caps.empty() ? "" : " " + caps));
  std::string out = expect("ACK");
  send("AUTHENTICATE PLAIN");
  out += expect("AUTHENTICATE +");
  send("AUTHENTICATE " + sasl_plain(user, password));
  out += expect(" 903 ");
  send("CAP END");
  out += sync();
  return out;
}

std::string IrcClient::register_pass(const std::string& user, const std::string& password) {
  send("PASS " + password);
  send("NICK " + user);
  send("USER " + user + " 0 * :" + user);
  return sync();
}

}  // namespace parley::test
