#include <gtest/gtest.h>

#include "client/names.hpp"

namespace parley::client {
namespace {

TEST(ClientNames, AccountAndRoomNamesHaveTheServersShape) {
  EXPECT_TRUE(is_account_name("alice"));
  EXPECT_TRUE(is_account_name("A.b_c-9"));
  EXPECT_TRUE(is_account_name(std::string(32, 'a')));
  EXPECT_FALSE(is_account_name(std::string(33, 'a')));
  EXPECT_FALSE(is_account_name(""));
  EXPECT_FALSE(is_account_name("two words"));
  EXPECT_FALSE(is_account_name("#lobby"));
  EXPECT_TRUE(is_room_name("#lobby"));
  EXPECT_TRUE(is_room_name("#" + std::string(32, 'x')));
  EXPECT_FALSE(is_room_name("#" + std::string(33, 'x')));
  EXPECT_FALSE(is_room_name("#"));
  EXPECT_FALSE(is_room_name("lobby"));
  EXPECT_FALSE(is_room_name("#lob by"));
  EXPECT_FALSE(is_room_name("##lobby"));
}

TEST(ClientNames, FoldingIgnoresAsciiCaseOnly) {
  EXPECT_EQ(folded_name("#LoBby"), "#lobby");
  EXPECT_EQ(folded_name("Émile"), "Émile");
}

}  // namespace
}  // namespace parley::client
