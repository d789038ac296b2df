#include "core/account_name.hpp"

#include <gtest/gtest.h>

using namespace parley::core;

TEST(AccountName, FoldsAsciiLettersOnly) {
  EXPECT_EQ(fold_name("AliCE_9.-Z"), "alice_9.-z");
  EXPECT_EQ(fold_name("\xC3\x89"), "\xC3\x89");  // bytes beyond ASCII are left alone
  EXPECT_TRUE(same_name("Alice", "aLICE"));
  EXPECT_FALSE(same_name("alice", "alicE2"));
  EXPECT_FALSE(same_name("a@", "a`"));  // '@' and '`' sit next to 'A' and 'a' but are no letters
}

TEST(AccountName, OrdersWithoutRegardToCase) {
  EXPECT_TRUE(name_less("alice", "Bob"));
  EXPECT_TRUE(name_less("Bob", "carol"));
  EXPECT_FALSE(name_less("BOB", "bob"));
  EXPECT_FALSE(name_less("bob", "BOB"));
  EXPECT_TRUE(name_less("bo", "BOB"));
}

TEST(AccountName, MapFindsAnySpelling) {
  NameMap<int> map;
  map.emplace("Alice", 1);
  EXPECT_FALSE(map.emplace("ALICE", 2).second);
  auto it = map.find(std::string_view("aLiCe"));
  ASSERT_NE(it, map.end());
  EXPECT_EQ(it->first, "Alice");
  EXPECT_EQ(it->second, 1);
  EXPECT_EQ(NameHash{}("Alice"), NameHash{}("aLICE"));
  EXPECT_EQ(map.count(std::string_view("bob")), 0u);
}
