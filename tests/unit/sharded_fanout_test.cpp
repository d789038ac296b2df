#include "net/sharded_fanout.hpp"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <future>
#include <mutex>
#include <thread>

using namespace parley;

namespace {

// Records the thread each delivery ran on.
class ShardParticipant : public core::Participant {
 public:
  explicit ShardParticipant(std::size_t shard) : shard_(shard) {}
  void deliver(core::EnvelopePtr) override { ++posted; }
  std::size_t shard() const override { return shard_; }
  void deliver_here(core::EnvelopePtr envelope) override {
    std::lock_guard lock(mutex);
    threads.push_back(std::this_thread::get_id());
    received.push_back(std::move(envelope));
  }
  std::size_t shard_;
  int posted = 0;
  std::mutex mutex;
  std::vector<std::thread::id> threads;
  std::vector<core::EnvelopePtr> received;
};

std::thread::id thread_of(net::IoPool& pool, std::size_t shard) {
  std::promise<std::thread::id> id;
  boost::asio::post(pool.at(shard), [&] { id.set_value(std::this_thread::get_id()); });
  return id.get_future().get();
}

void wait_idle(net::IoPool& pool) {
  for (std::size_t s = 0; s < pool.size(); ++s) thread_of(pool, s);  // posts run in order
}

}  // namespace

TEST(ShardedFanout, EachRecipientGetsTheSharedEnvelopeOnItsOwnThread) {
  net::IoPool pool(2);
  pool.start();
  net::ShardedFanout fanout(pool);
  std::vector<std::shared_ptr<ShardParticipant>> people;
  core::Recipients recipients;
  for (std::size_t i = 0; i < 6; ++i) {
    people.push_back(std::make_shared<ShardParticipant>(i % 2));
    recipients.push_back(people.back());
  }
  auto envelope = std::make_shared<const core::Envelope>(core::ChatMessage{"alice", "hi", {}, {}, {}, {}, {}, {}});
  fanout.deliver(recipients, envelope);
  wait_idle(pool);
  auto t0 = thread_of(pool, 0), t1 = thread_of(pool, 1);
  for (auto& p : people) {
    std::lock_guard lock(p->mutex);
    ASSERT_EQ(p->received.size(), 1u);
    EXPECT_EQ(p->received[0].get(), envelope.get());
    EXPECT_EQ(p->threads[0], p->shard_ == 0 ? t0 : t1);
    EXPECT_EQ(p->posted, 0);
  }
  pool.stop();
}

TEST(ShardedFanout, FromAWorkerLocalRecipientsAreServedAtOnceAndOthersAtTheEndOfThePass) {
  net::IoPool pool(2);
  pool.start();
  net::ShardedFanout fanout(pool);
  auto local = std::make_shared<ShardParticipant>(0);
  auto remote = std::make_shared<ShardParticipant>(1);
  auto envelope = std::make_shared<const core::Envelope>(core::ChatMessage{"alice", "hi", {}, {}, {}, {}, {}, {}});
  std::promise<std::size_t> local_at_return;
  boost::asio::post(pool.at(0), [&] {
    fanout.deliver({local, remote}, envelope);
    std::lock_guard lock(local->mutex);
    local_at_return.set_value(local->received.size());
  });
  EXPECT_EQ(local_at_return.get_future().get(), 1u) << "no post for a recipient on the sender's thread";
  wait_idle(pool);
  wait_idle(pool);  // the end-of-pass task, then the batch it posted
  auto t1 = thread_of(pool, 1);
  std::lock_guard lock(remote->mutex);
  ASSERT_EQ(remote->received.size(), 1u);
  EXPECT_EQ(remote->threads[0], t1);
  EXPECT_EQ(remote->posted + local->posted, 0) << "no per-recipient post";
  pool.stop();
}
