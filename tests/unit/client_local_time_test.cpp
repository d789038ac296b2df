#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

#include "client/local_time.hpp"

namespace parley::client {
namespace {

// Sets TZ for one test and puts the old value back after it.
class ZoneScope {
 public:
  explicit ZoneScope(const char* zone) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    ::setenv("TZ", zone, 1);
    ::tzset();
  }
  ~ZoneScope() {
    if (old_) {
      ::setenv("TZ", old_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }
  ZoneScope(const ZoneScope&) = delete;
  ZoneScope& operator=(const ZoneScope&) = delete;

 private:
  std::optional<std::string> old_;
};

TEST(ClientLocalTime, ShowsUtcStampsInTheZoneOfTz) {
  ZoneScope utc("UTC0");
  EXPECT_EQ(with_local_time("[2026-11-30T14:05:03Z] alice: hello"), "[2026-11-30 14:05:03] alice: hello");
  ZoneScope plus_one("CET-1");  // POSIX signs: one hour east of Greenwich
  EXPECT_EQ(with_local_time("[2026-11-30T14:05:03Z] alice: hello"), "[2026-11-30 15:05:03] alice: hello");
  ZoneScope minus_five("EST5");
  EXPECT_EQ(with_local_time("[2026-12-01T02:00:00Z] bob: late"), "[2026-11-30 21:00:00] bob: late");
}

TEST(ClientLocalTime, FollowsDaylightSavingTime) {
  ZoneScope zone("CET-1CEST,M3.5.0,M10.5.0/3");
  EXPECT_EQ(with_local_time("[2026-07-01T12:00:00Z] a: summer"), "[2026-07-01 14:00:00] a: summer");
  EXPECT_EQ(with_local_time("[2026-01-01T12:00:00Z] a: winter"), "[2026-01-01 13:00:00] a: winter");
}

TEST(ClientLocalTime, LeavesOtherLinesAlone) {
  ZoneScope zone("CET-1");
  for (const char* line : {
           "[2026-11-23 14:05] columbia: hello <private message>",  // offline messages: server time already
           "[#lobby] alice: [2026-11-30T14:05:03Z] quoted",
           "bob: [2026-11-30T14:05:03Z] x <private message>",
           "[2026-13-30T14:05:03Z] bad month",
           "[2026-02-30T14:05:03Z] no such day",
           "[2026-11-30T24:05:03Z] bad hour",
           "[2026-11-30T14:05:03] no zone",
           "[2026-11-30T14:05:03Z]",
           "",
       }) {
    EXPECT_EQ(with_local_time(line), line);
  }
}

}  // namespace
}  // namespace parley::client
