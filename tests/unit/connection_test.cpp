// The connection on an in-memory transport: framing, pausing, coalesced
// writes, the queue bound, and a failure injected at each step.
#include "net/connection.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "fake_transport.hpp"
#include "net/worker.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

class Handler final : public net::ConnectionHandler {
 public:
  Handler(std::shared_ptr<FakeTransport::State> state, net::Worker& worker, const net::ConnectionLimits& limits)
      : connection(std::make_unique<FakeTransport>(std::move(state)), *this, worker, limits) {}

  void on_line(std::string_view line) override {
    lines.emplace_back(line);
    if (line == "pause") connection.pause();
    if (line == "again" && !handed_again) {
      handed_again = true;
      connection.hand_again(line);
    }
    if (line == "reply") connection.reply("answer\n"), connection.reply("Command: ");
    if (line == "bye") connection.close_after_flush(10s);
  }
  void on_line_too_long() override { lines.emplace_back("<too long>"); }
  void on_input_end() override { ++input_ends; }
  void on_deadline() override { ++deadlines; }
  void on_closed() override { ++closes; }
  void on_shutdown() override {}

  net::Connection connection;
  std::vector<std::string> lines;
  bool handed_again = false;
  int input_ends = 0;
  int deadlines = 0;
  int closes = 0;
};

using Lines = std::vector<std::string>;

class ConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    limits.max_line = 16;
    limits.max_queue_bytes = 64;
    handler = std::make_shared<Handler>(state, worker, limits);
  }
  void TearDown() override {
    // A pending wait holds the handler; closing lets it go.
    if (handler) handler->connection.close();
    run();
  }
  void run() {
    context.restart();
    context.poll();
  }
  void start() {
    handler->connection.start();
    run();
  }
  void feed(std::string bytes) {
    state->reads.push_back({net::IoStatus::ok, std::move(bytes)});
    state->fire_readable();
    run();
  }

  boost::asio::io_context context;
  net::Worker worker{context, 0};
  net::ConnectionLimits limits;
  std::shared_ptr<FakeTransport::State> state = std::make_shared<FakeTransport::State>();
  std::shared_ptr<Handler> handler;
};

TEST_F(ConnectionTest, LinesAcrossReadsComeOutWholeAndInOrder) {
  start();
  ASSERT_NE(state->read_waiter, nullptr) << "an empty socket is waited on";
  feed("one\ntw");
  feed("o\r\nthree\n");
  EXPECT_EQ(handler->lines, (Lines{"one", "two", "three"}));
  EXPECT_NE(state->read_waiter, nullptr);
}

TEST_F(ConnectionTest, AReadThatDrainedTheSocketIsNotRepeated) {
  start();
  state->report_drained = true;
  int before = state->read_calls;
  feed("one\n");
  EXPECT_EQ(state->read_calls - before, 1);
  EXPECT_NE(state->read_waiter, nullptr);
  state->report_drained = false;
  before = state->read_calls;
  feed("two\n");
  EXPECT_EQ(state->read_calls - before, 2) << "without the transport's word, read until it would block";
  EXPECT_EQ(handler->lines, (Lines{"one", "two"}));
}

TEST_F(ConnectionTest, ALineOverTheLimitIsReportedAndTheNextOneServed) {
  start();
  feed(std::string(40, 'x') + "\nok\n");
  EXPECT_EQ(handler->lines, (Lines{"<too long>", "ok"}));
}

TEST_F(ConnectionTest, ReplyAndPromptGoOutInOneWrite) {
  start();
  feed("reply\n");
  EXPECT_EQ(state->written, "answer\nCommand: ");
  EXPECT_EQ(state->write_calls, 1);
}

TEST_F(ConnectionTest, EverythingQueuedInOnePassIsOneWrite) {
  start();
  auto message = std::make_shared<const std::string>("m\n");
  for (int i = 0; i < 5; ++i) handler->connection.send(message);
  feed("reply\n");
  EXPECT_EQ(state->written, "m\nm\nm\nm\nm\nanswer\nCommand: ");
  EXPECT_EQ(state->write_calls, 1);
}

TEST_F(ConnectionTest, AFullSocketIsWaitedOnAndTheRestFollowsInOrder) {
  start();
  state->write_capacity = 3;
  feed("reply\n");
  EXPECT_EQ(state->written, "ans");
  ASSERT_NE(state->write_waiter, nullptr);
  state->write_capacity = 0;  // woken, but still full: waits again
  state->fire_writable();
  run();
  ASSERT_NE(state->write_waiter, nullptr);
  state->write_capacity = 100;
  state->fire_writable();
  run();
  EXPECT_EQ(state->written, "answer\nCommand: ");
  EXPECT_EQ(handler->connection.queued_bytes(), 0u);
}

TEST_F(ConnectionTest, AWriteErrorClosesOnce) {
  start();
  state->fail_writes = true;
  feed("reply\n");
  EXPECT_FALSE(handler->connection.is_open());
  EXPECT_TRUE(state->closed);
  EXPECT_EQ(handler->closes, 1);
  EXPECT_EQ(worker.connections(), 0u);
}

TEST_F(ConnectionTest, AReadErrorCloses) {
  start();
  state->reads.push_back({net::IoStatus::ok, "a\n"});
  state->reads.push_back({net::IoStatus::error, ""});
  state->fire_readable();
  run();
  EXPECT_EQ(handler->lines, Lines{"a"});
  EXPECT_FALSE(handler->connection.is_open());
  EXPECT_EQ(handler->closes, 1);
}

TEST_F(ConnectionTest, EndOfInputComesAfterEveryLine) {
  start();
  state->reads.push_back({net::IoStatus::ok, "a\nb\n"});
  state->reads.push_back({net::IoStatus::end, ""});
  state->fire_readable();
  run();
  EXPECT_EQ(handler->lines, (Lines{"a", "b"}));
  EXPECT_EQ(handler->input_ends, 1);
  EXPECT_TRUE(handler->connection.is_open()) << "a half-closed peer may still read";
}

TEST_F(ConnectionTest, PausedInputIsKeptAndHandedOutOnResume) {
  start();
  state->reads.push_back({net::IoStatus::ok, "a\npause\nb\nc"});
  state->reads.push_back({net::IoStatus::ok, "\nd\n"});
  state->fire_readable();
  run();
  EXPECT_EQ(handler->lines, (Lines{"a", "pause"}));
  handler->connection.resume();
  run();
  EXPECT_EQ(handler->lines, (Lines{"a", "pause", "b", "c", "d"}));
}

TEST_F(ConnectionTest, ALineHandedAgainComesBackFirst) {
  start();
  feed("again\nnext\n");
  EXPECT_EQ(handler->lines, (Lines{"again"}));
  handler->connection.resume();
  run();
  EXPECT_EQ(handler->lines, (Lines{"again", "again", "next"}));
}

TEST_F(ConnectionTest, MessagesPastTheQueueBoundCutTheSlowReader) {
  start();
  state->write_capacity = 0;
  auto message = std::make_shared<const std::string>(std::string(30, 'm'));
  EXPECT_TRUE(handler->connection.send(message));
  EXPECT_TRUE(handler->connection.send(message));
  run();
  EXPECT_TRUE(handler->connection.is_open()) << "60 of 64 bytes: not yet";
  EXPECT_FALSE(handler->connection.send(message));
  EXPECT_TRUE(handler->connection.cut_off_slow());
  run();
  EXPECT_EQ(handler->closes, 1);
}

TEST_F(ConnectionTest, APeerThatLeavesRepliesUnreadIsNotReadEither) {
  start();
  state->write_capacity = 0;
  // Each "reply" queues 16 bytes; at half the 64-byte bound reading stops.
  feed("reply\nreply\nreply\nreply\nreply\n");
  EXPECT_EQ(handler->lines.size(), 2u);
  EXPECT_TRUE(handler->connection.is_open()) << "replies are never cut off";
  state->write_capacity = 1000;
  state->fire_writable();
  run();
  EXPECT_EQ(handler->lines.size(), 5u);
  EXPECT_EQ(state->written.size(), 5 * 16u);
}

TEST_F(ConnectionTest, DrainWaitersHearOfTheWriteOrOfTheClose) {
  start();
  state->write_capacity = 2;
  handler->connection.reply("abcd");
  std::vector<bool> heard;
  handler->connection.when_drained([&](bool ok) { heard.push_back(ok); });
  run();
  EXPECT_TRUE(heard.empty());
  state->write_capacity = 10;
  state->fire_writable();
  run();
  EXPECT_EQ(heard, std::vector<bool>{true});

  state->write_capacity = 0;
  handler->connection.reply("efgh");
  handler->connection.when_drained([&](bool ok) { heard.push_back(ok); });
  handler->connection.close();
  run();
  EXPECT_EQ(heard, (std::vector<bool>{true, false}));
}

TEST_F(ConnectionTest, CloseAfterFlushWritesFirstAndStopsReading) {
  start();
  feed("reply\nbye\nignored\n");
  EXPECT_EQ(handler->lines, (Lines{"reply", "bye"}));
  EXPECT_EQ(state->written, "answer\nCommand: ");
  EXPECT_FALSE(handler->connection.is_open());
  EXPECT_EQ(handler->closes, 1);
}

TEST_F(ConnectionTest, APeerThatNeverReadsItsLastWordsIsCutAtTheLinger) {
  start();
  state->write_capacity = 0;
  feed("reply\nbye\n");
  EXPECT_TRUE(handler->connection.is_open());
  handler->connection.on_deadline(std::chrono::steady_clock::now() + 11s);
  run();
  EXPECT_FALSE(handler->connection.is_open());
  EXPECT_EQ(handler->deadlines, 0) << "the linger is the connection's own deadline";
}

TEST_F(ConnectionTest, TheHandlersDeadlineIsReported) {
  start();
  handler->connection.set_deadline(std::chrono::steady_clock::now());
  handler->connection.on_deadline(std::chrono::steady_clock::now());
  EXPECT_EQ(handler->deadlines, 1);
}

TEST_F(ConnectionTest, TheConnectionLivesWhileAWaitHoldsIt) {
  start();
  std::weak_ptr<Handler> weak = handler;
  handler.reset();
  EXPECT_FALSE(weak.expired()) << "the pending read wait owns it";
  state->reads.push_back({net::IoStatus::error, ""});
  state->fire_readable();
  run();
  EXPECT_TRUE(weak.expired()) << "closed and released";
}

}  // namespace
}  // namespace parley::test
