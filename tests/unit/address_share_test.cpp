#include "net/address_share.hpp"

#include <gtest/gtest.h>

using parley::net::address_share;
using parley::net::NetworkList;

TEST(AddressShare, IPv4IsItsOwnShareAndMappedIPv4IsIPv4) {
  EXPECT_EQ(address_share("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(address_share("::ffff:192.0.2.7"), "192.0.2.7");
}

TEST(AddressShare, IPv6SharesItsSlash64) {
  EXPECT_EQ(address_share("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
  EXPECT_EQ(address_share("2001:db8:1:2:ffff::1"), "2001:db8:1:2::/64");
  EXPECT_NE(address_share("2001:db8:1:3::1"), address_share("2001:db8:1:2::1"));
}

TEST(AddressShare, SomethingElseIsItself) { EXPECT_EQ(address_share("unknown"), "unknown"); }

TEST(NetworkList, MatchesAddressesAndNetworksOfBothFamilies) {
  auto list = NetworkList::parse({"10.0.0.0/8", "192.0.2.7", "2001:db8::/32"});
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->contains("10.200.3.4"));
  EXPECT_TRUE(list->contains("::ffff:10.1.2.3"));
  EXPECT_FALSE(list->contains("11.0.0.1"));
  EXPECT_TRUE(list->contains("192.0.2.7"));
  EXPECT_FALSE(list->contains("192.0.2.8"));
  EXPECT_TRUE(list->contains("2001:db8:ffff::1"));
  EXPECT_FALSE(list->contains("2001:db9::1"));
  EXPECT_FALSE(list->contains("garbage"));
}

TEST(NetworkList, OddPrefixesMaskBitsWithinAByte) {
  auto list = NetworkList::parse({"127.0.0.0/30"});
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->contains("127.0.0.3"));
  EXPECT_FALSE(list->contains("127.0.0.4"));
}

TEST(NetworkList, RejectsWhatIsNotANetworkAndNamesIt) {
  std::string bad;
  EXPECT_FALSE(NetworkList::parse({"10.0.0.0/8", "10.0.0.0/33"}, &bad));
  EXPECT_EQ(bad, "10.0.0.0/33");
  EXPECT_FALSE(NetworkList::parse({"example.org"}, &bad));
  EXPECT_EQ(bad, "example.org");
  EXPECT_FALSE(NetworkList::parse({"10.0.0.0/"}, &bad));
  EXPECT_FALSE(NetworkList::parse({"::/129"}, &bad));
  EXPECT_TRUE(NetworkList::parse({"::/0"}));
}
