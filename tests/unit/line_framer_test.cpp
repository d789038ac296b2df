#include "net/line_framer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using parley::net::LineFramer;

namespace {
// Feeds `bytes` and returns what came out, "<too long>" for a dropped line.
std::vector<std::string> feed(LineFramer& f, std::string_view bytes) {
  std::vector<std::string> out;
  std::string_view line;
  for (;;) {
    auto status = f.next(bytes, line);
    if (status == LineFramer::Status::need_more) break;
    out.push_back(status == LineFramer::Status::line ? std::string(line) : "<too long>");
  }
  EXPECT_TRUE(bytes.empty());
  return out;
}
using Lines = std::vector<std::string>;
}  // namespace

TEST(LineFramer, SplitsLinesAndAcceptsCrLf) {
  LineFramer f(16);
  EXPECT_EQ(feed(f, "one\ntwo\r\nthr"), (Lines{"one", "two"}));
  EXPECT_EQ(feed(f, "ee\n\n"), (Lines{"three", ""}));
}

TEST(LineFramer, LineAtTheLimitIsAccepted) {
  LineFramer f(4);
  EXPECT_EQ(feed(f, "abcd\r\nabcd\n"), (Lines{"abcd", "abcd"}));
  EXPECT_EQ(feed(f, "ab"), Lines{});
  EXPECT_EQ(feed(f, "cd\r\n"), Lines{"abcd"});
}

TEST(LineFramer, LongLineIsReportedOnceAndDiscarded) {
  LineFramer f(4);
  EXPECT_EQ(feed(f, "abcde\nok\n"), (Lines{"<too long>", "ok"}));
  EXPECT_EQ(feed(f, "abc"), Lines{});
  EXPECT_EQ(feed(f, "de\nok\n"), (Lines{"<too long>", "ok"}));
}

TEST(LineFramer, LongLineAcrossFeedsKeepsMemoryBounded) {
  LineFramer f(8);
  EXPECT_EQ(feed(f, "0123456789"), Lines{"<too long>"});
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(feed(f, std::string(1000, 'x')), Lines{});
    EXPECT_LE(f.buffered(), 9u);
  }
  EXPECT_EQ(feed(f, "tail\nnext\n"), Lines{"next"});
}

TEST(LineFramer, ByteByByteFeeding) {
  LineFramer f(16);
  Lines all;
  for (char c : std::string("hi\r\nyo\n")) {
    auto got = feed(f, std::string_view(&c, 1));
    all.insert(all.end(), got.begin(), got.end());
  }
  EXPECT_EQ(all, (Lines{"hi", "yo"}));
}

TEST(LineFramer, StopsAfterEachLineSoTheCallerCanPause) {
  LineFramer f(16);
  std::string_view input = "a\nb\nc";
  std::string_view line;
  ASSERT_EQ(f.next(input, line), LineFramer::Status::line);
  EXPECT_EQ(line, "a");
  EXPECT_EQ(input, "b\nc");  // the rest stays with the caller
}

TEST(LineFramer, KeepsNothingOnceALineIsComplete) {
  LineFramer f(8192);
  EXPECT_EQ(feed(f, std::string(4000, 'x')), Lines{});
  EXPECT_EQ(feed(f, "\n").size(), 1u);
  EXPECT_EQ(feed(f, "").size(), 0u);
  EXPECT_EQ(f.buffered(), 0u);
}
