#include "core/user_file.hpp"

#include <gtest/gtest.h>

using parley::core::is_valid_username;
using parley::core::parse_user_file;
using parley::core::UserFileError;

TEST(UserFile, ParsesTheClassicFormat) {
  auto entries = parse_user_file("columbia 116bway\r\n\n# comment\n  seas   summerisover  \n", "user_pass.txt");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].name, "columbia");
  EXPECT_EQ(entries[0].password, "116bway");
  EXPECT_EQ(entries[0].line, 1);
  EXPECT_EQ(entries[1].name, "seas");
  EXPECT_EQ(entries[1].password, "summerisover");
  EXPECT_EQ(entries[1].line, 4);
}

TEST(UserFile, ErrorsNameFileAndLine) {
  auto message = [](const std::string& content) {
    try {
      parse_user_file(content, "users.txt");
    } catch (const UserFileError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("a b\nlonely\n"), "users.txt:2: expected '<username> <password>'");
  EXPECT_NE(message("a b c\n").find("users.txt:1:"), std::string::npos);
  EXPECT_NE(message("bad/name pw\n").find("users.txt:1: invalid username"), std::string::npos);
  EXPECT_NE(message("a b\na c\n").find("users.txt:2: username 'a' appears twice"), std::string::npos);
  EXPECT_NE(message("a b\x01x\n").find("control character"), std::string::npos);
}

TEST(UserFile, UsernameRules) {
  EXPECT_TRUE(is_valid_username("csee4119"));
  EXPECT_TRUE(is_valid_username("a.b_c-d"));
  EXPECT_FALSE(is_valid_username(""));
  EXPECT_FALSE(is_valid_username(std::string(33, 'a')));
  EXPECT_FALSE(is_valid_username("caf\xC3\xA9"));
  EXPECT_FALSE(is_valid_username("a b"));
}
