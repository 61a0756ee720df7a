#include "keel/data/missing.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace keel {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// 6 daily rows from 2024-01-01; A complete, B with a 2-day gap, C listed late (2 leading NaN),
// D delisted (last price on day 4).
PricePanel ragged_panel() {
  PricePanel p;
  p.assets = {"A", "B", "C", "D"};
  for (int d = 0; d < 6; ++d) p.timestamps.push_back((19723 + d) * kSecondsPerDay);
  p.prices.resize(6, 4);
  p.prices << 1, 10, kNaN, 7,  //
      2, 11, kNaN, 7.5,        //
      3, kNaN, 100, 8,         //
      4, kNaN, 101, 8.5,       //
      5, 14, 102, kNaN,        //
      6, 15, 103, kNaN;
  p.source = "test.csv";
  return p;
}

TEST(MissingPolicy, ParseAndPrint) {
  EXPECT_EQ(parse_missing_policy("error")->kind, MissingPolicyKind::kError);
  EXPECT_EQ(parse_missing_policy("drop-rows")->kind, MissingPolicyKind::kDropRows);
  EXPECT_EQ(parse_missing_policy("pairwise")->kind, MissingPolicyKind::kPairwise);
  const auto ffill = parse_missing_policy("ffill:3");
  ASSERT_TRUE(ffill.is_ok());
  EXPECT_EQ(ffill->kind, MissingPolicyKind::kForwardFill);
  EXPECT_EQ(ffill->max_fill, 3);
  const auto drop = parse_missing_policy("drop-assets:0.25");
  ASSERT_TRUE(drop.is_ok());
  EXPECT_EQ(drop->max_missing_fraction, 0.25);
  for (const char* text : {"error", "drop-rows", "ffill:3", "drop-assets:0.25", "pairwise"}) {
    EXPECT_EQ(to_string(*parse_missing_policy(text)), text);
  }
  for (const char* bad : {"ffill", "ffill:0", "ffill:x", "ffill:2.5", "drop-assets:1",
                          "drop-assets:-0.1", "drop-assets:abc", "dropna", ""}) {
    const auto r = parse_missing_policy(bad);
    EXPECT_FALSE(r.is_ok()) << bad;
    if (!r.is_ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput) << bad;
    }
  }
  EXPECT_FALSE(
      (MissingPolicy{.kind = MissingPolicyKind::kForwardFill, .max_fill = 0}).validate().is_ok());
}

TEST(MissingPolicy, CompletePanelIsUntouched) {
  PricePanel p = ragged_panel();
  p.prices = p.prices.array().isNaN().select(1.0, p.prices);
  for (const char* text : {"error", "drop-rows", "ffill:1", "drop-assets:0", "pairwise"}) {
    const auto r = apply_missing_policy(p, *parse_missing_policy(text));
    ASSERT_TRUE(r.is_ok()) << text;
    EXPECT_TRUE(r->repairs.empty()) << text;
    EXPECT_EQ(r->panel.prices, p.prices) << text;
  }
}

TEST(MissingPolicy, ErrorNamesFirstMissingCellAndPolicies) {
  const auto r = apply_missing_policy(ragged_panel(), {});
  ASSERT_FALSE(r.is_ok());
  const std::string& m = r.status().message();
  // Row 0 has C missing (not listed yet): leading NaNs are missing data too.
  EXPECT_TRUE(contains(m, "test.csv: missing price for asset 'C' on 2024-01-01")) << m;
  EXPECT_TRUE(contains(m, "before its first quote on 2024-01-03")) << m;
  EXPECT_TRUE(contains(m, "6 missing cells in 3 of 4 assets")) << m;
  for (const char* policy : {"drop-rows", "ffill:N", "drop-assets:F", "pairwise"}) {
    EXPECT_TRUE(contains(m, policy)) << m;
  }
}

TEST(MissingPolicy, DropRows) {
  PricePanel p = ragged_panel();
  p.prices(0, 2) = 99;
  p.prices(1, 2) = 99.5;
  p.prices(4, 3) = 9;
  p.prices(5, 3) = 9.5;
  const auto q = apply_missing_policy(p, {.kind = MissingPolicyKind::kDropRows});
  ASSERT_TRUE(q.is_ok()) << q.status().message();
  ASSERT_EQ(q->panel.rows(), 4);
  EXPECT_EQ(q->panel.timestamps[2], p.timestamps[4]);
  EXPECT_EQ(q->panel.prices(2, 1), 14.0);
  ASSERT_EQ(q->repairs.size(), 1u);
  EXPECT_EQ(q->repairs[0].action, "drop-rows");
  EXPECT_TRUE(contains(q->repairs[0].detail, "dropped 2 of 6 rows")) << q->repairs[0].detail;
}

TEST(MissingPolicy, DropRowsWithNothingLeftFails) {
  // Rows 0-1 miss C (not listed), 2-3 miss B (gap), 4-5 miss D (delisted).
  const auto r = apply_missing_policy(ragged_panel(), {.kind = MissingPolicyKind::kDropRows});
  ASSERT_FALSE(r.is_ok());
  EXPECT_TRUE(contains(r.status().message(), "no row is left")) << r.status().message();
  EXPECT_TRUE(contains(r.status().message(), "drop-assets")) << r.status().message();
}

TEST(MissingPolicy, ForwardFillOnlyInsideQuotedSpan) {
  PricePanel p = ragged_panel();
  // Remove the listing/delisting NaNs so only B's inner 2-day gap remains.
  p.prices(0, 2) = 99;
  p.prices(1, 2) = 99.5;
  p.prices(4, 3) = 9;
  p.prices(5, 3) = 9.5;
  const auto one =
      apply_missing_policy(p, {.kind = MissingPolicyKind::kForwardFill, .max_fill = 1});
  ASSERT_FALSE(one.is_ok()) << "a 2-period gap is longer than ffill:1 bridges";
  EXPECT_TRUE(contains(one.status().message(), "asset 'B' on 2024-01-03 (a gap of 2 period(s)"))
      << one.status().message();
  EXPECT_TRUE(contains(one.status().message(), "ends on 2024-01-04")) << one.status().message();
  const auto two =
      apply_missing_policy(p, {.kind = MissingPolicyKind::kForwardFill, .max_fill = 2});
  ASSERT_TRUE(two.is_ok()) << two.status().message();
  EXPECT_EQ(two->panel.prices(2, 1), 11.0);
  EXPECT_EQ(two->panel.prices(3, 1), 11.0);
  EXPECT_EQ(two->panel.prices(4, 1), 14.0);
  ASSERT_EQ(two->repairs.size(), 1u);
  EXPECT_EQ(two->repairs[0].action, "ffill");
  EXPECT_TRUE(contains(two->repairs[0].detail, "forward-filled 2 cells")) << two->repairs[0].detail;
  EXPECT_TRUE(contains(two->repairs[0].detail, "B (2)")) << two->repairs[0].detail;

  // With the ragged panel, ffill never fills C before listing nor D after delisting: those cells
  // stay missing (the default step after ffill keeps them) and are recorded; B's gap is filled.
  const auto ragged = apply_missing_policy(
      ragged_panel(), {.kind = MissingPolicyKind::kForwardFill, .max_fill = 5});
  ASSERT_TRUE(ragged.is_ok()) << ragged.status().message();
  EXPECT_TRUE(std::isnan(ragged->panel.prices(0, 2)));
  EXPECT_TRUE(std::isnan(ragged->panel.prices(1, 2)));
  EXPECT_TRUE(std::isnan(ragged->panel.prices(4, 3)));
  EXPECT_TRUE(std::isnan(ragged->panel.prices(5, 3)));
  EXPECT_EQ(ragged->panel.prices(3, 1), 11.0);
  ASSERT_EQ(ragged->repairs.size(), 2u);
  EXPECT_EQ(ragged->repairs[1].action, "ffill-outside-span");
  EXPECT_TRUE(contains(ragged->repairs[1].detail, "kept 4 cells")) << ragged->repairs[1].detail;
  // "ffill:N,error" is the old strict behaviour: the first cell left missing is named.
  const auto strict = apply_missing_policy(ragged_panel(), {.kind = MissingPolicyKind::kForwardFill,
                                                            .max_fill = 5,
                                                            .then = MissingPolicyKind::kError});
  ASSERT_FALSE(strict.is_ok());
  EXPECT_TRUE(
      contains(strict.status().message(), "asset 'C' on 2024-01-01 (before its first quote"))
      << strict.status().message();
  EXPECT_TRUE(contains(strict.status().message(), "ffill:5,drop-rows")) << strict.status().message();
}

TEST(MissingPolicy, DropAssetsThenRows) {
  // Missing fractions: A 0, B 2/6, C 2/6, D 2/6. F = 0.3 drops B, C, D.
  const auto r = apply_missing_policy(
      ragged_panel(), {.kind = MissingPolicyKind::kDropAssets, .max_missing_fraction = 0.3});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->panel.assets, (std::vector<std::string>{"A"}));
  EXPECT_EQ(r->panel.rows(), 6);
  ASSERT_EQ(r->repairs.size(), 1u);
  EXPECT_EQ(r->repairs[0].action, "drop-asset");
  EXPECT_TRUE(contains(r->repairs[0].detail, "B (33.3% missing)")) << r->repairs[0].detail;
  // F = 0.4 keeps every asset, then drops every row with a NaN... all 6 rows have one → error.
  const auto none = apply_missing_policy(
      ragged_panel(), {.kind = MissingPolicyKind::kDropAssets, .max_missing_fraction = 0.4});
  ASSERT_FALSE(none.is_ok());
  EXPECT_TRUE(contains(none.status().message(), "no row is left")) << none.status().message();
}

TEST(MissingPolicy, DropAssetsCarriesVolumes) {
  PricePanel p = ragged_panel();
  p.volumes = Eigen::MatrixXd::Constant(6, 4, 5.0);
  p.volumes(3, 0) = 42.0;
  const auto r = apply_missing_policy(
      p, {.kind = MissingPolicyKind::kDropAssets, .max_missing_fraction = 0.3});
  ASSERT_TRUE(r.is_ok());
  ASSERT_TRUE(r->panel.has_volumes());
  EXPECT_EQ(r->panel.volumes.cols(), 1);
  EXPECT_EQ(r->panel.volumes(3, 0), 42.0);
}

TEST(MissingPolicy, PairwiseKeepsNaNsAndSaysSo) {
  const auto r = apply_missing_policy(ragged_panel(), {.kind = MissingPolicyKind::kPairwise});
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->panel.prices.array().isNaN().count(), 6);
  ASSERT_EQ(r->repairs.size(), 1u);
  EXPECT_EQ(r->repairs[0].action, "pairwise");
  const Json j = r->repairs[0].to_json();
  EXPECT_EQ(j["action"], "pairwise");
  EXPECT_TRUE(contains(j["detail"].get<std::string>(), "6 missing cells"));
}

}  // namespace
}  // namespace keel
