#include "protocol.hpp"

namespace parley_load {

std::unique_ptr<Protocol> make_protocol(const Options& opt) {
  switch (opt.protocol) {
    case ProtocolKind::irc:
      return make_irc_protocol(opt);
    case ProtocolKind::web:
      return make_web_protocol(opt);
    case ProtocolKind::classic:
      break;
  }
  return make_classic_protocol(opt);
}

}  // namespace parley_load
