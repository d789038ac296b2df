#include <gtest/gtest.h>

#include <cmath>

#include "metrics/exposition.hpp"
#include "metrics/histogram.hpp"
#include "metrics/registry.hpp"
#include "prometheus_text.hpp"
#include "server/metrics_page.hpp"

namespace parley::metrics {
namespace {

TEST(MetricsExposition, FamilyAndSamples) {
  TextWriter w;
  w.family("parley_logins_total", Type::counter, "Logins.");
  w.sample("parley_logins_total", {{"result", "ok"}}, std::int64_t{3});
  w.sample("parley_logins_total", {{"result", "failed"}}, std::int64_t{0});
  w.family("parley_up", Type::gauge, "Up.");
  w.sample("parley_up", std::int64_t{1});
  EXPECT_EQ(w.text(),
            "# HELP parley_logins_total Logins.\n"
            "# TYPE parley_logins_total counter\n"
            "parley_logins_total{result=\"ok\"} 3\n"
            "parley_logins_total{result=\"failed\"} 0\n"
            "# HELP parley_up Up.\n"
            "# TYPE parley_up gauge\n"
            "parley_up 1\n");
}

TEST(MetricsExposition, EscapesLabelValuesAndHelp) {
  TextWriter w;
  w.family("x", Type::gauge, "a \\ b\nc \"d\"");
  w.sample("x", {{"v", "q\"u\\o\nte"}}, std::int64_t{1});
  EXPECT_EQ(w.text(),
            "# HELP x a \\\\ b\\nc \"d\"\n"
            "# TYPE x gauge\n"
            "x{v=\"q\\\"u\\\\o\\nte\"} 1\n");
  auto parsed = test::parse_prometheus_text(w.text());
  EXPECT_EQ(parsed.families.at("x").help, "a \\ b\nc \"d\"");
  EXPECT_EQ(parsed.value("x", {{"v", "q\"u\\o\nte"}}), 1.0);
}

TEST(MetricsExposition, Numbers) {
  EXPECT_EQ(format_number(0), "0");
  EXPECT_EQ(format_number(42), "42");
  EXPECT_EQ(format_number(-3), "-3");
  EXPECT_EQ(format_number(0.0005), "0.0005");
  EXPECT_EQ(format_number(2.5), "2.5");
  EXPECT_EQ(format_number(HUGE_VAL), "+Inf");
  EXPECT_EQ(format_number(-HUGE_VAL), "-Inf");
  EXPECT_EQ(format_number(std::nan("")), "NaN");
  EXPECT_EQ(format_number(1e-9), "1e-09");
}

TEST(MetricsExposition, HistogramIsCumulativeWithInf) {
  TextWriter w;
  w.family("h_seconds", Type::histogram, "H.");
  w.histogram("h_seconds", {0.1, 1}, {2, 0, 3}, 4.25);
  EXPECT_EQ(w.text(),
            "# HELP h_seconds H.\n"
            "# TYPE h_seconds histogram\n"
            "h_seconds_bucket{le=\"0.1\"} 2\n"
            "h_seconds_bucket{le=\"1\"} 2\n"
            "h_seconds_bucket{le=\"+Inf\"} 5\n"
            "h_seconds_sum 4.25\n"
            "h_seconds_count 5\n");
  EXPECT_NO_THROW(test::parse_prometheus_text(w.text()));
}

TEST(MetricsExposition, StrictParserRefusesBadText) {
  using test::parse_prometheus_text;
  EXPECT_THROW(parse_prometheus_text("x 1"), test::PromError);                       // no final newline
  EXPECT_THROW(parse_prometheus_text("1x 1\n"), test::PromError);                    // bad name
  EXPECT_THROW(parse_prometheus_text("x{a=b} 1\n"), test::PromError);                // unquoted
  EXPECT_THROW(parse_prometheus_text("x{a=\"\\t\"} 1\n"), test::PromError);          // bad escape
  EXPECT_THROW(parse_prometheus_text("x one\n"), test::PromError);                   // bad value
  EXPECT_THROW(parse_prometheus_text("x 1\nx 2\n"), test::PromError);                // repeated series
  EXPECT_THROW(parse_prometheus_text("x 1\ny 1\nx{a=\"b\"} 1\n"), test::PromError);  // family split
  EXPECT_THROW(parse_prometheus_text("# TYPE c counter\nc -1\n"), test::PromError);  // negative counter
  EXPECT_THROW(parse_prometheus_text("# TYPE x kind\nx 1\n"), test::PromError);      // bad type
  EXPECT_THROW(parse_prometheus_text("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
                                     "h_count 1\n"),
               test::PromError);  // not cumulative
  EXPECT_THROW(parse_prometheus_text("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_count 2\n"),
               test::PromError);  // no +Inf
  EXPECT_NO_THROW(parse_prometheus_text("# a comment\n\nx{a=\"b\",c=\"d\"} 1.5e3 1700000000000\n"));
}

TEST(MetricsPage, ParsesAndCarriesTheCounters) {
  Snapshot s;
  s.values[index(Figure::logins_ok)] = 7;
  s.values[index(Figure::connections_logged_in_tls)] = 2;
  s.values[index(Figure::store_commits)] = 3;
  s.values[index(Figure::store_commit_bucket_first)] = 1;
  s.values[index(Figure::store_commit_bucket_last)] = 2;
  s.values[index(Figure::store_commit_nanoseconds)] = 6'000'500'000;
  s.values[index(Figure::store_rows_written)] = 42;
  server::ScrapeFigures scrape;
  scrape.version = "1.2.3";
  scrape.stored_messages = 11;
  scrape.process = server::ProcessFigures{1.5, 1000, 10, 1024, 1.7e9};
  auto page = test::parse_prometheus_text(server::metrics_page(s, scrape));
  EXPECT_EQ(page.value("parley_build_info", {{"version", "1.2.3"}}), 1);
  EXPECT_EQ(page.value("parley_logins_total", {{"result", "ok"}}), 7);
  EXPECT_EQ(page.value("parley_connections_open", {{"state", "logged_in"}, {"protocol", "classic"}, {"tls", "true"}}),
            2);
  EXPECT_EQ(page.value("parley_store_commit_seconds_bucket", {{"le", "0.0005"}}), 1);
  EXPECT_EQ(page.value("parley_store_commit_seconds_bucket", {{"le", "2.5"}}), 1);
  EXPECT_EQ(page.value("parley_store_commit_seconds_bucket", {{"le", "+Inf"}}), 3);
  EXPECT_EQ(page.value("parley_store_commit_seconds_count"), 3);
  EXPECT_EQ(page.value("parley_store_commit_seconds_sum"), 6.0005);
  EXPECT_EQ(page.value("parley_store_rows_written_total"), 42);
  EXPECT_EQ(page.value("parley_mailbox_messages"), 11);
  EXPECT_EQ(page.value("parley_store_up"), 1);
  EXPECT_EQ(page.value("parley_process_open_fds"), 10);
  for (const auto& [name, family] : page.families) {
    EXPECT_EQ(name.rfind("parley_", 0), 0u) << name;
    EXPECT_EQ(family.type == "counter", name.size() > 6 && name.substr(name.size() - 6) == "_total") << name;
    EXPECT_FALSE(family.help.empty()) << name;
  }
}

TEST(MetricsPage, LeavesOutWhatDidNotAnswer) {
  auto page = test::parse_prometheus_text(server::metrics_page(Snapshot{}, server::ScrapeFigures{}));
  EXPECT_EQ(page.value("parley_store_up"), 0);
  EXPECT_FALSE(page.value("parley_mailbox_messages"));
  EXPECT_FALSE(page.value("parley_process_open_fds"));
}

}  // namespace
}  // namespace parley::metrics
