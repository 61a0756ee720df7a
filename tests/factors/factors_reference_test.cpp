// The factor-file reader and the OLS regressions on real equity data: the five skfolio factor ETFs
// (MTUM, QUAL, SIZE, USMV, VLUE; ../shared/data/reference/skfolio, BSD-3, skfolio @c06db84) as
// factors, AAPL, JPM and XOM of skfolio's S&P 500 dataset as assets. Expected values: statsmodels
// OLS on pandas pct_change returns over the common dates (tests/data/factors/make_fixtures.py,
// skfolio_etf.json).
#include <gtest/gtest.h>

#include <string>

#include "data/shared_data.hpp"
#include "keel/data/read_prices.hpp"
#include "keel/factors/exposures.hpp"
#include "keel/factors/factor_series.hpp"
#include "keel/factors/regression.hpp"
#include "support/fixtures.hpp"

namespace keel {
namespace {

using test::fixture_at;

TEST(FactorsReference, SkfolioEtfFactorsMatchStatsmodels) {
  SKIP_IF_ABSENT("reference/skfolio/factors_dataset.csv.gz");
  SKIP_IF_ABSENT("reference/skfolio/sp500_dataset.csv.gz");
  const auto json =
      test::read_json_fixture(std::string(KEEL_TEST_DATA_DIR) + "/factors/skfolio_etf.json");
  auto factors = read_factor_returns(testing::shared("reference/skfolio/factors_dataset.csv.gz"),
                                     FactorFileKind::kPrices);
  ASSERT_TRUE(factors.is_ok()) << factors.status().message();
  EXPECT_EQ(factors->assets, (std::vector<std::string>{"MTUM", "QUAL", "SIZE", "USMV", "VLUE"}));
  ReadOptions ro;
  ro.keep_raw_symbols = true;
  auto stocks = read_prices(testing::shared("reference/skfolio/sp500_dataset.csv.gz"), ro);
  ASSERT_TRUE(stocks.is_ok()) << stocks.status().message();
  const ReturnSeries returns = compute_returns(*stocks);
  auto aligned = align_factors(returns, *factors, "factors_dataset.csv.gz");
  ASSERT_TRUE(aligned.is_ok()) << aligned.status().message();
  EXPECT_EQ(static_cast<int>(aligned->assets.timestamps.size()),
            fixture_at(json, "rows").get<int>());
  EXPECT_EQ(format_date(aligned->assets.timestamps.front()),
            fixture_at(json, "first").get<std::string>());
  int checked = 0;
  for (const auto& [asset, want] : fixture_at(json, "assets").items()) {
    const auto it = std::find(returns.assets.begin(), returns.assets.end(), asset);
    ASSERT_NE(it, returns.assets.end()) << asset;
    const Eigen::VectorXd y = aligned->assets.values.col(it - returns.assets.begin());
    auto fit = regress(aligned->factors.values, y);
    ASSERT_TRUE(fit.is_ok()) << asset << ": " << fit.status().message();
    const Eigen::VectorXd params = test::fixture_vector(fixture_at(want, "params"), "params");
    const Eigen::VectorXd bse = test::fixture_vector(fixture_at(want, "bse"), "bse");
    for (Eigen::Index j = 0; j < params.size(); ++j) {
      EXPECT_NEAR(fit->coefficients(j), params(j), 1e-10 * std::max(1.0, std::abs(params(j))))
          << asset << " coefficient " << j;
      EXPECT_NEAR(fit->standard_errors(j), bse(j), 1e-10) << asset << " se " << j;
    }
    EXPECT_NEAR(fit->r_squared, test::fixture_number(fixture_at(want, "rsquared")), 1e-10);
    ++checked;
  }
  EXPECT_EQ(checked, 3);
}

}  // namespace
}  // namespace keel
