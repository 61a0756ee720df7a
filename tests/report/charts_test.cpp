// Chart spec builders: the data rows and encodings for small hand-made inputs, with every expected
// number worked out by hand in the comments.
#include "keel/report/charts.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "keel/optimize/hierarchical.hpp"

namespace keel::report {
namespace {

const Json& rows_of(const Json& spec) { return spec["data"]["values"]; }

TEST(Charts, EverySpecHasSchemaTitleAndTooltips) {
  auto w = weights_chart({"A", "B"}, Eigen::Vector2d(0.7, 0.3));
  ASSERT_TRUE(w.is_ok()) << w.status().message();
  EXPECT_EQ((*w)["$schema"], "https://vega.github.io/schema/vega-lite/v6.json");
  EXPECT_EQ((*w)["title"], "Weights by asset");
  EXPECT_TRUE((*w)["encoding"]["tooltip"].is_array());
  EXPECT_EQ((*w)["encoding"]["x"]["title"], "Weight (% of portfolio value)");
  EXPECT_EQ((*w)["encoding"]["x"]["axis"]["format"], "%");
}

TEST(Charts, WeightsLargestFirstShortsRedAndRounded) {
  auto spec = weights_chart({"A", "B", "C"}, Eigen::Vector3d(0.123456789, -0.2, 1.076543211));
  ASSERT_TRUE(spec.is_ok());
  const Json& rows = rows_of(*spec);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["asset"], "C");
  EXPECT_EQ(rows[1]["asset"], "A");
  EXPECT_EQ(rows[2]["asset"], "B");
  EXPECT_DOUBLE_EQ(rows[0]["weight"].get<double>(), 1.07654);  // 6 significant digits
  EXPECT_DOUBLE_EQ(rows[1]["weight"].get<double>(), 0.123457);
  EXPECT_DOUBLE_EQ(rows[2]["weight"].get<double>(), -0.2);
  EXPECT_TRUE((*spec)["encoding"]["y"]["sort"].is_null());  // rows are in display order
  EXPECT_EQ((*spec)["encoding"]["color"]["condition"]["test"], "datum.weight < 0");
}

TEST(Charts, WeightsRejectBadInput) {
  EXPECT_FALSE(weights_chart({"A"}, Eigen::Vector2d(0.5, 0.5)).is_ok());
  EXPECT_FALSE(weights_chart({"A", "A"}, Eigen::Vector2d(0.5, 0.5)).is_ok());
  EXPECT_FALSE(weights_chart({"A", "B"}, Eigen::Vector2d(0.5, std::nan(""))).is_ok());
  EXPECT_FALSE(weights_chart({}, Eigen::VectorXd()).is_ok());
}

TEST(Charts, GroupWeightsSumByTag) {
  // a: 0.1 + 0.3 = 0.4 (2 assets), b: 0.2, untagged: 0.4; ties keep first appearance.
  auto spec = group_weights_chart({"W", "X", "Y", "Z"}, Eigen::Vector4d(0.1, 0.2, 0.3, 0.4),
                                  {"a", "b", "a", ""}, "sector");
  ASSERT_TRUE(spec.is_ok()) << spec.status().message();
  const Json& rows = rows_of(*spec);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["group"], "a");
  EXPECT_DOUBLE_EQ(rows[0]["weight"].get<double>(), 0.4);
  EXPECT_EQ(rows[0]["assets"], 2);
  EXPECT_EQ(rows[1]["group"], "untagged");
  EXPECT_DOUBLE_EQ(rows[1]["weight"].get<double>(), 0.4);
  EXPECT_EQ(rows[2]["group"], "b");
  EXPECT_DOUBLE_EQ(rows[2]["weight"].get<double>(), 0.2);
  EXPECT_EQ((*spec)["encoding"]["y"]["title"], "Sector");
  EXPECT_FALSE(group_weights_chart({"W"}, Eigen::VectorXd::Ones(1), {}, "sector").is_ok());
}

TEST(Charts, RiskContributionsPairWeightAndShare) {
  auto spec = risk_contributions_chart({"A", "B"}, Eigen::Vector2d(0.3, 0.7),
                                       Eigen::Vector2d(0.5, 0.5), "volatility");
  ASSERT_TRUE(spec.is_ok());
  const Json& rows = rows_of(*spec);
  ASSERT_EQ(rows.size(), 4u);
  // B (weight 0.7) first, weight then risk contribution.
  EXPECT_EQ(rows[0], (Json{{"asset", "B"}, {"series", "weight"}, {"value", 0.7}}));
  EXPECT_EQ(rows[1], (Json{{"asset", "B"}, {"series", "risk contribution"}, {"value", 0.5}}));
  EXPECT_EQ(rows[2], (Json{{"asset", "A"}, {"series", "weight"}, {"value", 0.3}}));
  EXPECT_EQ(rows[3], (Json{{"asset", "A"}, {"series", "risk contribution"}, {"value", 0.5}}));
  EXPECT_EQ((*spec)["encoding"]["yOffset"]["field"], "series");
  EXPECT_EQ((*spec)["encoding"]["x"]["title"], "Share of portfolio value or of volatility (%)");
}

TEST(Charts, FrontierLayers) {
  FrontierChartInput in;
  in.curve_volatility = Eigen::Vector3d(0.10, 0.12, 0.20);
  in.curve_return = Eigen::Vector3d(0.05, 0.08, 0.15);
  in.assets = {"A", "B"};
  in.asset_volatility = Eigen::Vector2d(0.10, 0.25);
  in.asset_return = Eigen::Vector2d(0.05, 0.15);
  in.portfolios = {{"max Sharpe", 0.12, 0.08}};
  auto spec = frontier_chart(in);
  ASSERT_TRUE(spec.is_ok()) << spec.status().message();
  const Json& layers = (*spec)["layer"];
  ASSERT_EQ(layers.size(), 4u);  // curve, asset points, asset labels, portfolios
  EXPECT_EQ(layers[0]["mark"]["type"], "line");
  ASSERT_EQ(rows_of(layers[0]).size(), 3u);
  EXPECT_EQ(rows_of(layers[0])[1], (Json{{"volatility", 0.12}, {"return", 0.08}, {"order", 1}}));
  EXPECT_EQ(layers[1]["mark"]["type"], "point");
  EXPECT_EQ(rows_of(layers[1])[1], (Json{{"asset", "B"}, {"volatility", 0.25}, {"return", 0.15}}));
  EXPECT_EQ(layers[2]["mark"]["type"], "text");
  EXPECT_EQ(layers[3]["mark"]["shape"], "diamond");
  EXPECT_EQ(rows_of(layers[3])[0]["portfolio"], "max Sharpe");
  for (const auto& layer : layers) {
    EXPECT_EQ(layer["encoding"]["x"]["field"], "volatility");
    EXPECT_EQ(layer["encoding"]["x"]["title"], "Volatility (annualised, %)");
    EXPECT_EQ(layer["encoding"]["y"]["field"], "return");
  }
  EXPECT_EQ(rows_of(layers[2])[0]["label"], "A");
  EXPECT_EQ(layers[2]["mark"]["align"], "left");  // room on the right of both points
  // Many assets: no name labels, still the points.
  in.max_labelled_assets = 1;
  auto unlabelled = frontier_chart(in);
  ASSERT_TRUE(unlabelled.is_ok());
  EXPECT_EQ((*unlabelled)["layer"].size(), 3u);
  in.curve_return = Eigen::Vector2d(0.05, 0.08);
  EXPECT_FALSE(frontier_chart(in).is_ok());
}

// Every label box on an assumed plot, from the spec's text layers (as the layout computed them).
struct LabelBox {
  std::string text;
  double x0, y0, x1, y1;
};

TEST(Charts, FrontierLabelsDoNotCollide) {
  // Two stablecoins on top of each other near zero, a cluster of close coins and a few apart.
  FrontierChartInput in;
  in.assets = {"USDT", "USDC", "BTC", "ETH", "SOL", "BNB", "XRP", "ADA"};
  in.asset_volatility = Eigen::VectorXd(8);
  in.asset_return = Eigen::VectorXd(8);
  in.asset_volatility << 0.001, 0.0012, 0.60, 0.62, 0.61, 0.63, 0.90, 1.10;
  in.asset_return << 0.0, 0.0001, 0.50, 0.51, 0.49, 0.52, 0.30, 0.70;
  auto spec = frontier_chart(in);
  ASSERT_TRUE(spec.is_ok()) << spec.status().message();
  std::vector<std::string> labels;
  std::vector<Json> text_layers;
  for (const auto& layer : (*spec)["layer"]) {
    if (layer["mark"]["type"] != "text") continue;
    text_layers.push_back(layer);
    for (const auto& row : layer["data"]["values"]) labels.push_back(row["label"]);
  }
  // USDT and USDC sit within a few pixels: one label names both, not two labels on each other.
  EXPECT_NE(std::find(labels.begin(), labels.end(), "USDT, USDC"), labels.end());
  EXPECT_EQ(std::count(labels.begin(), labels.end(), "USDT"), 0);
  // No asset is named twice.
  for (const char* name : {"BTC", "ETH", "SOL", "BNB", "XRP", "ADA"}) {
    EXPECT_LE(std::count(labels.begin(), labels.end(), name), 1) << name;
  }
  // Close coins take different sides rather than all writing to the right.
  std::set<std::string> aligns;
  for (const auto& layer : text_layers) aligns.insert(layer["mark"]["align"].get<std::string>());
  EXPECT_GE(aligns.size(), 2u);
  // Pixel check on the smallest plot the layout assumes (440 × 380, font 10): the label boxes
  // of the spec do not overlap.
  const double x_min = 0.001, x_span = (1.10 - 0.001) * 1.2;
  const double y_min = 0.0, y_span = 0.70 * 1.2;
  std::vector<LabelBox> boxes;
  for (const auto& layer : text_layers) {
    const double dx = layer["mark"]["dx"].get<double>(), dy = layer["mark"]["dy"].get<double>();
    const std::string align = layer["mark"]["align"];
    for (const auto& row : layer["data"]["values"]) {
      const std::string text = row["label"];
      const double w = 6.2 * static_cast<double>(text.size());
      const double px = (row["volatility"].get<double>() - x_min) / x_span * 440 + 44;
      const double py = 380 - ((row["return"].get<double>() - y_min) / y_span * 380 + 38);
      const double left = align == "left" ? px + dx : align == "right" ? px + dx - w : px - w / 2;
      boxes.push_back({text, left, py + dy - 9, left + w, py + dy + 2});
    }
  }
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    for (std::size_t j = i + 1; j < boxes.size(); ++j) {
      const bool overlap = boxes[i].x0 < boxes[j].x1 && boxes[j].x0 < boxes[i].x1 &&
                           boxes[i].y0 < boxes[j].y1 && boxes[j].y0 < boxes[i].y1;
      EXPECT_FALSE(overlap) << boxes[i].text << " and " << boxes[j].text;
    }
  }
  // Every asset stays in a tooltip, labelled or not.
  EXPECT_EQ(rows_of((*spec)["layer"][0]).size(), 8u);
}

TEST(Charts, CorrelationHeatmapInGivenOrder) {
  Eigen::Matrix3d c;
  c << 1.0, 0.2, -0.5,  //
      0.2, 1.0, 0.3,    //
      -0.5, 0.3, 1.0;
  auto spec = correlation_heatmap({"A", "B", "C"}, c, {2, 0, 1});
  ASSERT_TRUE(spec.is_ok()) << spec.status().message();
  const Json& rows = rows_of(*spec);
  ASSERT_EQ(rows.size(), 9u);
  EXPECT_EQ(rows[0], (Json{{"row", "C"}, {"column", "C"}, {"correlation", 1.0}}));
  EXPECT_EQ(rows[1], (Json{{"row", "C"}, {"column", "A"}, {"correlation", -0.5}}));
  EXPECT_EQ(rows[5], (Json{{"row", "A"}, {"column", "B"}, {"correlation", 0.2}}));
  EXPECT_EQ((*spec)["encoding"]["x"]["sort"], (Json{"C", "A", "B"}));
  EXPECT_EQ((*spec)["encoding"]["y"]["sort"], (Json{"C", "A", "B"}));
  EXPECT_EQ((*spec)["encoding"]["color"]["scale"]["domain"], (Json{-1, 1}));
  EXPECT_FALSE(correlation_heatmap({"A", "B", "C"}, c, {0, 0, 1}).is_ok());
  EXPECT_FALSE(correlation_heatmap({"A", "B"}, c).is_ok());
}

// Linkage of three assets A, B, C (ids 0, 1, 2): row 0 merges A and B at 0.3 into cluster 3,
// row 1 merges C with cluster 3 at 0.5 into the root 4. scipy's pre-order visits the left child
// first: 4 → 2 (C), then 3 → 0 (A), 1 (B), so the leaf order is C, A, B at positions 0, 1, 2.
// Cluster 3 sits at (1 + 2)/2 = 1.5, the root at (0 + 1.5)/2 = 0.75.
TEST(Charts, DendrogramCoordinatesOfThreeLeavesByHand) {
  Eigen::Matrix<double, 2, 4> z;
  z << 0, 1, 0.3, 2,  //
      2, 3, 0.5, 3;
  ASSERT_EQ(leaf_order(z), (std::vector<int>{2, 0, 1}));
  auto spec = dendrogram_chart(z, {"A", "B", "C"});
  ASSERT_TRUE(spec.is_ok()) << spec.status().message();
  const Json& rows = rows_of(*spec);
  ASSERT_EQ(rows.size(), 6u);
  auto rule = [](int node, double d, double d2, double p, double p2, double size) {
    return Json{{"node", node},  {"distance", d},   {"distance2", d2},
                {"position", p}, {"position2", p2}, {"size", size}};
  };
  // Row 0: A's branch at position 1 and B's at 2 from 0 up to 0.3, joined at 0.3.
  EXPECT_EQ(rows[0], rule(3, 0.0, 0.3, 1.0, 1.0, 2));
  EXPECT_EQ(rows[1], rule(3, 0.0, 0.3, 2.0, 2.0, 2));
  EXPECT_EQ(rows[2], rule(3, 0.3, 0.3, 1.0, 2.0, 2));
  // Row 1: C's branch at position 0 from 0 and cluster 3's at 1.5 from 0.3, up to 0.5.
  EXPECT_EQ(rows[3], rule(4, 0.0, 0.5, 0.0, 0.0, 3));
  EXPECT_EQ(rows[4], rule(4, 0.3, 0.5, 1.5, 1.5, 3));
  EXPECT_EQ(rows[5], rule(4, 0.5, 0.5, 0.0, 1.5, 3));
  const Json& y = (*spec)["encoding"]["y"];
  EXPECT_EQ(y["axis"]["labelExpr"], "[\"C\",\"A\",\"B\"][datum.value]");
  EXPECT_EQ(y["axis"]["values"], (Json{0, 1, 2}));
  EXPECT_EQ((*spec)["mark"]["type"], "rule");
  EXPECT_EQ((*spec)["encoding"]["x2"]["field"], "distance2");
}

TEST(Charts, DendrogramBranchesMeetTheirJoints) {
  // A real tree: every cluster's two branches end at its merge distance, where its joint spans
  // exactly from one branch to the other, and every child's branch starts where the child was
  // drawn (at its own height and position).
  Eigen::MatrixXd corr(6, 6);
  for (int i = 0; i < 6; ++i) {
    for (int j = 0; j < 6; ++j) {
      corr(i, j) =
          i == j ? 1.0 : 0.9 * std::exp(-0.7 * std::abs(i - j)) * (i % 2 == j % 2 ? 1.0 : 0.6);
    }
  }
  auto z = linkage(cluster_distance(corr, ClusterDistance::kCorrelation), LinkageMethod::kAverage);
  ASSERT_TRUE(z.is_ok());
  auto spec = dendrogram_chart(*z, {"a", "b", "c", "d", "e", "f"});
  ASSERT_TRUE(spec.is_ok()) << spec.status().message();
  const Json& rows = rows_of(*spec);
  ASSERT_EQ(rows.size(), 15u);
  for (std::size_t k = 0; k < rows.size(); k += 3) {
    const Json& left = rows[k];
    const Json& right = rows[k + 1];
    const Json& joint = rows[k + 2];
    EXPECT_EQ(left["distance2"], joint["distance"]);
    EXPECT_EQ(right["distance2"], joint["distance"]);
    EXPECT_EQ(left["position"], joint["position"]);
    EXPECT_EQ(right["position"], joint["position2"]);
    const double merge = (*z)(static_cast<Eigen::Index>(k / 3), 2);
    EXPECT_NEAR(joint["distance"].get<double>(), merge, 1e-6 * merge);  // 6 significant digits
  }
  // Leaves occupy positions 0..5 once each.
  std::vector<double> leaf_positions;
  for (std::size_t k = 0; k < rows.size(); k += 3) {
    for (std::size_t c = 0; c < 2; ++c) {
      if (rows[k + c]["distance"].get<double>() == 0.0)
        leaf_positions.push_back(rows[k + c]["position"]);
    }
  }
  std::sort(leaf_positions.begin(), leaf_positions.end());
  EXPECT_EQ(leaf_positions, (std::vector<double>{0, 1, 2, 3, 4, 5}));
}

TEST(Charts, DendrogramRejectsMalformedLinkage) {
  Eigen::Matrix<double, 2, 4> z;
  z << 0, 1, 0.3, 2,  //
      1, 3, 0.5, 3;   // asset 1 merged twice
  EXPECT_FALSE(dendrogram_chart(z, {"A", "B", "C"}).is_ok());
  z << 0, 4, 0.3, 2,  // cluster 4 does not exist yet
      2, 3, 0.5, 3;
  EXPECT_FALSE(dendrogram_chart(z, {"A", "B", "C"}).is_ok());
  z << 0, 1, 0.3, 2,  //
      2, 3, 0.5, 3;
  EXPECT_FALSE(dendrogram_chart(z, {"A", "B"}).is_ok());
  EXPECT_FALSE(dendrogram_chart(z, {"A", "B", "C"}, {0, 1}).is_ok());
}

TimeSeries two_series(Eigen::Index rows) {
  TimeSeries ts;
  ts.names = {"strategy", "benchmark"};
  ts.values.resize(rows, 2);
  for (Eigen::Index t = 0; t < rows; ++t) {
    ts.timestamps.push_back(1577836800 + t * kSecondsPerDay);  // from 2020-01-01
    ts.values(t, 0) = 1.0 + 0.01 * static_cast<double>(t);
    ts.values(t, 1) = t < 2 ? std::nan("") : 2.0;
  }
  return ts;
}

TEST(Charts, EquityCurvesRowsAndLogScale) {
  auto spec = equity_curves_chart(two_series(4));
  ASSERT_TRUE(spec.is_ok()) << spec.status().message();
  const Json& rows = rows_of(*spec);
  ASSERT_EQ(rows.size(), 6u);  // 4 + 2 (the benchmark starts on the third day)
  EXPECT_EQ(rows[0], (Json{{"date", 1577836800000LL}, {"series", "strategy"}, {"value", 1.0}}));
  EXPECT_EQ(rows[4], (Json{{"date", 1578009600000LL}, {"series", "benchmark"}, {"value", 2.0}}));
  EXPECT_EQ((*spec)["encoding"]["y"]["scale"]["type"], "log");
  EXPECT_EQ((*spec)["encoding"]["x"]["type"], "temporal");
  EXPECT_EQ((*spec)["encoding"]["x"]["scale"]["type"], "utc");
  EXPECT_EQ((*spec)["encoding"]["tooltip"][1]["format"], "%Y-%m-%d");
  TimeSeries bad = two_series(4);
  bad.values(3, 0) = 0.0;
  EXPECT_FALSE(equity_curves_chart(bad).is_ok());
  bad = two_series(4);
  bad.timestamps[2] = bad.timestamps[1];
  EXPECT_FALSE(equity_curves_chart(bad).is_ok());
}

TEST(Charts, LongSeriesAreDownsampledPerSeries) {
  auto spec =
      equity_curves_chart(two_series(10000), {.title = "", .y_title = "", .max_points = 500});
  ASSERT_TRUE(spec.is_ok());
  std::size_t strategy = 0;
  std::size_t benchmark = 0;
  for (const auto& row : rows_of(*spec)) (row["series"] == "strategy" ? strategy : benchmark)++;
  EXPECT_LE(strategy, 500u);
  EXPECT_GE(strategy, 2u);
  EXPECT_LE(benchmark, 500u);
  EXPECT_EQ(rows_of(*spec)[0]["date"], 1577836800000LL);  // first point kept
}

TEST(Charts, DrawdownsAreDrawnDownwardsAndNotStacked) {
  TimeSeries dd = two_series(3);
  dd.values << 0.0, 0.0, 0.1, 0.0, 0.25, 0.05;
  auto spec = drawdown_chart(dd);
  ASSERT_TRUE(spec.is_ok());
  const Json& rows = rows_of(*spec);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_DOUBLE_EQ(rows[2]["value"].get<double>(), -0.25);
  EXPECT_DOUBLE_EQ(rows[4]["value"].get<double>(), -0.0);
  EXPECT_DOUBLE_EQ(rows[5]["value"].get<double>(), -0.05);
  // Two series or more: small multiples, one row of the facet per series, never overlapping
  // areas in one plot.
  ASSERT_TRUE(spec->contains("facet"));
  EXPECT_EQ((*spec)["facet"]["row"]["field"], "series");
  EXPECT_EQ((*spec)["facet"]["row"]["sort"], (Json{"strategy", "benchmark"}));
  const Json& unit = (*spec)["spec"];
  EXPECT_EQ(unit["mark"]["type"], "area");
  EXPECT_TRUE(unit["encoding"]["y"]["stack"].is_null());
  EXPECT_EQ((*spec)["resolve"]["scale"]["y"], "shared");
  EXPECT_FALSE(spec->contains("encoding"));

  // One series: a single area chart.
  TimeSeries one{dd.timestamps, {"portfolio"}, dd.values.col(0)};
  auto single = drawdown_chart(one);
  ASSERT_TRUE(single.is_ok());
  EXPECT_FALSE(single->contains("facet"));
  EXPECT_EQ((*single)["mark"]["type"], "area");
  EXPECT_TRUE((*single)["encoding"]["y"]["stack"].is_null());
}

TEST(Charts, TimeAxesOverMoreThanAYearShowTheYear) {
  // Three years of days: labels must carry the year (not "April", "July" alone).
  auto three_years = equity_curves_chart(two_series(3 * 365));
  ASSERT_TRUE(three_years.is_ok());
  const Json& axis = (*three_years)["encoding"]["x"]["axis"];
  ASSERT_TRUE(axis.contains("format"));
  EXPECT_NE(axis["format"].get<std::string>().find("%Y"), std::string::npos);
  EXPECT_FALSE(axis.contains("formatType"));  // the utc scale formats in UTC
  EXPECT_EQ((*three_years)["encoding"]["x"]["scale"]["type"], "utc");
  EXPECT_EQ(axis["tickCount"]["interval"], "month");
  EXPECT_EQ(axis["tickCount"]["step"], 3);  // 36 months, at most a dozen ticks
  // Seven years: yearly ticks.
  auto seven = rolling_volatility_chart(two_series(7 * 365));
  ASSERT_TRUE(seven.is_ok());
  EXPECT_EQ((*seven)["encoding"]["x"]["axis"]["format"], "%Y");
  EXPECT_EQ((*seven)["encoding"]["x"]["axis"]["tickCount"]["interval"], "year");
  // Small multiples share the rule.
  auto dd = drawdown_chart(two_series(2 * 365));
  ASSERT_TRUE(dd.is_ok());
  EXPECT_NE((*dd)["spec"]["encoding"]["x"]["axis"]["format"].get<std::string>().find("%Y"),
            std::string::npos);
  // Weights over time too.
  auto w = weights_over_time_chart(two_series(400));
  ASSERT_TRUE(w.is_ok());
  EXPECT_NE((*w)["encoding"]["x"]["axis"]["format"].get<std::string>().find("%Y"),
            std::string::npos);
  // Half a year: monthly ticks, with the year.
  auto half = equity_curves_chart(two_series(180));
  ASSERT_TRUE(half.is_ok());
  EXPECT_EQ((*half)["encoding"]["x"]["axis"]["format"], "%b %Y");
  EXPECT_EQ((*half)["encoding"]["x"]["axis"]["tickCount"]["step"], 1);
  // A month: Vega's own day labels.
  auto short_span = equity_curves_chart(two_series(30));
  ASSERT_TRUE(short_span.is_ok());
  EXPECT_FALSE((*short_span)["encoding"]["x"].contains("axis"));
}

TEST(Charts, WeightsOverTimeKeepTheLargestAndSumTheRest) {
  TimeSeries w;
  w.names = {"A", "B", "C", "D"};
  w.timestamps = {0, 86400};
  w.values.resize(2, 4);
  w.values << 0.1, 0.5, 0.3, 0.1,  //
      0.2, 0.4, 0.1, 0.3;
  // Mean weights: A 0.15, B 0.45, C 0.2, D 0.2 → B and C shown (C before D on the tie), A + D
  // summed into "other": 0.2 on day 1, 0.5 on day 2.
  auto spec = weights_over_time_chart(w, 2);
  ASSERT_TRUE(spec.is_ok()) << spec.status().message();
  const Json& rows = rows_of(*spec);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0]["series"], "B");
  EXPECT_EQ(rows[1]["series"], "C");
  EXPECT_EQ(rows[2]["series"], "other");
  EXPECT_DOUBLE_EQ(rows[2]["value"].get<double>(), 0.2);
  EXPECT_DOUBLE_EQ(rows[5]["value"].get<double>(), 0.5);
  EXPECT_EQ((*spec)["encoding"]["y"]["stack"], "zero");
  EXPECT_EQ((*spec)["encoding"]["color"]["sort"], (Json{"B", "C", "other"}));
}

TEST(Charts, TailRiskBarsSkipWhatWasNotComputed) {
  std::vector<TailRiskEstimate> e = {{"historical", 0.04, 0.06, 0.05},
                                     {"gaussian", 0.03, 0.04, std::nan("")}};
  auto spec = tail_risk_chart(e, 0.95, 1, "day");
  ASSERT_TRUE(spec.is_ok()) << spec.status().message();
  const Json& rows = rows_of(*spec);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[2], (Json{{"method", "historical"}, {"measure", "LVaR"}, {"value", 0.05}}));
  EXPECT_EQ(rows[4], (Json{{"method", "gaussian"}, {"measure", "CVaR"}, {"value", 0.04}}));
  EXPECT_EQ((*spec)["title"], "VaR, CVaR and LVaR by method (95%, 1 day)");
  EXPECT_EQ((*spec)["encoding"]["color"]["scale"]["domain"], (Json{"VaR", "CVaR", "LVaR"}));
  auto no_lvar = tail_risk_chart({{"historical", 0.04, 0.06, std::nan("")}}, 0.99, 10);
  ASSERT_TRUE(no_lvar.is_ok());
  EXPECT_EQ((*no_lvar)["title"], "VaR and CVaR by method (99%, 10 periods)");
  EXPECT_FALSE(tail_risk_chart({}, 0.95).is_ok());
  EXPECT_FALSE(tail_risk_chart(e, 1.5).is_ok());
}

TEST(Charts, StressWorstFirstLossesRed) {
  auto spec = stress_pnl_chart({"covid", "luna", "rally"}, Eigen::Vector3d(-0.3, -0.45, 0.1));
  ASSERT_TRUE(spec.is_ok());
  const Json& rows = rows_of(*spec);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (Json{{"scenario", "luna"}, {"pnl", -0.45}}));
  EXPECT_EQ(rows[1], (Json{{"scenario", "covid"}, {"pnl", -0.3}}));
  EXPECT_EQ(rows[2], (Json{{"scenario", "rally"}, {"pnl", 0.1}}));
  EXPECT_EQ((*spec)["encoding"]["color"]["condition"]["test"], "datum.pnl < 0");
  EXPECT_EQ((*spec)["encoding"]["color"]["condition"]["value"], "#c0392b");
}

}  // namespace
}  // namespace keel::report
