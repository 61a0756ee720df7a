// Factor series: the returns-file reader, alignment on the return dates, and the market, sector
// and PCA builders (hand-computed values).
#include "keel/factors/factor_series.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "data/test_files.hpp"
#include "keel/factors/factor_builders.hpp"

namespace keel {
namespace {

constexpr Timestamp kDay = 86400;

ReturnSeries returns_of(std::vector<std::string> names, const Eigen::MatrixXd& v,
                        Timestamp start = 19000 * kDay) {
  ReturnSeries s;
  s.assets = std::move(names);
  s.values = v;
  for (Eigen::Index t = 0; t < v.rows(); ++t) s.timestamps.push_back(start + t * kDay);
  return s;
}

TEST(FactorSeries, ReadsAReturnsFileInAnyRowOrder) {
  testing::TempDir dir;
  const auto path =
      dir.write("f.csv", "date,MKT,SMB\r\n2024-01-03,0.01,-0.002\r\n2024-01-02,-0.02,\r\n");
  auto s = read_factor_returns(path, FactorFileKind::kReturns);
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  ASSERT_EQ(s->assets, (std::vector<std::string>{"MKT", "SMB"}));
  ASSERT_EQ(s->values.rows(), 2);
  EXPECT_LT(s->timestamps[0], s->timestamps[1]);
  EXPECT_DOUBLE_EQ(s->values(0, 0), -0.02);
  EXPECT_TRUE(std::isnan(s->values(0, 1)));
  EXPECT_DOUBLE_EQ(s->values(1, 1), -0.002);
}

TEST(FactorSeries, PriceLikeValuesInAReturnsFileAreRefused) {
  testing::TempDir dir;
  const auto path = dir.write("f.csv", "date,MTUM\n2024-01-02,-1.5\n");
  auto s = read_factor_returns(path, FactorFileKind::kReturns);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(std::string(s.status().message()).find("--factors-kind prices"), std::string::npos);
}

TEST(FactorSeries, NoOverlapSaysHowManyDatesOverlap) {
  const auto assets = returns_of({"BTC"}, Eigen::MatrixXd::Constant(40, 1, 0.01));
  const auto factors =
      returns_of({"MKT"}, Eigen::MatrixXd::Constant(40, 1, 0.01), (19000 + 35) * kDay);
  auto a = align_factors(assets, factors, "factors.csv");
  ASSERT_FALSE(a.is_ok());
  const std::string m(a.status().message());
  EXPECT_NE(m.find("factors.csv"), std::string::npos) << m;
  EXPECT_NE(m.find("on 5 of 40 dates"), std::string::npos) << m;
}

TEST(FactorBuilders, CapWeightedMarketUsesPreviousCaps) {
  // Two assets; caps at the end of each day. The day-t index return weights by day t−1 caps.
  PricePanel caps;
  caps.assets = {"A", "B"};
  caps.source = "caps.csv";
  for (int t = 0; t < 3; ++t) caps.timestamps.push_back((19000 + t) * kDay);
  caps.prices.resize(3, 2);
  caps.prices << 100, 300, 200, 200, 50, 50;
  Eigen::MatrixXd v(2, 2);
  v << 0.10, -0.05, 0.02, std::nan("");
  const auto r = returns_of({"A", "B"}, v, (19000 + 1) * kDay);
  MarketFactorOptions o{.kind = MarketFactorKind::kCapWeight, .asset = "", .market_caps = &caps};
  auto m = market_factor(r, o);
  ASSERT_TRUE(m.is_ok()) << m.status().message();
  EXPECT_NEAR(m->values(0, 0), (100 * 0.10 + 300 * -0.05) / 400.0, 1e-16);
  EXPECT_NEAR(m->values(1, 0), 0.02, 1e-16);  // B unquoted: A alone
  auto eq = market_factor(r, MarketFactorOptions{.kind = MarketFactorKind::kEqualWeight});
  ASSERT_TRUE(eq.is_ok());
  EXPECT_NEAR(eq->values(0, 0), 0.025, 1e-16);
}

TEST(FactorBuilders, SectorWithOneMemberIsRefusedNamingIt) {
  AssetMetadata meta;
  meta.source = "meta.csv";
  for (const auto& [symbol, sector] : std::vector<std::pair<std::string, std::string>>{
           {"UNI", "defi"}, {"AAVE", "defi"}, {"DOGE", "meme"}}) {
    AssetInfo info;
    info.symbol = symbol;
    info.sector = sector;
    meta.assets.push_back(info);
  }
  const auto r = returns_of({"UNI", "AAVE", "DOGE"}, Eigen::MatrixXd::Constant(10, 3, 0.01));
  auto s = sector_factors(r, meta, SectorFactorOptions{});
  ASSERT_FALSE(s.is_ok());
  const std::string m(s.status().message());
  EXPECT_NE(m.find("'meme'"), std::string::npos) << m;
  EXPECT_NE(m.find("DOGE"), std::string::npos) << m;
  meta.assets[2].sector = "defi";
  Eigen::MatrixXd v = Eigen::MatrixXd::Constant(10, 3, 0.01);
  v(0, 2) = 0.04;
  auto ok = sector_factors(returns_of({"UNI", "AAVE", "DOGE"}, v), meta, SectorFactorOptions{});
  ASSERT_TRUE(ok.is_ok()) << ok.status().message();
  EXPECT_EQ(ok->assets, (std::vector<std::string>{"sector:defi"}));
  EXPECT_NEAR(ok->values(0, 0), 0.02, 1e-16);
}

}  // namespace
}  // namespace keel
