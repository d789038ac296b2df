// Client addresses as limits see them. One IPv4 address is one share; an
// IPv6 client usually holds a whole /64, so the /64 is one share. Exempt
// networks (a campus behind one NAT) are listed in CIDR form.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::net {

// "192.0.2.7" -> "192.0.2.7"; "::ffff:192.0.2.7" -> "192.0.2.7";
// "2001:db8:1:2:3:4:5:6" -> "2001:db8:1:2::/64". Anything else is its own share.
std::string address_share(std::string_view address);

class NetworkList {
 public:
  // Entries like "10.0.0.0/8", "2001:db8::/32", "192.0.2.7"; nullopt names
  // the first entry that is not one.
  static std::optional<NetworkList> parse(const std::vector<std::string>& entries, std::string* bad_entry = nullptr);
  bool contains(std::string_view address) const;
  bool empty() const { return networks_.empty(); }

 private:
  struct Network {
    std::array<std::uint8_t, 16> bytes{};  // IPv4 as IPv4-mapped IPv6
    unsigned prefix = 0;                   // in IPv6 bits
  };
  std::vector<Network> networks_;
};

}  // namespace parley::net
