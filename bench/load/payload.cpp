#include "payload.hpp"

#include <charconv>

namespace parley_load {

namespace {

template <class T>
void append_number(std::string& out, T value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, end);
}

template <class T>
bool take_number(std::string_view& text, T& value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data()) return false;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return true;
}

bool take_space(std::string_view& text) {
  if (text.empty() || text.front() != ' ') return false;
  text.remove_prefix(1);
  return true;
}

}  // namespace

void append_payload(std::string& out, const Payload& p, std::uint32_t size) {
  auto start = out.size();
  out.push_back(p.kind);
  append_number(out, p.id);
  out.push_back(' ');
  append_number(out, p.seq);
  out.push_back(' ');
  append_number(out, p.sent_at);
  auto written = out.size() - start;
  if (written < size) {
    out.push_back(' ');
    ++written;
    if (written < size) out.append(size - written, 'x');
  }
}

std::optional<Payload> parse_payload(std::string_view text) {
  if (text.size() < 6 || (text[0] != 'P' && text[0] != 'F')) return std::nullopt;
  Payload p;
  p.kind = text[0];
  text.remove_prefix(1);
  if (!take_number(text, p.id) || !take_space(text) || !take_number(text, p.seq) || !take_space(text) ||
      !take_number(text, p.sent_at))
    return std::nullopt;
  if (!text.empty() && text.front() != ' ') return std::nullopt;
  return p;
}

}  // namespace parley_load
