// Return cleaning (winsorisation at k robust standard deviations): values against SciPy's
// median_abs_deviation and numpy.clip (fixture made by fixtures/make_return_cleaning_fixture.py),
// every clipped point listed, warnings for extreme returns whether cleaning is on or off.

#include "keel/estimate/return_cleaning.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "keel/estimate/covariance.hpp"

namespace keel {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const std::string kFixture =
    std::string(KEEL_SOURCE_DIR) + "/tests/estimate/fixtures/return_cleaning.json";

double number(const Json& v) { return v.is_null() ? kNaN : v.get<double>(); }

ReturnSeries series_from(const Json& rows) {
  ReturnSeries s;
  const auto t = static_cast<Eigen::Index>(rows.size());
  const auto n = static_cast<Eigen::Index>(rows.at(0).size());
  s.values.resize(t, n);
  for (Eigen::Index r = 0; r < t; ++r) {
    for (Eigen::Index c = 0; c < n; ++c) {
      s.values(r, c) = number(rows[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)]);
    }
    s.timestamps.push_back(days_from_civil({2024, 1, 1}) * kSecondsPerDay + r * kSecondsPerDay);
  }
  for (Eigen::Index c = 0; c < n; ++c) s.assets.push_back("A" + std::to_string(c));
  return s;
}

Json load_fixture() {
  std::ifstream in(kFixture);
  EXPECT_TRUE(in.good()) << "missing " << kFixture
                         << "; run /usr/bin/python3 tests/estimate/fixtures/"
                            "make_return_cleaning_fixture.py";
  return Json::parse(in);
}

TEST(ReturnCleaning, MatchesScipyMedianAbsDeviationAndNumpyClip) {
  const Json f = load_fixture();
  const ReturnSeries raw = series_from(f["returns"]);
  ReturnCleaningOptions options{.method = ReturnCleaningMethod::kClip, .k = f["k"].get<double>()};
  auto cleaned = clean_returns(raw, options);
  ASSERT_TRUE(cleaned) << cleaned.status().message();
  for (Eigen::Index j = 0; j < raw.values.cols(); ++j) {
    const double m = number(f["median"][static_cast<std::size_t>(j)]);
    const double s = number(f["scale"][static_cast<std::size_t>(j)]);
    if (std::isnan(m)) {
      EXPECT_TRUE(std::isnan(cleaned->median(j))) << j;
      EXPECT_TRUE(std::isnan(cleaned->robust_scale(j))) << j;
      continue;
    }
    EXPECT_NEAR(cleaned->median(j), m, 1e-15) << j;
    EXPECT_NEAR(cleaned->robust_scale(j), s, 1e-14 * s) << j;
  }
  const ReturnSeries expected = series_from(f["cleaned"]);
  for (Eigen::Index t = 0; t < raw.values.rows(); ++t) {
    for (Eigen::Index j = 0; j < raw.values.cols(); ++j) {
      const double e = expected.values(t, j);
      const double a = cleaned->returns.values(t, j);
      if (std::isnan(e)) {
        EXPECT_TRUE(std::isnan(a)) << "NaN must stay NaN at " << t << "," << j;
      } else {
        EXPECT_NEAR(a, e, 1e-14) << t << "," << j;
      }
    }
  }
  // Every clipped point listed, in asset then date order, with raw and clipped values.
  const Json& clipped = f["clipped"];
  ASSERT_EQ(cleaned->clipped.size(), clipped.size());
  for (std::size_t i = 0; i < clipped.size(); ++i) {
    const auto& c = cleaned->clipped[i];
    const auto row = clipped[i]["row"].get<std::size_t>();
    const auto col = clipped[i]["col"].get<std::size_t>();
    EXPECT_EQ(c.asset, raw.assets[col]);
    EXPECT_EQ(c.timestamp, raw.timestamps[row]);
    EXPECT_DOUBLE_EQ(c.raw, clipped[i]["raw"].get<double>());
    EXPECT_NEAR(c.clipped, clipped[i]["clipped"].get<double>(), 1e-14);
    EXPECT_NEAR(c.robust_z, clipped[i]["robust_z"].get<double>(), 1e-9);
    const Json j = c.to_json();
    EXPECT_EQ(j["action"], "clip-return");
    EXPECT_EQ(j["asset"], c.asset);
    EXPECT_EQ(j["date"], format_timestamp(c.timestamp));
  }
}

TEST(ReturnCleaning, NoneLeavesReturnsButWarnsAboutExtremeOnes) {
  const Json f = load_fixture();
  const ReturnSeries raw = series_from(f["returns"]);
  // A0's +500% print is ~120 robust standard deviations from its median.
  auto out = clean_returns(raw, ReturnCleaningOptions{});
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->clipped.empty());
  for (Eigen::Index t = 0; t < raw.values.rows(); ++t) {
    for (Eigen::Index j = 0; j < raw.values.cols(); ++j) {
      const double a = raw.values(t, j);
      const double b = out->returns.values(t, j);
      EXPECT_TRUE((std::isnan(a) && std::isnan(b)) || a == b);
    }
  }
  ASSERT_EQ(out->warnings.size(), 1u);
  EXPECT_NE(out->warnings[0].find("A0 +500% on 2024-01-18"), std::string::npos)
      << out->warnings[0];
  EXPECT_NE(out->warnings[0].find("--clean-returns clip:K"), std::string::npos);
  // No extreme return, no warning.
  ReturnCleaningOptions quiet;
  quiet.warn_k = std::numeric_limits<double>::infinity();
  auto silent = clean_returns(raw, quiet);
  ASSERT_TRUE(silent);
  EXPECT_TRUE(silent->warnings.empty());
}

TEST(ReturnCleaning, ListingPrintNoLongerDecidesTheShrinkage) {
  // 400 days of two correlated coins; one +5,000% print on coin B (a listing artefact). It drives
  // the Ledoit–Wolf intensity up; clipped, the estimate is the data's again.
  ReturnSeries s;
  s.assets = {"A", "B", "C"};
  s.values.resize(400, 3);
  std::uint64_t state = 7;
  auto uniform = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0 - 0.5;
  };
  for (Eigen::Index t = 0; t < 400; ++t) {
    const double market = 0.04 * uniform();
    s.values(t, 0) = market + 0.01 * uniform();
    s.values(t, 1) = 1.5 * market + 0.02 * uniform();
    s.values(t, 2) = 0.8 * market + 0.015 * uniform();
    s.timestamps.push_back(t * kSecondsPerDay);
  }
  s.values(10, 1) = 50.0;
  const CovarianceOptions lw{.method = CovarianceMethod::kLedoitWolf};
  auto before = estimate_covariance(s, lw);
  ASSERT_TRUE(before);
  EXPECT_GT(before->diagnostics.shrinkage, 0.5);
  auto cleaned = clean_returns(s, {.method = ReturnCleaningMethod::kClip, .k = 10.0});
  ASSERT_TRUE(cleaned);
  ASSERT_EQ(cleaned->clipped.size(), 1u);
  EXPECT_EQ(cleaned->clipped[0].asset, "B");
  EXPECT_EQ(cleaned->clipped[0].raw, 50.0);
  auto after = estimate_covariance(cleaned->returns, lw);
  ASSERT_TRUE(after);
  EXPECT_LT(after->diagnostics.shrinkage, 0.2);
}

TEST(ReturnCleaning, ParsesTheCommandLineForms) {
  auto none = parse_return_cleaning("none");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->method, ReturnCleaningMethod::kNone);
  EXPECT_EQ(to_string(*none), "none");
  auto clip = parse_return_cleaning("clip:7.5");
  ASSERT_TRUE(clip);
  EXPECT_EQ(clip->method, ReturnCleaningMethod::kClip);
  EXPECT_EQ(clip->k, 7.5);
  EXPECT_EQ(to_string(*clip), "clip:7.5");
  auto plain = parse_return_cleaning("clip");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->k, ReturnCleaningOptions{}.k);
  for (const char* bad : {"clip:", "clip:x", "clip:2", "winsor:5", ""}) {
    auto r = parse_return_cleaning(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
    }
  }
}

TEST(ReturnCleaning, ConstantAssetsAndNanAreLeftAlone) {
  ReturnSeries s;
  s.assets = {"PEG", "GAPPY"};
  s.values = Eigen::MatrixXd::Zero(30, 2);
  for (Eigen::Index t = 0; t < 30; ++t) {
    s.timestamps.push_back(t * kSecondsPerDay);
    s.values(t, 1) = t % 3 == 0 ? kNaN : 0.01 * static_cast<double>(t % 5);
  }
  auto out = clean_returns(s, {.method = ReturnCleaningMethod::kClip, .k = 3.0});
  ASSERT_TRUE(out);
  EXPECT_EQ(out->robust_scale(0), 0.0);
  EXPECT_TRUE(out->clipped.empty());
  for (Eigen::Index t = 0; t < 30; t += 3) EXPECT_TRUE(std::isnan(out->returns.values(t, 1)));
}

}  // namespace
}  // namespace keel
