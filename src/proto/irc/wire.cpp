#include "proto/irc/wire.hpp"

#include <fmt/format.h>

#include <ctime>

#include "core/text.hpp"
#include "proto/irc/message.hpp"

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
// Middle parameters are names and words; an echoed one is cut to this.
constexpr std::size_t kMiddleMax = 128;

// The longest prefix of `text` within `max` bytes that ends on a UTF-8
// character boundary.
std::string_view cut(std::string_view text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

void head(std::string& out, std::string_view source, std::string_view command,
          std::initializer_list<std::string_view> middle) {
  if (!source.empty()) out.append(":").append(source).append(" ");
  out.append(command);
  for (auto p : middle) append_middle(out, p);
}
}  // namespace

void append_middle(std::string& out, std::string_view param) {
  // A middle parameter is one word: what an echo brings after a space (a
  // trailing parameter sent where a word belongs) is left out.
  param = param.substr(0, param.find(' '));
  if (param.empty() || param.front() == ':') param = "*";
  append_one_line(out.append(" "), cut(param, kMiddleMax));
}

void append_trailing(std::string& out, std::size_t line_start, std::string_view text) {
  std::size_t used = out.size() - line_start + 4;  // " :" and CR LF
  std::size_t room = used < kLineMax ? kLineMax - used : 0;
  append_one_line(out.append(" :"), cut(text, room));
}

std::string line(std::string_view source, std::string_view command, std::initializer_list<std::string_view> middle,
                 std::string_view trailing) {
  std::string out;
  head(out, source, command, middle);
  append_trailing(out, 0, trailing);
  out.append("\r\n");
  return out;
}

std::string line(std::string_view source, std::string_view command, std::initializer_list<std::string_view> middle) {
  std::string out;
  head(out, source, command, middle);
  out.append("\r\n");
  return out;
}

std::string message_line(const core::ChatMessage& m, TagSet tags, std::string_view to, std::string_view extra_tags,
                         std::string_view command) {
  std::string tag_part;
  if (tags != TagSet::none || !extra_tags.empty()) {
    tag_part.append("@").append(extra_tags);
    if (tags != TagSet::none) {
      if (!extra_tags.empty()) tag_part.append(";");
      tag_part.append("time=").append(server_time(m.sent_at));
    }
    if (tags == TagSet::all) {
      if (!m.guest && !m.sender.empty()) tag_part.append(";account=").append(m.sender);
      if (m.kind == core::MessageKind::room && m.id != 0) tag_part.append(";msgid=").append(std::to_string(m.id));
    }
    tag_part.append(" ");
  }
  std::string head_part;
  head_part.append(":").append(user_source(m.sender, m.guest)).append(" ").append(command).append(" ");
  switch (m.kind) {
    case core::MessageKind::broadcast:
      head_part.append(kEveryone);
      break;
    case core::MessageKind::room:
      head_part.append(m.room);
      break;
    default:
      head_part.append(to);
      break;
  }
  head_part.append(" :");
  std::size_t room = head_part.size() + 2 < kLineMax ? kLineMax - head_part.size() - 2 : 1;
  std::string out;
  if (m.text.size() <= room) {
    out.reserve(tag_part.size() + head_part.size() + m.text.size() + 2);
    out.append(tag_part).append(head_part).append(m.text).append("\r\n");
    return out;
  }
  for (auto piece : split_text(m.text, room)) out.append(tag_part).append(head_part).append(piece).append("\r\n");
  return out;
}

}  // namespace parley::proto::irc
