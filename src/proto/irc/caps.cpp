#include "proto/irc/caps.hpp"

#include <array>

namespace parley::proto::irc {

namespace {

struct CapName {
  std::string_view name;
  Caps bit;
  std::string_view value;  // for CAP LS 302
};

constexpr std::array kCaps{
    CapName{"account-tag", cap::account_tag, ""},
    CapName{"away-notify", cap::away_notify, ""},
    CapName{"batch", cap::batch, ""},
    CapName{"cap-notify", cap::cap_notify, ""},
    CapName{"draft/chathistory", cap::chathistory, ""},
    CapName{"echo-message", cap::echo_message, ""},
    CapName{"extended-join", cap::extended_join, ""},
    CapName{"invite-notify", cap::invite_notify, ""},
    CapName{"labeled-response", cap::labeled_response, ""},
    CapName{"message-tags", cap::message_tags, ""},
    CapName{"multi-prefix", cap::multi_prefix, ""},
    CapName{"sasl", cap::sasl, "PLAIN"},
    CapName{"server-time", cap::server_time, ""},
    CapName{"setname", cap::setname, ""},
    CapName{"userhost-in-names", cap::userhost_in_names, ""},
};

const CapName* find(std::string_view name) {
  for (const auto& c : kCaps)
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace

std::string cap_list(int version) {
  std::string out;
  for (const auto& c : kCaps) {
    if (!out.empty()) out += ' ';
    out += c.name;
    if (version >= 302 && !c.value.empty()) out.append("=").append(c.value);
  }
  return out;
}

std::optional<CapRequest> parse_cap_request(std::string_view list) {
  CapRequest request;
  while (!list.empty()) {
    auto space = list.find(' ');
    auto word = list.substr(0, space);
    list = space == std::string_view::npos ? std::string_view{} : list.substr(space + 1);
    if (word.empty()) continue;
    bool remove = word.front() == '-';
    if (remove) word.remove_prefix(1);
    const auto* c = find(word);
    if (!c) return std::nullopt;
    (remove ? request.remove : request.add) |= c->bit;
  }
  return request;
}

std::string cap_names(Caps caps) {
  std::string out;
  for (const auto& c : kCaps) {
    if (!(caps & c.bit)) continue;
    if (!out.empty()) out += ' ';
    out += c.name;
  }
  return out;
}

}  // namespace parley::proto::irc
