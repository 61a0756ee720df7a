// Static estimators against peers' answers stored as fixtures by
// tests/reference/make_estimate_fixtures.py (scikit-learn 1.2, pandas, numpy re-implementations of
// the authors' MATLAB code, PyPortfolioOpt conventions). The crypto and PyPortfolioOpt cases
// recompute returns from /work/shared/data and skip when it is absent.
//
// Matrix entries are compared with |a_ij − b_ij| ≤ tol · sqrt(b_ii b_jj): relative to the scale of
// the entry's row and column (an off-diagonal covariance near zero carries the rounding error of
// its variances, not of itself). Shrinkage intensities and vectors are compared relatively.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/estimate/covariance.hpp"
#include "keel/estimate/expected_returns.hpp"
#include "keel/estimate/psd.hpp"

namespace keel {
namespace {

const std::string kFixtures = std::string(KEEL_SOURCE_DIR) + "/tests/reference/estimate/";
const std::string kShared = KEEL_SHARED_DATA_DIR;

double number(const Json& v) {
  return v.is_null() ? std::numeric_limits<double>::quiet_NaN() : v.get<double>();
}

Eigen::MatrixXd matrix_from(const Json& rows) {
  Eigen::MatrixXd m(rows.size(), rows.at(0).size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t j = 0; j < rows[i].size(); ++j) {
      m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = number(rows[i][j]);
    }
  }
  return m;
}

Eigen::VectorXd vector_from(const Json& values) {
  Eigen::VectorXd v(values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    v(static_cast<Eigen::Index>(i)) = number(values[i]);
  return v;
}

Json load(const std::string& name) {
  std::ifstream in(kFixtures + name);
  EXPECT_TRUE(in.good()) << "missing fixture " << kFixtures + name
                         << "; run /usr/bin/python3 tests/reference/make_estimate_fixtures.py";
  return Json::parse(in);
}

void expect_matrix_near(const Eigen::MatrixXd& actual, const Eigen::MatrixXd& expected, double tol,
                        const std::string& what, double absolute_floor = 0.0) {
  ASSERT_EQ(actual.rows(), expected.rows()) << what;
  ASSERT_EQ(actual.cols(), expected.cols()) << what;
  int failures = 0;
  for (Eigen::Index i = 0; i < expected.rows(); ++i) {
    for (Eigen::Index j = 0; j < expected.cols(); ++j) {
      const double scale = std::sqrt(std::abs(expected(i, i) * expected(j, j)));
      if (!(std::abs(actual(i, j) - expected(i, j)) <= tol * scale + absolute_floor) &&
          failures++ < 5) {
        ADD_FAILURE() << what << " entry (" << i << ", " << j << "): " << actual(i, j)
                      << " vs reference " << expected(i, j) << " (scale " << scale << ")";
      }
    }
  }
}

void expect_vector_near(const Eigen::VectorXd& actual, const Eigen::VectorXd& expected, double tol,
                        const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (Eigen::Index i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(actual(i), expected(i), tol * std::max(std::abs(expected(i)), 1e-12))
        << what << " entry " << i;
  }
}

void expect_scalar_near(double actual, double expected, double tol, const std::string& what) {
  EXPECT_NEAR(actual, expected, tol * std::max(std::abs(expected), 1e-12)) << what;
}

CovarianceEstimate run(const Eigen::MatrixXd& x, CovarianceOptions options) {
  auto est = estimate_covariance(x, options);
  EXPECT_TRUE(est.is_ok()) << est.status().message();
  return est.is_ok() ? *est : CovarianceEstimate{};
}

// Every covariance reference stored for one returns matrix.
void check_covariances(const Eigen::MatrixXd& x, const Json& ref, const std::string& name) {
  const double t = static_cast<double>(x.rows());
  const Json& cov = ref.at("covariance");
  auto sample = run(x, {.method = CovarianceMethod::kSample});
  expect_matrix_near(sample.covariance, matrix_from(cov.at("sample").at("matrix")), 1e-10,
                     name + " sample vs numpy.cov");
  expect_matrix_near(sample.covariance * ((t - 1.0) / t),
                     matrix_from(cov.at("empirical_sklearn").at("matrix")), 1e-10,
                     name + " sample vs sklearn EmpiricalCovariance (× (T−1)/T)");

  struct Shrunk {
    CovarianceMethod method;
    const char* key;
    double tol;
  };
  for (const Shrunk& s :
       {Shrunk{CovarianceMethod::kLedoitWolf, "ledoit_wolf", 1e-10},
        Shrunk{CovarianceMethod::kOas, "oas", 1e-10},
        Shrunk{CovarianceMethod::kLedoitWolfConstantCorrelation, "ledoit_wolf_constant_correlation",
               1e-9},
        Shrunk{CovarianceMethod::kLedoitWolfSingleFactor, "ledoit_wolf_single_factor", 1e-9}}) {
    auto est = run(x, {.method = s.method});
    const std::string what = name + " " + s.key;
    expect_scalar_near(est.diagnostics.shrinkage, number(cov.at(s.key).at("shrinkage")), s.tol,
                       what + " shrinkage");
    expect_matrix_near(est.covariance, matrix_from(cov.at(s.key).at("matrix")), s.tol, what);
    EXPECT_GE(est.diagnostics.min_eigenvalue, 0.0) << what << " must be PSD";
  }
  if (cov.contains("nonlinear_shrinkage")) {
    // Eigen-based: an eigensolver is backward stable, so entries carry an absolute error of a few
    // ε‖Σ‖ on top of the relative one (visible for stablecoins, whose variance is 1e-7 of the
    // largest eigenvalue of the crypto panel).
    auto est = run(x, {.method = CovarianceMethod::kNonlinearShrinkage});
    const Eigen::MatrixXd expected = matrix_from(cov.at("nonlinear_shrinkage").at("matrix"));
    expect_matrix_near(est.covariance, expected, 1e-9, name + " nonlinear shrinkage",
                       64.0 * std::numeric_limits<double>::epsilon() * expected.norm());
    EXPECT_GT(est.diagnostics.min_eigenvalue, 0.0);
  }
  expect_matrix_near(run(x, {.method = CovarianceMethod::kEwma, .ewma_half_life = 20.0}).covariance,
                     matrix_from(cov.at("ewma_halflife20_bias").at("matrix")), 1e-10,
                     name + " ewma vs pandas ewm(halflife=20).cov(bias=True)");
  expect_matrix_near(
      run(x, {.method = CovarianceMethod::kEwma, .ewma_half_life = 20.0, .ewma_unbiased = true})
          .covariance,
      matrix_from(cov.at("ewma_halflife20_unbiased").at("matrix")), 1e-10,
      name + " ewma vs pandas ewm(halflife=20).cov(bias=False)");
  expect_matrix_near(run(x, {.method = CovarianceMethod::kEwma,
                             .ewma_span = 30.0,
                             .ewma_centering = EwmaCentering::kSampleMean})
                         .covariance,
                     matrix_from(cov.at("ewma_span30_sample_mean").at("matrix")), 1e-10,
                     name + " ewma vs PyPortfolioOpt exp_cov(span=30)");
  expect_matrix_near(run(x, {.method = CovarianceMethod::kEwma,
                             .ewma_lambda = 0.94,
                             .ewma_centering = EwmaCentering::kNone})
                         .covariance,
                     matrix_from(cov.at("ewma_lambda094_zero_mean").at("matrix")), 1e-10,
                     name + " ewma RiskMetrics λ = 0.94");
  expect_matrix_near(
      run(x, {.method = CovarianceMethod::kSemicovariance, .semicovariance_benchmark = 0.0001})
          .covariance,
      matrix_from(cov.at("semicovariance_b0001").at("matrix")), 1e-10,
      name + " semicovariance vs PyPortfolioOpt formula");
}

void check_expected_returns(const Eigen::MatrixXd& x, const Json& ref, const std::string& name) {
  const Json& er = ref.at("expected_returns");
  auto run_er = [&](ExpectedReturnOptions o) {
    o.periods_per_year = 365.0;
    auto r = estimate_expected_returns(x, o);
    EXPECT_TRUE(r.is_ok()) << r.status().message();
    return r.is_ok() ? *r : ExpectedReturns{};
  };
  expect_vector_near(run_er({.method = ExpectedReturnMethod::kMean}).annualised,
                     vector_from(er.at("mean")), 1e-12, name + " mean");
  expect_vector_near(run_er({.method = ExpectedReturnMethod::kGeometric}).annualised,
                     vector_from(er.at("geometric")), 1e-10, name + " geometric");
  expect_vector_near(run_er({.method = ExpectedReturnMethod::kEwma, .ewma_span = 50.0}).annualised,
                     vector_from(er.at("ewma_span50_compounding")), 1e-10,
                     name + " ewma compounding");
  expect_vector_near(
      run_er({.method = ExpectedReturnMethod::kEwma, .ewma_span = 50.0, .compounding = false})
          .annualised,
      vector_from(er.at("ewma_span50_simple")), 1e-10, name + " ewma simple");
  auto capm = run_er({.method = ExpectedReturnMethod::kCapm, .risk_free_rate = 0.02});
  expect_vector_near(capm.annualised, vector_from(er.at("capm_rf002")), 1e-10, name + " capm");
  expect_vector_near(capm.betas, vector_from(er.at("capm_betas")), 1e-10, name + " capm betas");
  if (er.contains("james_stein")) {
    auto js = run_er({.method = ExpectedReturnMethod::kJamesStein});
    expect_vector_near(js.annualised, vector_from(er.at("james_stein")), 1e-10,
                       name + " james-stein");
    expect_scalar_near(js.shrinkage, number(er.at("james_stein_shrinkage")[0]), 1e-10,
                       name + " james-stein shrinkage");
  }
  expect_vector_near(run_er({.method = ExpectedReturnMethod::kEquilibrium,
                             .risk_free_rate = 0.02,
                             .market_caps = vector_from(er.at("equilibrium_caps")),
                             .risk_aversion = 2.0})
                         .annualised,
                     vector_from(er.at("equilibrium_delta2_rf002")), 1e-10, name + " equilibrium");
}

class SeededReference : public ::testing::TestWithParam<std::string> {};

TEST_P(SeededReference, CovarianceAndExpectedReturnsMatchPeers) {
  const Json ref = load(GetParam() + ".json");
  const Eigen::MatrixXd x = matrix_from(ref.at("returns"));
  ASSERT_EQ(x.rows(), ref.at("rows").get<int>());
  ASSERT_EQ(x.cols(), ref.at("cols").get<int>());
  check_covariances(x, ref, GetParam());
  check_expected_returns(x, ref, GetParam());
}

INSTANTIATE_TEST_SUITE_P(Shapes, SeededReference,
                         ::testing::Values("seeded_t60_n10", "seeded_t200_n30", "seeded_t25_n40",
                                           "seeded_t500_n5"));

// A small wide-CSV reader for the shared data: first column an ISO date, empty cell = missing.
struct WideCsv {
  std::vector<std::string> dates;
  std::vector<std::string> columns;
  std::vector<std::vector<double>> rows;
};

WideCsv read_wide_csv(const std::string& path) {
  WideCsv csv;
  std::ifstream in(path);
  std::string line;
  auto split = [](const std::string& text) {
    std::vector<std::string> cells;
    std::string cell;
    std::stringstream ss(text);
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    if (!text.empty() && text.back() == ',') cells.emplace_back();
    return cells;
  };
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  auto header = split(line);
  csv.columns.assign(header.begin() + 1, header.end());
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto cells = split(line);
    csv.dates.push_back(cells[0]);
    std::vector<double> row(csv.columns.size(), std::numeric_limits<double>::quiet_NaN());
    for (std::size_t j = 1; j < cells.size() && j <= row.size(); ++j) {
      if (!cells[j].empty()) row[j - 1] = std::stod(cells[j]);
    }
    csv.rows.push_back(std::move(row));
  }
  return csv;
}

// Simple returns of the named columns over [start, end] (inclusive, on price dates).
Eigen::MatrixXd simple_returns(const WideCsv& csv, const std::vector<std::string>& assets,
                               const std::string& start, const std::string& end) {
  std::vector<std::size_t> index;
  for (const auto& a : assets) {
    auto it = std::find(csv.columns.begin(), csv.columns.end(), a);
    EXPECT_NE(it, csv.columns.end()) << a;
    index.push_back(static_cast<std::size_t>(it - csv.columns.begin()));
  }
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < csv.dates.size(); ++r) {
    if (csv.dates[r] >= start && csv.dates[r] <= end) rows.push_back(r);
  }
  Eigen::MatrixXd x(static_cast<Eigen::Index>(rows.size()) - 1,
                    static_cast<Eigen::Index>(assets.size()));
  for (std::size_t k = 1; k < rows.size(); ++k) {
    for (std::size_t j = 0; j < assets.size(); ++j) {
      x(static_cast<Eigen::Index>(k - 1), static_cast<Eigen::Index>(j)) =
          csv.rows[rows[k]][index[j]] / csv.rows[rows[k - 1]][index[j]] - 1.0;
    }
  }
  return x;
}

TEST(CryptoPanelReference, Top20CoinsMatchScikitLearnAndPapers) {
  const std::string path = kShared + "/crypto_cmc_top120/prices_close_usd.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared data absent: " << path;
  const Json ref = load("crypto_top20_2021_2023.json");
  std::vector<std::string> assets;
  for (const auto& a : ref.at("assets")) assets.push_back(a.get<std::string>());
  const Eigen::MatrixXd x = simple_returns(read_wide_csv(path), assets, "2021-01-01", "2023-12-31");
  ASSERT_EQ(x.rows(), ref.at("rows").get<int>());
  ASSERT_TRUE(x.allFinite());
  check_covariances(x, ref, "crypto top 20");
  check_expected_returns(x, ref, "crypto top 20");
}

TEST(PyPortfolioOptReference, GeometricMeanAndPairwiseSampleCovariance) {
  const std::string path = kShared + "/reference/pyportfolioopt/stock_prices.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared data absent: " << path;
  const Json ref = load("pyportfolioopt_stock_prices.json");
  const WideCsv csv = read_wide_csv(path);
  // returns_from_prices: pct_change() then dropna(how="all") (the first row).
  Eigen::MatrixXd x(static_cast<Eigen::Index>(csv.rows.size()) - 1,
                    static_cast<Eigen::Index>(csv.columns.size()));
  for (std::size_t r = 1; r < csv.rows.size(); ++r) {
    for (std::size_t j = 0; j < csv.columns.size(); ++j) {
      x(static_cast<Eigen::Index>(r - 1), static_cast<Eigen::Index>(j)) =
          csv.rows[r][j] / csv.rows[r - 1][j] - 1.0;
    }
  }
  ASSERT_EQ(x.rows(), ref.at("rows").get<int>());

  auto mu = estimate_expected_returns(
      x, {.method = ExpectedReturnMethod::kGeometric, .periods_per_year = 252.0});
  ASSERT_TRUE(mu.is_ok()) << mu.status().message();
  expect_vector_near(mu->annualised, vector_from(ref.at("geometric_mean_252")), 1e-10,
                     "PyPortfolioOpt mean_historical_return");

  CovarianceOptions options{.method = CovarianceMethod::kSample, .pairwise = true};
  options.pairwise_repair.method = PsdRepair::kPyPortfolioOpt;
  auto cov = estimate_covariance(x, options);
  ASSERT_TRUE(cov.is_ok()) << cov.status().message();
  expect_matrix_near(cov->covariance * 252.0, matrix_from(ref.at("pairwise_cov_252_spectral")),
                     1e-10, "PyPortfolioOpt sample_cov");
  EXPECT_EQ(cov->diagnostics.repairs.empty(), !ref.at("spectral_fix_applied").get<bool>());
  EXPECT_LT(cov->diagnostics.observations, x.rows()) << "ragged starts: smallest overlap < T";
}

TEST(PsdReference, PyPortfolioOptSpectralFix) {
  const Json ref = load("psd_spectral.json");
  const Eigen::MatrixXd a = matrix_from(ref.at("matrix"));
  bool changed = false;
  const Eigen::MatrixXd fixed = fix_nonpositive_semidefinite_pyportfolioopt(a, &changed);
  EXPECT_EQ(changed, ref.at("changed").get<bool>());
  expect_matrix_near(fixed, matrix_from(ref.at("fixed")), 1e-12, "spectral fix");
  auto repaired = repair_psd(a, {.method = PsdRepair::kPyPortfolioOpt});
  ASSERT_TRUE(repaired.is_ok());
  EXPECT_FALSE(repaired->repair.empty());
  expect_matrix_near(repaired->matrix, matrix_from(ref.at("fixed")), 1e-12, "repair_psd spectral");
}

}  // namespace
}  // namespace keel
