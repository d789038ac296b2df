#include "session/admission.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using parley::session::AddressLimits;
using parley::session::Admission;
using parley::session::Refusal;

namespace {
AddressLimits limits() {
  AddressLimits l;
  l.max_connections = 10;
  l.connections_per_address = 3;
  l.logins_per_address = 2;
  l.failures_per_address = 3;
  l.failure_window = 60s;
  return l;
}
auto t0 = std::chrono::steady_clock::time_point{} + 1000s;

std::optional<Refusal> refusal(const std::variant<Admission::Pass, Admission::Refused>& r) {
  if (auto* refused = std::get_if<Admission::Refused>(&r)) return refused->why;
  return std::nullopt;
}
}  // namespace

TEST(Admission, LimitsConnectionsStillLoggingInPerAddress) {
  Admission a(limits(), {});
  auto p1 = a.admit("192.0.2.1", t0);
  auto p2 = a.admit("192.0.2.1", t0);
  EXPECT_EQ(refusal(a.admit("192.0.2.1", t0)), Refusal::too_many_logins);
  EXPECT_FALSE(refusal(a.admit("192.0.2.2", t0)));
  std::get<Admission::Pass>(p1).logged_in();
  auto p3 = a.admit("192.0.2.1", t0);
  EXPECT_FALSE(refusal(p3));
  std::get<Admission::Pass>(p3).logged_in();
  // Three connections now: the per-address total is reached.
  EXPECT_EQ(refusal(a.admit("192.0.2.1", t0)), Refusal::too_many_connections);
}

TEST(Admission, APassReleasesItsPlaceWhenDestroyedOrMoved) {
  Admission a(limits(), {});
  {
    auto p1 = a.admit("192.0.2.1", t0);
    auto p2 = a.admit("192.0.2.1", t0);
    Admission::Pass moved = std::move(std::get<Admission::Pass>(p2));
    EXPECT_EQ(a.connections(), 2u);
  }
  EXPECT_EQ(a.connections(), 0u);
  EXPECT_FALSE(refusal(a.admit("192.0.2.1", t0)));
}

TEST(Admission, IPv6AddressesOfOneSlash64ShareTheLimits) {
  Admission a(limits(), {});
  auto p1 = a.admit("2001:db8::1", t0);
  auto p2 = a.admit("2001:db8::2", t0);
  EXPECT_EQ(refusal(a.admit("2001:db8::3", t0)), Refusal::too_many_logins);
  EXPECT_FALSE(refusal(a.admit("2001:db8:0:1::1", t0)));
}

TEST(Admission, TheServerTotalAppliesToEveryone) {
  auto l = limits();
  l.max_connections = 2;
  Admission a(l, *parley::net::NetworkList::parse({"192.0.2.0/24"}));
  auto p1 = a.admit("192.0.2.1", t0);
  auto p2 = a.admit("198.51.100.1", t0);
  EXPECT_EQ(refusal(a.admit("192.0.2.1", t0)), Refusal::server_full);
}

TEST(Admission, ExemptAddressesSkipThePerAddressLimits) {
  Admission a(limits(), *parley::net::NetworkList::parse({"192.0.2.0/24"}));
  std::vector<std::variant<Admission::Pass, Admission::Refused>> passes;
  for (int i = 0; i < 8; ++i) passes.push_back(a.admit("192.0.2.1", t0));
  for (auto& p : passes) EXPECT_FALSE(refusal(p));
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(a.record_failure("192.0.2.1", true, t0));
}

TEST(Admission, FailedLoginsPerAddressBlockForTheRestOfTheWindow) {
  Admission a(limits(), {});
  EXPECT_FALSE(a.record_failure("192.0.2.1", false, t0));
  EXPECT_FALSE(a.record_failure("192.0.2.1", false, t0 + 10s));
  auto left = a.record_failure("192.0.2.1", false, t0 + 20s);
  ASSERT_TRUE(left);
  EXPECT_EQ(*left, 40s);
  EXPECT_EQ(a.failures_block("192.0.2.1", false, t0 + 30s), 30s);
  EXPECT_FALSE(a.failures_block("192.0.2.2", false, t0 + 30s));
  auto refused = a.admit("192.0.2.1", t0 + 30s);
  ASSERT_TRUE(std::holds_alternative<Admission::Refused>(refused));
  EXPECT_EQ(std::get<Admission::Refused>(refused).why, Refusal::too_many_failures);
  EXPECT_EQ(std::get<Admission::Refused>(refused).left, 30s);
  EXPECT_FALSE(a.failures_block("192.0.2.1", false, t0 + 60s));
  EXPECT_FALSE(refusal(a.admit("192.0.2.1", t0 + 60s)));
}
