#include "session/login_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

using parley::session::LoginQueue;

namespace {

// Jobs that record their order and can be held until released.
class Recorder {
 public:
  LoginQueue::Job job(const std::string& share, const std::string& name,
                      LoginQueue::Admit admit = LoginQueue::Admit::run) {
    LoginQueue::Job j;
    j.share = share;
    j.admit = [admit] { return admit; };
    j.run = [this, name] {
      std::unique_lock lock(mutex_);
      order_.push_back(name);
      changed_.notify_all();
      changed_.wait(lock, [&] { return open_; });
    };
    return j;
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return order_.size() >= n; });
  }
  std::vector<std::string> order() {
    std::lock_guard lock(mutex_);
    return order_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> order_;
  bool open_ = false;
};

}  // namespace

TEST(LoginQueue, AFloodingShareDoesNotDelayAnotherBeyondItsTurn) {
  Recorder r;
  LoginQueue q({1, 1, 1000});
  ASSERT_TRUE(q.submit(r.job("flood", "f0")));
  ASSERT_TRUE(r.wait_for(1));  // the only thread is busy with the flood
  for (int i = 1; i < 100; ++i) ASSERT_TRUE(q.submit(r.job("flood", "f" + std::to_string(i))));
  ASSERT_TRUE(q.submit(r.job("quiet", "q")));
  r.open();
  ASSERT_TRUE(r.wait_for(101));
  auto order = r.order();
  auto at = std::find(order.begin(), order.end(), "q") - order.begin();
  EXPECT_LE(at, 2) << "the quiet share waited behind the flood";
}

TEST(LoginQueue, OneShareHashesAtMostItsShareAtOnce) {
  Recorder r;
  LoginQueue q({3, 1, 1000});
  ASSERT_TRUE(q.submit(r.job("a", "a1")));
  ASSERT_TRUE(q.submit(r.job("a", "a2")));
  ASSERT_TRUE(q.submit(r.job("b", "b1")));
  ASSERT_TRUE(r.wait_for(2));
  auto order = r.order();
  EXPECT_EQ(std::count(order.begin(), order.end(), "a2"), 0) << "two checks of one share ran at once";
  r.open();
  ASSERT_TRUE(r.wait_for(3));
}

TEST(LoginQueue, AFullQueueRefuses) {
  Recorder r;
  LoginQueue q({1, 1, 2});
  ASSERT_TRUE(q.submit(r.job("a", "running")));
  ASSERT_TRUE(r.wait_for(1));
  EXPECT_TRUE(q.submit(r.job("b", "w1")));
  EXPECT_TRUE(q.submit(r.job("c", "w2")));
  EXPECT_FALSE(q.submit(r.job("d", "refused")));
  EXPECT_EQ(q.waiting(), 2u);
  r.open();
  ASSERT_TRUE(r.wait_for(3));
}

TEST(LoginQueue, ACancelledCheckIsNeverRun) {
  Recorder r;
  LoginQueue q({1, 1, 10});
  ASSERT_TRUE(q.submit(r.job("a", "running")));
  ASSERT_TRUE(r.wait_for(1));
  auto ticket = q.submit(r.job("b", "cancelled"));
  ASSERT_TRUE(q.submit(r.job("c", "kept")));
  q.cancel(*ticket);
  EXPECT_EQ(q.waiting(), 1u);
  r.open();
  ASSERT_TRUE(r.wait_for(2));
  q.stop();
  EXPECT_EQ(r.order(), (std::vector<std::string>{"running", "kept"}));
}

TEST(LoginQueue, DroppedAndWaitingChecksAreNotRun) {
  Recorder r;
  std::atomic<bool> may_run{false};
  LoginQueue q({1, 1, 10});
  LoginQueue::Job held = r.job("a", "held");
  held.admit = [&] { return may_run ? LoginQueue::Admit::run : LoginQueue::Admit::wait; };
  ASSERT_TRUE(q.submit(std::move(held)));
  ASSERT_TRUE(q.submit(r.job("b", "dropped", LoginQueue::Admit::drop)));
  ASSERT_TRUE(q.submit(r.job("c", "other")));
  r.open();
  ASSERT_TRUE(r.wait_for(1));
  EXPECT_EQ(r.order(), (std::vector<std::string>{"other"}));
  may_run = true;
  ASSERT_TRUE(q.submit(r.job("d", "next")));  // any finished or new check looks again
  ASSERT_TRUE(r.wait_for(3));
  auto order = r.order();
  EXPECT_EQ(std::count(order.begin(), order.end(), "held"), 1);
  EXPECT_EQ(std::count(order.begin(), order.end(), "dropped"), 0);
}
