#pragma once
// Seeded random test problems on keel::Random (keel/core/random.hpp), whose streams are the same on
// every standard library, unlike std::normal_distribution. One generator of factor-model returns
// and covariances for every test that needs a realistic positive definite Σ.

#include <Eigen/Core>
#include <string>
#include <vector>

#include "keel/core/random.hpp"
#include "keel/core/time.hpp"
#include "keel/data/price_panel.hpp"

namespace keel::test {

// rows × cols standard normals (Random::normal(), column by column) times `scale`.
Eigen::MatrixXd normal_matrix(Random& rng, Eigen::Index rows, Eigen::Index cols,
                              double scale = 1.0);

// A linear factor model of per-period asset returns, r_t = B f_t + ε_t.
struct FactorModel {
  // Number of assets N (≥ 1).
  int assets = 10;
  // Number of factors k (≥ 1).
  int factors = 3;
  // Number of periods T; 0 means 3 × assets. T > N makes the sample covariance positive definite.
  int periods = 0;
  // Standard deviation of each factor return per period. Default 0.02.
  double factor_volatility = 0.02;
  // Standard deviation of asset 0's idiosyncratic return per period. Default 0.01.
  double noise_volatility = 0.01;
  // Asset i's idiosyncratic standard deviation is noise_volatility · (1 + noise_growth · i), so
  // assets differ in risk. Default 0 (all alike).
  double noise_growth = 0.0;
  // false: every loading is N(0, 1). true: factor 0 is a dominant market that every asset loads
  // positively (0.8 + 0.4|z|) and the other loadings are 0.3 z, as in crypto books. Default false.
  bool market_factor = false;
};

// T × N returns of the model: the loadings B (N × k, row by row) are drawn first, then for each
// period the k factor returns and the N idiosyncratic returns. `loadings`, when given, receives B.
Eigen::MatrixXd factor_returns(Random& rng, const FactorModel& model,
                               Eigen::MatrixXd* loadings = nullptr);

// Unbiased sample covariance (divide by T − 1, as numpy and pandas) of the columns of `returns`.
Eigen::MatrixXd sample_covariance(const Eigen::Ref<const Eigen::MatrixXd>& returns);

// sample_covariance(factor_returns(rng, model)).
Eigen::MatrixXd factor_covariance(Random& rng, const FactorModel& model);

// A random full-rank n × n correlation matrix: the normalised Gram matrix of n × (n + 2) standard
// normals, with an exact unit diagonal.
Eigen::MatrixXd random_correlation(Random& rng, int n);

// Daily closes of `assets` geometric random walks that share a market factor, from 100 on day
// `start`: log return 0.0005 + 0.02 z_t + (0.01 + 0.005 i) z_ti for asset i (drawn per day: the
// market, then the assets). Columns A0, A1, …; source "test-panel".
PricePanel random_walk_panel(Random& rng, int rows, int assets,
                             CivilDate start = {.year = 2024, .month = 1, .day = 1});

// Asset names A0, A1, ..., A{n-1} for problems whose assets are only positions.
std::vector<std::string> numbered_assets(Eigen::Index n);

}  // namespace keel::test
