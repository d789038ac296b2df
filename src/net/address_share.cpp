#include "net/address_share.hpp"

#include <boost/asio/ip/address.hpp>
#include <charconv>

namespace parley::net {

namespace asio = boost::asio;

namespace {

std::optional<asio::ip::address_v6> as_v6(std::string_view text) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  if (address.is_v4()) return asio::ip::make_address_v6(asio::ip::v4_mapped, address.to_v4());
  return address.to_v6();
}

}  // namespace

std::string address_share(std::string_view address) {
  auto v6 = as_v6(address);
  if (!v6) return std::string(address);
  if (v6->is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, *v6).to_string();
  auto bytes = v6->to_bytes();
  for (std::size_t i = 8; i < bytes.size(); ++i) bytes[i] = 0;
  return asio::ip::address_v6(bytes).to_string() + "/64";
}

std::optional<NetworkList> NetworkList::parse(const std::vector<std::string>& entries, std::string* bad_entry) {
  NetworkList list;
  for (const auto& entry : entries) {
    std::string_view text = entry;
    auto slash = text.find('/');
    auto address = as_v6(text.substr(0, slash));
    bool v4 = text.substr(0, slash).find(':') == std::string_view::npos;
    unsigned width = v4 ? 32 : 128;
    unsigned prefix = width;
    if (slash != std::string_view::npos) {
      auto digits = text.substr(slash + 1);
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
      if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) address.reset();
    }
    if (!address || prefix > width) {
      if (bad_entry) *bad_entry = entry;
      return std::nullopt;
    }
    list.networks_.push_back({address->to_bytes(), v4 ? prefix + 96 : prefix});
  }
  return list;
}

bool NetworkList::contains(std::string_view address) const {
  auto v6 = as_v6(address);
  if (!v6) return false;
  auto bytes = v6->to_bytes();
  for (const auto& n : networks_) {
    unsigned bits = n.prefix;
    bool match = true;
    for (std::size_t i = 0; i < 16 && bits > 0 && match; ++i) {
      unsigned take = bits >= 8 ? 8 : bits;
      auto mask = static_cast<std::uint8_t>(0xFFu << (8 - take));
      match = (bytes[i] & mask) == (n.bytes[i] & mask);
      bits -= take;
    }
    if (match) return true;
  }
  return false;
}

}  // namespace parley::net
