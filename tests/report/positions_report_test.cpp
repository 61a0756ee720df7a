// The positions and hedge reports: sections and position names, the LP curve against the
// Uniswap v3 amounts in closed form, the VaR/ES marks against the analysis, the histogram counts
// against the scenarios, the delta bars against the net exposures.
#include "keel/report/positions_report.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "keel/data/market.hpp"
#include "keel/defi/amm_position.hpp"

namespace keel::report {
namespace {

Timestamp day(int y, int m, int d) { return days_from_civil({y, m, d}) * kSecondsPerDay; }

// 300 days of BTC, ETH and USDC prices: deterministic wiggles (no RNG), so every run is the same.
Market test_market() {
  PricePanel p;
  p.assets = {"BTC", "ETH", "USDC"};
  p.source = "test";
  const int rows = 300;
  p.prices.resize(rows, 3);
  double btc = 30000.0;
  double eth = 2000.0;
  for (int t = 0; t < rows; ++t) {
    p.timestamps.push_back(day(2022, 1, 1) + t * kSecondsPerDay);
    btc *= 1.0 + 0.03 * std::sin(0.7 * t) + 0.01 * std::cos(2.3 * t);
    eth *= 1.0 + 0.04 * std::sin(0.7 * t + 0.4) + 0.015 * std::sin(1.9 * t);
    p.prices(t, 0) = btc;
    p.prices(t, 1) = eth;
    p.prices(t, 2) = 1.0 + 0.0005 * std::sin(3.1 * t);
  }
  auto m = prepare_market(p, {});
  EXPECT_TRUE(m.is_ok()) << m.status().message();
  return *m;
}

AmmLpPosition eth_usdc_range(double current_pool_price) {
  AmmLpPosition lp;
  lp.kind = AmmKind::kConcentrated;
  lp.tokens = {"ETH", "USDC"};
  lp.price_lower = 0.8 * current_pool_price;
  lp.price_upper = 1.3 * current_pool_price;
  lp.liquidity = 5000.0;
  lp.fee_apr = 0.1;
  return lp;
}

struct Fixture {
  Market market = test_market();
  Book book;
  PositionsAnalysis analysis;
  double eth = 0.0;
  double usdc = 0.0;

  Fixture() {
    const Eigen::Index last = market.panel.prices.rows() - 1;
    eth = market.panel.prices(last, 1);
    usdc = market.panel.prices(last, 2);
    book.source = "test.toml";
    book.quote_currency = "USD";
    book.cash = 1000.0;
    book.positions.push_back({"btc-spot", 0, SpotPosition{"BTC", 0.5}});
    book.positions.push_back({"eth-usdc-lp", 0, eth_usdc_range(eth / usdc)});
    PerpPosition perp;
    perp.underlying = "ETH";
    perp.contracts = -5.0;
    perp.entry_price = eth * 1.02;
    perp.margin = 2000.0;
    book.positions.push_back({"eth-perp-short", 0, perp});
    OptionPosition put;
    put.underlying = "BTC";
    put.type = OptionType::kPut;
    put.strike = 0.9 * market.panel.prices(last, 0);
    put.expiry = market.panel.timestamps.back() + 60 * kSecondsPerDay;
    put.implied_volatility = 0.6;
    put.quantity = 0.5;
    book.positions.push_back({"btc-put", 0, put});
    auto a = analyze_positions(book, market, {});
    EXPECT_TRUE(a.is_ok()) << a.status().message();
    analysis = *a;
  }
};

const Section* find_section(const Report& r, const std::string& title) {
  for (const auto& s : r.sections) {
    if (s.title == title) return &s;
  }
  return nullptr;
}

const Chart* find_chart(const Report& r, const std::string& title) {
  for (const auto& s : r.sections) {
    for (const auto& c : s.charts) {
      if (c.title == title) return &c;
    }
  }
  return nullptr;
}

// Every string cell of every table, to look names up.
std::string all_cells(const Report& r) {
  std::string out;
  for (const auto& s : r.sections) {
    for (const auto& t : s.tables) {
      for (const auto& row : t.rows) {
        for (const auto& cell : row) out += cell + "\n";
      }
    }
  }
  return out;
}

// The data rows of the layer (or its first sub-layer) that has them.
std::vector<Json> layer_rows(const Json& spec, const std::string& field) {
  std::vector<Json> rows;
  auto take = [&](const Json& values) {
    for (const auto& row : values) {
      if (row.contains(field)) rows.push_back(row);
    }
  };
  if (spec.contains("data")) take(spec["data"]["values"]);
  for (const auto& layer : spec.value("layer", Json::array())) {
    if (layer.contains("data")) take(layer["data"]["values"]);
  }
  return rows;
}

// Uniswap v3 amounts of liquidity L at pool price P in [pa, pb] (whitepaper eq. 6.29/6.30),
// written from the formulas, not from the library:
//   P ≤ pa: x = L (1/√pa − 1/√pb), y = 0;  P ≥ pb: x = 0, y = L (√pb − √pa);
//   inside: x = L (1/√P − 1/√pb), y = L (√P − √pa).
double v3_value(double L, double pa, double pb, double pool, double p1) {
  const double s = std::clamp(std::sqrt(pool), std::sqrt(pa), std::sqrt(pb));
  const double x = L * (1.0 / s - 1.0 / std::sqrt(pb));
  const double y = L * (s - std::sqrt(pa));
  return x * pool * p1 + y * p1;
}

TEST(PositionsReport, SectionsNamesAndCharts) {
  Fixture f;
  auto r = positions_report(
      {.meta = {"test"}, .book_source = "test.toml", .book = &f.book, .analysis = &f.analysis});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  for (const char* s :
       {"Positions", "Scenario risk", "Liquidity positions", "Perpetuals and options"}) {
    EXPECT_NE(find_section(*r, s), nullptr) << s;
  }
  const std::string cells = all_cells(*r);
  for (const auto& p : f.book.positions) EXPECT_NE(cells.find(p.name), std::string::npos) << p.name;
  for (const char* c :
       {"Net delta value by underlying, by position", "eth-usdc-lp: LP value vs holding the tokens",
        "Book P&L over the scenarios", "Perpetuals: current and liquidation price"}) {
    const Chart* chart = find_chart(*r, c);
    ASSERT_NE(chart, nullptr) << c;
    EXPECT_TRUE(chart->spec.contains("$schema")) << c;
  }
  // The page renders without error (no bundles needed for render_html) and names the positions.
  const std::string html = render_html(*r);
  for (const auto& p : f.book.positions) EXPECT_NE(html.find(p.name), std::string::npos);
}

TEST(PositionsReport, LpCurveIsTheV3ValueAndTheHeldTokens) {
  Fixture f;
  auto r = positions_report({.book = &f.book, .analysis = &f.analysis});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const Chart* chart = find_chart(*r, "eth-usdc-lp: LP value vs holding the tokens");
  ASSERT_NE(chart, nullptr);
  const auto& lp = std::get<AmmLpPosition>(f.book.positions[1].spec);
  const auto rows = layer_rows(chart->spec, "series");
  ASSERT_GE(rows.size(), 2u * 121u);
  const std::vector<double>& held = f.analysis.lps[1]->token_amounts;
  int below = 0, inside = 0, above = 0;
  double lo = INFINITY, hi = 0.0;
  for (const auto& row : rows) {
    const double pool = row["pool_price"].get<double>();
    const double value = row["value"].get<double>();
    lo = std::min(lo, pool);
    hi = std::max(hi, pool);
    double expected = 0.0;
    if (row["series"] == "LP position") {
      expected = v3_value(lp.liquidity, lp.price_lower, lp.price_upper, pool, f.usdc);
      (pool < lp.price_lower ? below : pool > lp.price_upper ? above : inside)++;
    } else {
      expected = held[0] * pool * f.usdc + held[1] * f.usdc;
    }
    // The chart rounds prices and values to 6 significant digits.
    EXPECT_NEAR(value, expected, 2e-5 * std::abs(expected)) << row.dump();
  }
  EXPECT_GT(below, 0);
  EXPECT_GT(inside, 0);
  EXPECT_GT(above, 0);
  const double now = f.eth / f.usdc;
  EXPECT_NEAR(lo, std::min(0.5 * now, 0.8 * lp.price_lower), 1e-5 * now);
  EXPECT_NEAR(hi, std::max(2.0 * now, 1.25 * lp.price_upper), 1e-5 * now);
  // The curve itself, unrounded, against keel::value_lp and the closed form at sample prices.
  auto curve = lp_value_curve(lp, {f.eth, f.usdc}, held, {.points = 7});
  ASSERT_TRUE(curve.is_ok()) << curve.status().message();
  ASSERT_EQ(curve->pool_prices.size(), 7u);
  for (std::size_t i = 0; i < 7; ++i) {
    const double pool = curve->pool_prices[i];
    const double prices[2] = {pool * f.usdc, f.usdc};
    auto v = value_lp(lp, prices);
    ASSERT_TRUE(v.is_ok());
    EXPECT_DOUBLE_EQ(curve->lp_values[i], v->value);
    EXPECT_NEAR(curve->lp_values[i],
                v3_value(lp.liquidity, lp.price_lower, lp.price_upper, pool, f.usdc),
                1e-9 * curve->lp_values[i]);
  }
  // At today's price the LP is worth what it holds.
  EXPECT_NEAR(v3_value(lp.liquidity, lp.price_lower, lp.price_upper, now, f.usdc),
              held[0] * f.eth + held[1] * f.usdc, 1e-9 * f.analysis.valuation.positions[1].value);
}

TEST(PositionsReport, VarAndEsMarksAndHistogramCounts) {
  Fixture f;
  auto r = positions_report({.book = &f.book, .analysis = &f.analysis});
  ASSERT_TRUE(r.is_ok());
  const Chart* chart = find_chart(*r, "Book P&L over the scenarios");
  ASSERT_NE(chart, nullptr);
  std::map<std::string, double> marks;
  for (const auto& row : layer_rows(chart->spec, "mark")) {
    marks[row["mark"].get<std::string>()] = row["pnl"].get<double>();
  }
  ASSERT_EQ(marks.size(), 2u);
  EXPECT_EQ(marks.at("VaR 95.0%"), -f.analysis.risk.var);
  EXPECT_EQ(marks.at("ES 95.0%"), -f.analysis.risk.es);
  EXPECT_GT(f.analysis.risk.es, f.analysis.risk.var);
  int count = 0;
  double first = INFINITY;
  for (const auto& row : layer_rows(chart->spec, "scenarios")) {
    count += row["scenarios"].get<int>();
    first = std::min(first, row["bin_start"].get<double>());
  }
  EXPECT_EQ(count, f.analysis.revaluation.pnl.size());
  EXPECT_NEAR(first, f.analysis.revaluation.pnl.minCoeff(),
              1e-5 * std::abs(f.analysis.revaluation.pnl.minCoeff()));
}

TEST(PositionsReport, DeltaBarsAddUpToTheNetExposure) {
  Fixture f;
  auto r = positions_report({.book = &f.book, .analysis = &f.analysis});
  ASSERT_TRUE(r.is_ok());
  const Chart* chart = find_chart(*r, "Net delta value by underlying, by position");
  ASSERT_NE(chart, nullptr);
  std::map<std::string, double> by_underlying;
  std::map<std::string, int> segments;
  for (const auto& row : layer_rows(chart->spec, "delta_value")) {
    by_underlying[row["underlying"].get<std::string>()] += row["delta_value"].get<double>();
    segments[row["underlying"].get<std::string>()]++;
  }
  const Eigen::Index last = f.market.panel.prices.rows() - 1;
  const std::map<std::string, double> price = {
      {"BTC", f.market.panel.prices(last, 0)}, {"ETH", f.eth}, {"USDC", f.usdc}};
  for (const auto& e : f.analysis.valuation.net_exposures) {
    const double expected = e.delta * price.at(e.underlying);
    EXPECT_NEAR(by_underlying[e.underlying], expected, 1e-5 * (1.0 + std::abs(expected)) * 4)
        << e.underlying;
  }
  EXPECT_EQ(segments["BTC"], 2);  // the spot and the put
  EXPECT_EQ(segments["ETH"], 2);  // the LP and the perp
}

TEST(PositionsReport, HedgeOverlayAndBothEs) {
  Fixture f;
  std::vector<HedgeCandidate> candidates(1);
  candidates[0].name = "ETH-PERP";
  PerpPosition perp;
  perp.underlying = "ETH";
  candidates[0].instrument = perp;
  candidates[0].min = -50.0;
  candidates[0].max = 50.0;
  BookHedgeOptions options;
  auto hedge = hedge_book(f.analysis, candidates, options);
  ASSERT_TRUE(hedge.is_ok()) << hedge.status().message();
  auto r = hedge_report({.positions = {.book = &f.book, .analysis = &f.analysis},
                         .candidates = &candidates,
                         .options = &options,
                         .hedge = &*hedge});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  ASSERT_NE(find_section(*r, "Hedge"), nullptr);
  ASSERT_NE(find_section(*r, "Positions"), nullptr);
  EXPECT_NE(all_cells(*r).find("ETH-PERP"), std::string::npos);
  const Chart* chart = find_chart(*r, "Book P&L: unhedged vs hedged");
  ASSERT_NE(chart, nullptr);
  std::map<std::string, double> marks;
  for (const auto& row : layer_rows(chart->spec, "mark")) {
    marks[row["mark"].get<std::string>()] = row["pnl"].get<double>();
  }
  EXPECT_EQ(marks.at("ES 95.0% unhedged"), -hedge->unhedged.es);
  EXPECT_EQ(marks.at("ES 95.0% hedged"), -hedge->hedged.es);
  EXPECT_EQ(hedge->unhedged.es, f.analysis.risk.es);
  std::map<std::string, int> counts;
  for (const auto& row : layer_rows(chart->spec, "scenarios")) {
    counts[row["series"].get<std::string>()] += row["scenarios"].get<int>();
  }
  EXPECT_EQ(counts["unhedged"], f.analysis.revaluation.pnl.size());
  EXPECT_EQ(counts["hedged"], hedge->result.hedged_pnl.size());
}

TEST(PositionsReport, Errors) {
  Fixture f;
  EXPECT_FALSE(positions_report({.book = &f.book}).is_ok());
  Book other = f.book;
  other.positions.pop_back();
  auto r = positions_report({.book = &other, .analysis = &f.analysis});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("analyse this book"), std::string::npos);
  EXPECT_FALSE(hedge_report({.positions = {.book = &f.book, .analysis = &f.analysis}}).is_ok());
  const auto& lp = std::get<AmmLpPosition>(f.book.positions[1].spec);
  EXPECT_FALSE(lp_value_curve(lp, {f.eth, f.usdc}, {1.0, 1.0}, {.low = 1.5}).is_ok());
  EXPECT_FALSE(lp_value_curve(lp, {f.eth}, {1.0, 1.0}).is_ok());
  EXPECT_FALSE(lp_value_curve(lp, {-1.0, f.usdc}, {1.0, 1.0}).is_ok());
}

}  // namespace
}  // namespace keel::report
