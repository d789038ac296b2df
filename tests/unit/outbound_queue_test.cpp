#include "net/outbound_queue.hpp"

#include <gtest/gtest.h>

#include <array>

using parley::net::OutboundQueue;

namespace {
std::string front(const OutboundQueue& q) {
  std::array<std::string_view, 64> pieces;
  std::string out;
  auto n = q.gather(pieces);
  for (std::size_t i = 0; i < n; ++i) out.append(pieces[i]);
  return out;
}
}  // namespace

TEST(OutboundQueue, RepliesAppendToOnePieceAndSharedBytesStayShared) {
  OutboundQueue q;
  auto message = std::make_shared<const std::string>("alice: hi <private message>\n");
  q.push_copy("Error: x\n");
  q.push_copy("Command: ");
  q.push_shared(message);
  q.push_shared(message);
  std::array<std::string_view, 8> pieces;
  ASSERT_EQ(q.gather(pieces), 3u);  // the two replies became one piece
  EXPECT_EQ(pieces[0], "Error: x\nCommand: ");
  EXPECT_EQ(pieces[1].data(), message->data());  // not copied
  EXPECT_EQ(q.queued_bytes(), 18 + 2 * message->size());
}

TEST(OutboundQueue, PartialWritesResumeWhereTheyStopped) {
  OutboundQueue q;
  q.push_copy("abcdef");
  q.push_shared(std::make_shared<const std::string>("ghij"));
  q.consume(4);
  EXPECT_EQ(front(q), "efghij");
  q.consume(3);
  EXPECT_EQ(front(q), "hij");
  q.push_copy("k");  // after a shared piece: a new owned piece
  EXPECT_EQ(front(q), "hijk");
  q.consume(4);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(front(q), "");
}

TEST(OutboundQueue, AppendingToAPartlyWrittenReplyKeepsItsOffset) {
  OutboundQueue q;
  q.push_copy("abc");
  q.consume(1);
  q.push_copy("def");
  EXPECT_EQ(front(q), "bcdef");
}

TEST(OutboundQueue, GatherStopsAtTheSpanSize) {
  OutboundQueue q;
  for (int i = 0; i < 10; ++i) q.push_shared(std::make_shared<const std::string>("x"));
  std::array<std::string_view, 4> pieces;
  EXPECT_EQ(q.gather(pieces), 4u);
}

TEST(OutboundQueue, AQueueThatNeverEmptiesDoesNotGrowWithWrittenPieces) {
  OutboundQueue q;
  auto piece = std::make_shared<const std::string>("0123456789");
  q.push_shared(piece);
  for (int i = 0; i < 100000; ++i) {
    q.push_shared(piece);
    q.consume(10);
  }
  EXPECT_EQ(q.queued_bytes(), 10u);
  EXPECT_EQ(piece.use_count(), 2);  // written pieces were let go
}

TEST(OutboundQueue, ClearDropsEverything) {
  OutboundQueue q;
  q.push_copy("abc");
  q.push_shared(std::make_shared<const std::string>("d"));
  q.clear();
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(front(q), "");
}
