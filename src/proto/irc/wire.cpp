#include "proto/irc/wire.hpp"

#include <fmt/format.h>

#include <ctime>

#include "core/text.hpp"

namespace parley::proto::irc {

std::string clean(std::string_view text) { return std::string(core::trim(core::sanitize_text(text))); }

std::string user_source(std::string_view nick, bool guest) {
  std::string out;
  out.reserve(nick.size() * 2 + 14);
  out.append(nick).append("!");
  if (guest)
    out.append("guest@guest");
  else
    out.append(nick).append("@parley");
  return out;
}

std::string server_time(core::TimePoint t) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
  return fmt::format("{}.{:03}Z", buf, ms % 1000);
}

void append_one_line(std::string& out, std::string_view text) {
  for (char c : text) out.push_back(c == '\r' || c == '\n' || c == '\0' ? ' ' : c);
}

namespace {
void head(std::string& out, std::string_view source, std::string_view command,
          std::initializer_list<std::string_view> middle) {
  if (!source.empty()) out.append(":").append(source).append(" ");
  out.append(command);
  for (auto p : middle) append_one_line(out.append(" "), p);
}
}  // namespace

std::string line(std::string_view source, std::string_view command, std::initializer_list<std::string_view> middle,
                 std::string_view trailing) {
  std::string out;
  head(out, source, command, middle);
  append_one_line(out.append(" :"), trailing);
  out.append("\r\n");
  return out;
}

std::string line(std::string_view source, std::string_view command, std::initializer_list<std::string_view> middle) {
  std::string out;
  head(out, source, command, middle);
  out.append("\r\n");
  return out;
}

std::string message_line(const core::ChatMessage& m, TagSet tags, std::string_view to) {
  std::string out;
  out.reserve(m.text.size() + m.sender.size() * 2 + 96);
  if (tags != TagSet::none) {
    out.append("@time=").append(server_time(m.sent_at));
    if (tags == TagSet::all) {
      if (!m.guest && !m.sender.empty()) out.append(";account=").append(m.sender);
      if (m.kind == core::MessageKind::room && m.id != 0) out.append(";msgid=").append(std::to_string(m.id));
    }
    out.append(" ");
  }
  out.append(":").append(user_source(m.sender, m.guest)).append(" PRIVMSG ");
  switch (m.kind) {
    case core::MessageKind::broadcast:
      out.append(kEveryone);
      break;
    case core::MessageKind::room:
      out.append(m.room);
      break;
    default:
      out.append(to);
      break;
  }
  out.append(" :").append(m.text).append("\r\n");
  return out;
}

}  // namespace parley::proto::irc
