// The automatic cluster count of HERC and NCO on real panels from ../shared/data (each test skips
// without it): more than one and fewer than n clusters for single, complete, average and Ward
// linkage, and the same count and partition as Riskfolio-Lib's standardised-silhouette rule
// computed with scipy and scikit-learn on the same data (tests/reference/rp/cluster_count.json,
// written by tests/reference/make_hierarchical_peer_fixtures.py).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/shared_data.hpp"
#include "keel/data/read_prices.hpp"
#include "keel/data/returns.hpp"
#include "keel/estimate/covariance.hpp"
#include "keel/optimize/hierarchical.hpp"
#include "optimize/rp_fixtures.hpp"

namespace keel {
namespace {

std::vector<std::vector<int>> partition(const std::vector<int>& labels, int k) {
  std::vector<std::vector<int>> groups(k);
  for (int i = 0; i < static_cast<int>(labels.size()); ++i) groups[labels[i]].push_back(i);
  std::sort(groups.begin(), groups.end());
  return groups;
}

void check_panel(const std::string& name) {
  std::ifstream in(test::rp_fixture("cluster_count.json"));
  const auto fixture = nlohmann::json::parse(in)[name];
  const std::string file = fixture["file"];
  auto panel = read_prices(testing::shared(file));
  ASSERT_TRUE(panel.is_ok()) << panel.status().message();
  const ReturnSeries returns = compute_returns(*panel);
  const int n = static_cast<int>(returns.assets.size());
  ASSERT_EQ(n, fixture["assets"].get<int>());
  auto corr = pairwise_correlation(returns);
  ASSERT_TRUE(corr.is_ok()) << corr.status().message();
  auto cov = estimate_covariance(returns, {.pairwise = true});
  ASSERT_TRUE(cov.is_ok()) << cov.status().message();
  const char* names[] = {"single", "complete", "average", "ward"};
  const LinkageMethod methods[] = {LinkageMethod::kSingle, LinkageMethod::kComplete,
                                   LinkageMethod::kAverage, LinkageMethod::kWard};
  for (int m = 0; m < 4; ++m) {
    const auto& ref = fixture[names[m]];
    auto h = herc(cov->covariance, *corr, {.linkage = methods[m], .long_only = true});
    ASSERT_TRUE(h.is_ok()) << h.status().message();
    EXPECT_GT(h->clusters, 1) << name << " " << names[m];
    EXPECT_LT(h->clusters, n) << name << " " << names[m];
    EXPECT_EQ(h->clusters, ref["k"].get<int>()) << name << " " << names[m];
    EXPECT_EQ(partition(h->cluster_labels, h->clusters),
              ref["clusters"].get<std::vector<std::vector<int>>>())
        << name << " " << names[m];
    auto o = nco(cov->covariance, *corr, {.linkage = methods[m], .long_only = true});
    ASSERT_TRUE(o.is_ok()) << o.status().message();
    EXPECT_EQ(o->clusters, h->clusters) << name << " " << names[m];
  }
}

TEST(HierarchicalClusterCount, SkfolioSp500Panel) {
  SKIP_IF_ABSENT("reference/skfolio/sp500_dataset.csv.gz");
  check_panel("sp500");
}

TEST(HierarchicalClusterCount, HuobiDailyCryptoPanel) {
  SKIP_IF_ABSENT("crypto_pob_huobi/daily_close_usdt.csv");
  check_panel("huobi_daily");
}

TEST(HierarchicalClusterCount, BinanceDailyCryptoPanelWithGaps) {
  SKIP_IF_ABSENT("crypto_binance_spot_daily/close_wide.csv");
  check_panel("binance_daily");
}

}  // namespace
}  // namespace keel
