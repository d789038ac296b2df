// How a real IRC client under test logs in to parleyd.
#pragma once

#include <string>

namespace parley::test {

struct IrcLogin {
  std::string nick;  // also the SASL user
  std::string password;
  unsigned short port = 0;  // on 127.0.0.1
};

}  // namespace parley::test
