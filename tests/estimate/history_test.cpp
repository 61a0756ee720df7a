// Minimum history per asset: the default (a quarter of a year, capped at the window), refusing
// short assets with a message naming them, dropping them on request with a recorded repair, and
// the warning for histories shorter than the window.

#include "keel/estimate/history.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace keel {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// `rows` daily returns; asset i is listed `late[i]` rows after the start (NaN before).
ReturnSeries ragged(Eigen::Index rows, const std::vector<std::string>& assets,
                    const std::vector<int>& late) {
  ReturnSeries s;
  s.assets = assets;
  s.values = Eigen::MatrixXd::Constant(rows, static_cast<Eigen::Index>(assets.size()), 0.001);
  for (std::size_t j = 0; j < assets.size(); ++j) {
    s.values.col(static_cast<Eigen::Index>(j)).head(late[j]).setConstant(kNaN);
  }
  for (Eigen::Index t = 0; t < rows; ++t) s.timestamps.push_back(t * kSecondsPerDay);
  return s;
}

TEST(History, DefaultIsAQuarterOfAYearCappedAtTheWindow) {
  HistoryOptions daily{.periods_per_year = 365};
  EXPECT_EQ(daily.effective_minimum(1000), 92);
  EXPECT_EQ(daily.effective_minimum(40), 40);  // a short window: every asset needs all of it
  EXPECT_EQ((HistoryOptions{.periods_per_year = 252}).effective_minimum(1000), 63);
  EXPECT_EQ((HistoryOptions{.periods_per_year = 8760}).effective_minimum(100000), 2190);
  EXPECT_EQ((HistoryOptions{.min_returns = 30, .periods_per_year = 365}).effective_minimum(10),
            30);
  EXPECT_FALSE((HistoryOptions{}).validate());  // the default needs periods_per_year
  EXPECT_FALSE((HistoryOptions{.min_returns = -1, .periods_per_year = 365}).validate());
}

TEST(History, ShortAssetIsAnErrorNamingItAndItsLength) {
  // The CMC panel case: a coin with three returns in a window of 1,000.
  const auto s = ragged(1000, {"BTC", "ETH", "NEWCOIN"}, {0, 0, 997});
  auto r = check_history(s, {.periods_per_year = 365});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("NEWCOIN has 3"), std::string::npos) << m;
  EXPECT_NE(m.find("92 returns"), std::string::npos) << m;
  EXPECT_NE(m.find("--min-history"), std::string::npos) << m;
  EXPECT_NE(m.find("--drop-short-history"), std::string::npos) << m;
  EXPECT_EQ(m.find("BTC has"), std::string::npos) << m;
}

TEST(History, DropIsRecordedAndKeepsTheOthers) {
  const auto s = ragged(1000, {"BTC", "NEWCOIN", "ETH", "MIDCOIN"}, {0, 997, 0, 500});
  auto r = check_history(s, {.periods_per_year = 365, .short_history = ShortHistory::kDrop});
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(r->returns.assets, (std::vector<std::string>{"BTC", "ETH", "MIDCOIN"}));
  EXPECT_EQ(r->kept, (std::vector<Eigen::Index>{0, 2, 3}));
  EXPECT_EQ(r->returns.values.cols(), 3);
  EXPECT_EQ(r->observations(2), 500);
  ASSERT_EQ(r->repairs.size(), 1u);
  EXPECT_NE(r->repairs[0].find("NEWCOIN: 3 returns"), std::string::npos) << r->repairs[0];
  // MIDCOIN is kept but its history is half the window: a warning says so.
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].find("shorter than the window of 1000"), std::string::npos);
  EXPECT_NE(r->warnings[0].find("MIDCOIN 500"), std::string::npos) << r->warnings[0];
}

TEST(History, LoweredMinimumAcceptsAndCompleteWindowsAreQuiet) {
  const auto s = ragged(200, {"A", "B"}, {0, 150});
  auto lowered = check_history(s, {.min_returns = 50, .periods_per_year = 365});
  ASSERT_TRUE(lowered) << lowered.status().message();
  EXPECT_EQ(lowered->min_returns, 50);
  EXPECT_EQ(lowered->warnings.size(), 1u);
  const auto full = ragged(200, {"A", "B"}, {0, 0});
  auto quiet = check_history(full, {.periods_per_year = 365});
  ASSERT_TRUE(quiet);
  EXPECT_TRUE(quiet->warnings.empty());
  EXPECT_TRUE(quiet->repairs.empty());
}

TEST(History, EveryAssetShortIsAnErrorEvenWhenDropping) {
  const auto s = ragged(300, {"A", "B"}, {250, 260});
  auto r = check_history(s, {.periods_per_year = 365, .short_history = ShortHistory::kDrop});
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("every asset"), std::string::npos);
}

}  // namespace
}  // namespace keel
