#include "core/user_file.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <streambuf>

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

namespace {

using parley::core::read_user_file;

// Hands out its text a few bytes at a time, so that lines cross the pieces a
// reader gets.
class TrickleBuf : public std::streambuf {
 public:
  explicit TrickleBuf(std::string text) : text_(std::move(text)) {}

 protected:
  int_type underflow() override {
    if (pos_ >= text_.size()) return traits_type::eof();
    std::size_t n = std::min<std::size_t>(3, text_.size() - pos_);
    char* start = text_.data() + pos_;
    setg(start, start, start + n);
    pos_ += n;
    return traits_type::to_int_type(*start);
  }

 private:
  std::string text_;
  std::size_t pos_ = 0;
};

std::string read_error(const std::string& content, std::size_t max_bytes = 1 << 20) {
  std::istringstream in(content);
  try {
    read_user_file(in, "users.txt", max_bytes);
  } catch (const UserFileError& e) {
    return e.what();
  }
  return "no error";
}

std::string parse_error(const std::string& content) {
  try {
    parse_user_file(content, "users.txt");
  } catch (const UserFileError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(UserFile, ReadsAStreamInPieces) {
  std::string content = "columbia 116bway\r\n\n# comment\n  seas   summerisover  \nlast word";
  TrickleBuf buf(content);
  std::istream in(&buf);
  auto file = read_user_file(in, "user_pass.txt", 1 << 20);
  ASSERT_EQ(file.entries.size(), 3u);
  EXPECT_EQ(file.entries[0].name, "columbia");
  EXPECT_EQ(file.entries[0].password, "116bway");
  EXPECT_EQ(file.entries[1].name, "seas");
  EXPECT_EQ(file.entries[1].password, "summerisover");
  EXPECT_EQ(file.entries[1].line, 4);
  EXPECT_EQ(file.entries[2].name, "last");
  EXPECT_EQ(file.entries[2].line, 5);
  EXPECT_EQ(file.entries.size(), parse_user_file(content, "user_pass.txt").size());
}

TEST(UserFile, ReadsLinesLongerThanOnePiece) {
  std::string password(parley::core::kMaxPasswordBytes, 'p');
  std::string content;
  for (int i = 0; i < 40; ++i) content += "user" + std::to_string(i) + " " + password + "\n";
  std::istringstream in(content);  // 40 lines of 8 KiB: several 64 KiB pieces, lines across them
  auto file = read_user_file(in, "users.txt", 1 << 20);
  ASSERT_EQ(file.entries.size(), 40u);
  for (auto& e : file.entries) EXPECT_EQ(e.password, password);
  EXPECT_EQ(file.entries[39].name, "user39");
}

TEST(UserFile, DigestCoversEveryByte) {
  auto digest = [](const std::string& content) {
    std::istringstream in(content);
    return read_user_file(in, "users.txt", 1 << 20).digest;
  };
  EXPECT_EQ(digest("a b\n").size(), 64u);
  EXPECT_EQ(digest("a b\n"), digest("a b\n"));
  EXPECT_NE(digest("a b\n"), digest("a b\n\n"));     // same entries, other bytes
  EXPECT_NE(digest("a b\n"), digest("a b\n# c\n"));  // a comment counts too
  EXPECT_NE(digest("a b\n"), digest("a c\n"));
}

TEST(UserFile, OneAccountInTwoSpellingsNamesBothLines) {
  EXPECT_EQ(parse_error("Alice one\nbob two\nalice three\n"),
            "users.txt:3: username 'alice' is the same account as 'Alice' on line 1 (names ignore case)");
  EXPECT_EQ(read_error("Alice one\nbob two\nalice three\n"),
            "users.txt:3: username 'alice' is the same account as 'Alice' on line 1 (names ignore case)");
  EXPECT_EQ(parse_error("a x\nb y\nB z\nA w\n"),
            "users.txt:3: username 'B' is the same account as 'b' on line 2 (names ignore case)");
  EXPECT_EQ(parse_error("zed x\nann y\nzed z\n"), "users.txt:3: username 'zed' appears twice (also on line 1)");
  EXPECT_EQ(parse_error("BoB x\nbOb y\nBOB z\n"),
            "users.txt:2: username 'bOb' is the same account as 'BoB' on line 1 (names ignore case)");
}

TEST(UserFile, PasswordLongerThanALineIsRefused) {
  std::string longest(parley::core::kMaxPasswordBytes, 'p');
  EXPECT_EQ(read_error("a b\nc " + longest + "\n"), "no error");
  EXPECT_EQ(read_error("a b\nc " + longest + "p\n"),
            "users.txt:2: password longer than 8192 bytes (the longest line a client may send)");
  EXPECT_EQ(parse_error("a b\nc " + longest + "p\n"),
            "users.txt:2: password longer than 8192 bytes (the longest line a client may send)");
  // A line without an end is not kept whole, however long it is.
  EXPECT_EQ(read_error("a b\nc " + std::string(1 << 20, 'p')), "users.txt:2: line longer than 16384 bytes");
}

TEST(UserFile, InvalidNamesAreRefusedWithTheirLine) {
  EXPECT_NE(read_error("a b\n\nbad/name pw\n").find("users.txt:3: invalid username"), std::string::npos);
  EXPECT_NE(read_error(std::string(33, 'n') + " pw\n").find("users.txt:1: invalid username"), std::string::npos);
}

TEST(UserFile, SizeLimit) {
  std::string content = "alice secret\nbob other\n";  // 23 bytes
  EXPECT_EQ(read_error(content, content.size()), "no error");
  EXPECT_EQ(read_error(content, content.size() - 1), "users.txt: the file is larger than 22 bytes (users-file-max)");
}

TEST(UserFile, SizeLimitStopsReadingEarly) {
  // An endless source: the reader gives up once past the limit.
  class Endless : public std::streambuf {
   protected:
    int_type underflow() override {
      ++pieces;
      setg(line_.data(), line_.data(), line_.data() + line_.size());
      return traits_type::to_int_type(line_[0]);
    }

   public:
    std::string line_ = "alice " + std::string(4089, 'p') + "\n";  // repeats are found only at the end
    std::size_t pieces = 0;
  } endless;
  std::istream in(&endless);
  try {
    read_user_file(in, "users.txt", 1 << 20);
    ADD_FAILURE() << "no error";
  } catch (const UserFileError& e) {
    EXPECT_EQ(std::string(e.what()), "users.txt: the file is larger than 1048576 bytes (users-file-max)");
  }
  EXPECT_LT(endless.pieces, 300u);
}
