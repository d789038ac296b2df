#include "core/lockout.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using parley::core::LockoutPolicy;
using parley::core::LockoutTracker;
using parley::core::ManualClock;

namespace {
LockoutPolicy policy(int failures = 3, std::chrono::seconds block = 60s) {
  LockoutPolicy p;
  p.max_failures = failures;
  p.block_time = block;
  return p;
}
}  // namespace

TEST(Lockout, BlocksOnTheNthConsecutiveFailure) {
  ManualClock clock;
  LockoutTracker t(policy());
  EXPECT_FALSE(t.record_failure("bob", "10.0.0.1", clock.now()));
  EXPECT_FALSE(t.record_failure("bob", "10.0.0.1", clock.now()));
  EXPECT_FALSE(t.blocked_for("bob", "10.0.0.1", clock.now()));
  auto started = t.record_failure("bob", "10.0.0.1", clock.now());
  ASSERT_TRUE(started);
  EXPECT_EQ(*started, 60s);
  EXPECT_EQ(t.blocked_for("bob", "10.0.0.1", clock.now()), 60s);
}

TEST(Lockout, BlockCountsDownAndEnds) {
  ManualClock clock;
  LockoutTracker t(policy(1, 60s));
  t.record_failure("bob", "a", clock.now());
  clock.advance(20s);
  EXPECT_EQ(t.blocked_for("bob", "a", clock.now()), 40s);
  clock.advance(39500ms);
  EXPECT_EQ(t.blocked_for("bob", "a", clock.now()), 1s);  // rounded up: never "0 seconds left"
  clock.advance(500ms);
  EXPECT_FALSE(t.blocked_for("bob", "a", clock.now()));
}

TEST(Lockout, AfterABlockTheCountStartsAfresh) {
  ManualClock clock;
  LockoutTracker t(policy(2, 10s));
  t.record_failure("bob", "a", clock.now());
  EXPECT_TRUE(t.record_failure("bob", "a", clock.now()));
  clock.advance(11s);
  EXPECT_FALSE(t.record_failure("bob", "a", clock.now()));
  EXPECT_TRUE(t.record_failure("bob", "a", clock.now()));
}

TEST(Lockout, PairsAreIndependent) {
  ManualClock clock;
  LockoutTracker t(policy(1));
  t.record_failure("bob", "a", clock.now());
  EXPECT_TRUE(t.blocked_for("bob", "a", clock.now()));
  EXPECT_FALSE(t.blocked_for("bob", "b", clock.now()));
  EXPECT_FALSE(t.blocked_for("alice", "a", clock.now()));
}

TEST(Lockout, SuccessResetsTheCount) {
  ManualClock clock;
  LockoutTracker t(policy(3));
  t.record_failure("bob", "a", clock.now());
  t.record_failure("bob", "a", clock.now());
  t.record_success("bob", "a");
  EXPECT_FALSE(t.record_failure("bob", "a", clock.now()));
  EXPECT_FALSE(t.record_failure("bob", "a", clock.now()));
  EXPECT_TRUE(t.record_failure("bob", "a", clock.now()));
}

TEST(Lockout, NameAndAddressCannotBeConfused) {
  ManualClock clock;
  LockoutTracker t(policy(1));
  t.record_failure("b", "ab", clock.now());
  EXPECT_FALSE(t.blocked_for("ab", "b", clock.now()));
  EXPECT_FALSE(t.blocked_for("bb", "a", clock.now()));
}

TEST(Lockout, MemoryIsBounded) {
  ManualClock clock;
  auto p = policy(3);
  p.max_entries = 100;
  LockoutTracker t(p);
  for (int i = 0; i < 10000; ++i) t.record_failure("user" + std::to_string(i), "a", clock.now());
  EXPECT_LE(t.size(), 100u);
}

TEST(Lockout, OldFailuresAreForgotten) {
  ManualClock clock;
  auto p = policy(2);
  p.forget_after = 3600s;
  LockoutTracker t(p);
  t.record_failure("bob", "a", clock.now());
  clock.advance(3601s);
  EXPECT_FALSE(t.record_failure("bob", "a", clock.now()));
  EXPECT_EQ(t.size(), 1u);
}

// Many connections guessing at once: only max_failures checks are admitted
// until they are decided, and the ones decided after the block are refused.
TEST(LockoutChecks, AtMostMaxFailuresAreDecidedBeforeTheBlock) {
  ManualClock clock;
  LockoutTracker t(policy(3));
  using parley::core::CheckAdmission;
  using parley::core::CheckResult;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(t.begin_check("bob", "a", clock.now()).admission, CheckAdmission::admitted);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(t.begin_check("bob", "a", clock.now()).admission, CheckAdmission::wait);
  EXPECT_EQ(t.begin_check("bob", "b", clock.now()).admission, CheckAdmission::admitted);  // another address
  EXPECT_EQ(t.finish_check("bob", "a", false, clock.now()).result, CheckResult::failed);
  EXPECT_EQ(t.begin_check("bob", "a", clock.now()).admission, CheckAdmission::wait);  // 1 failure + 2 pending
  EXPECT_EQ(t.finish_check("bob", "a", false, clock.now()).result, CheckResult::failed);
  auto third = t.finish_check("bob", "a", false, clock.now());
  EXPECT_EQ(third.result, CheckResult::block_started);
  EXPECT_EQ(third.block, 60s);
  auto after = t.begin_check("bob", "a", clock.now());
  EXPECT_EQ(after.admission, CheckAdmission::blocked);
  EXPECT_EQ(after.left, 60s);
  EXPECT_EQ(t.pending_checks(), 1u);  // bob from b
}

TEST(LockoutChecks, ARightPasswordDecidedDuringABlockIsRefusedAndKeepsTheBlock) {
  ManualClock clock;
  LockoutTracker t(policy(2));
  using parley::core::CheckAdmission;
  using parley::core::CheckResult;
  ASSERT_EQ(t.begin_check("bob", "a", clock.now()).admission, CheckAdmission::admitted);
  ASSERT_EQ(t.begin_check("bob", "a", clock.now()).admission, CheckAdmission::admitted);
  t.record_failure("bob", "a", clock.now());
  t.record_failure("bob", "a", clock.now());  // blocked by checks decided elsewhere
  clock.advance(10s);
  auto refused = t.finish_check("bob", "a", true, clock.now());
  EXPECT_EQ(refused.result, CheckResult::blocked);
  EXPECT_EQ(refused.block, 50s);
  EXPECT_EQ(t.blocked_for("bob", "a", clock.now()), 50s);
  EXPECT_EQ(t.finish_check("bob", "a", false, clock.now()).result, CheckResult::blocked);
  EXPECT_EQ(t.pending_checks(), 0u);
}

TEST(LockoutChecks, AfterABlockRunsOutTheCountStartsAfresh) {
  ManualClock clock;
  LockoutTracker t(policy(2, 60s));
  using parley::core::CheckAdmission;
  t.record_failure("bob", "a", clock.now());
  t.record_failure("bob", "a", clock.now());
  clock.advance(61s);
  EXPECT_EQ(t.begin_check("bob", "a", clock.now()).admission, CheckAdmission::admitted);
  EXPECT_EQ(t.begin_check("bob", "a", clock.now()).admission, CheckAdmission::admitted);
  EXPECT_EQ(t.begin_check("bob", "a", clock.now()).admission, CheckAdmission::wait);
}

TEST(LockoutChecks, ASuccessClearsTheCount) {
  ManualClock clock;
  LockoutTracker t(policy(3));
  using parley::core::CheckAdmission;
  using parley::core::CheckResult;
  t.record_failure("bob", "a", clock.now());
  t.record_failure("bob", "a", clock.now());
  ASSERT_EQ(t.begin_check("bob", "a", clock.now()).admission, CheckAdmission::admitted);
  EXPECT_EQ(t.finish_check("bob", "a", true, clock.now()).result, CheckResult::ok);
  EXPECT_EQ(t.size(), 0u);
}

TEST(Lockout, ANewPolicyAppliesToTheNextFailureAndKeepsRunningBlocks) {
  ManualClock clock;
  LockoutTracker t(policy(5, 60s));
  for (int i = 0; i < 3; ++i) t.record_failure("bob", "a", clock.now());
  t.record_failure("eve", "b", clock.now());
  LockoutTracker blocked(policy(1, 60s));
  blocked.record_failure("bob", "a", clock.now());

  t.set_policy(policy(2, 10s));
  // bob had 3 failures, past the new limit of 2: his next check is still
  // admitted, and its failure starts the new, shorter block.
  using parley::core::CheckAdmission;
  EXPECT_EQ(t.begin_check("bob", "a", clock.now()).admission, CheckAdmission::admitted);
  EXPECT_EQ(t.finish_check("bob", "a", false, clock.now()).block, 10s);
  EXPECT_FALSE(t.record_failure("eve", "b", clock.now()) == std::nullopt);  // 2 of 2

  blocked.set_policy(policy(1, 10s));
  EXPECT_EQ(blocked.blocked_for("bob", "a", clock.now()), 60s);  // a running block keeps its end
}
