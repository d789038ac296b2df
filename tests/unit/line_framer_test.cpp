#include "net/line_framer.hpp"

#include <gtest/gtest.h>

using parley::net::Line;
using parley::net::LineFramer;
using parley::net::LineTooLong;

namespace {
std::vector<std::string> drain(LineFramer& f) {
  std::vector<std::string> out;
  while (f.has_next()) {
    auto e = f.next();
    if (auto* l = std::get_if<Line>(&e))
      out.push_back(l->text);
    else
      out.push_back("<too long>");
  }
  return out;
}
}  // namespace

TEST(LineFramer, SplitsLinesAndAcceptsCrLf) {
  LineFramer f(16);
  f.feed("one\ntwo\r\nthr");
  EXPECT_EQ(drain(f), (std::vector<std::string>{"one", "two"}));
  f.feed("ee\n\n");
  EXPECT_EQ(drain(f), (std::vector<std::string>{"three", ""}));
}

TEST(LineFramer, LineAtTheLimitIsAccepted) {
  LineFramer f(4);
  f.feed("abcd\r\nabcd\n");
  EXPECT_EQ(drain(f), (std::vector<std::string>{"abcd", "abcd"}));
}

TEST(LineFramer, LongLineIsReportedOnceAndDiscarded) {
  LineFramer f(4);
  f.feed("abcde\nok\n");
  EXPECT_EQ(drain(f), (std::vector<std::string>{"<too long>", "ok"}));
}

TEST(LineFramer, LongLineAcrossFeedsKeepsMemoryBounded) {
  LineFramer f(8);
  f.feed("0123456789");
  EXPECT_EQ(drain(f), (std::vector<std::string>{"<too long>"}));
  for (int i = 0; i < 1000; ++i) {
    f.feed(std::string(1000, 'x'));
    EXPECT_FALSE(f.has_next());
    EXPECT_LE(f.buffered(), 9u);
  }
  f.feed("tail\nnext\n");
  EXPECT_EQ(drain(f), (std::vector<std::string>{"next"}));
}

TEST(LineFramer, ByteByByteFeeding) {
  LineFramer f(16);
  for (char c : std::string("hi\r\nyo\n")) f.feed(std::string_view(&c, 1));
  EXPECT_EQ(drain(f), (std::vector<std::string>{"hi", "yo"}));
}
