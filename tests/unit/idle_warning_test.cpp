#include <gtest/gtest.h>

#include "proto/classic/format.hpp"
#include "session/session.hpp"

using namespace std::chrono_literals;
using parley::session::idle_warning_lead;

TEST(IdleWarning, AMinuteOrATenthOfTheTimeoutWhicheverIsLess) {
  EXPECT_EQ(idle_warning_lead(1800s), 60s);  // the default timeout
  EXPECT_EQ(idle_warning_lead(600s), 60s);
  EXPECT_EQ(idle_warning_lead(300s), 30s);
  EXPECT_EQ(idle_warning_lead(3s), 300ms);
  EXPECT_EQ(idle_warning_lead(1s), 100ms);
  EXPECT_EQ(idle_warning_lead(86400s * 365), 60s);
}

TEST(IdleWarning, ClassicLine) {
  EXPECT_EQ(parley::proto::classic::idle_warning(60s),
            "You will be logged out in 60 seconds unless you send something\n");
  EXPECT_EQ(parley::proto::classic::idle_logout(1800s), "You have been logged out after 1800 seconds of inactivity\n");
}
