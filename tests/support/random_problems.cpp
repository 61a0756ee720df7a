#include "support/random_problems.hpp"

#include <cmath>
#include <string>

#include "keel/estimate/covariance.hpp"

namespace keel::test {

Eigen::MatrixXd normal_matrix(Random& rng, Eigen::Index rows, Eigen::Index cols, double scale) {
  Eigen::MatrixXd out(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j) {
    for (Eigen::Index i = 0; i < rows; ++i) out(i, j) = scale * rng.normal();
  }
  return out;
}

Eigen::MatrixXd factor_returns(Random& rng, const FactorModel& model,
                               Eigen::MatrixXd* loadings_out) {
  const int n = model.assets;
  const int k = model.factors;
  const int periods = model.periods > 0 ? model.periods : 3 * n;
  Eigen::MatrixXd loadings(n, k);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < k; ++j) {
      const double z = rng.normal();
      if (!model.market_factor) {
        loadings(i, j) = z;
      } else {
        loadings(i, j) = j == 0 ? 0.8 + 0.4 * std::abs(z) : 0.3 * z;
      }
    }
  }
  if (loadings_out != nullptr) *loadings_out = loadings;
  Eigen::MatrixXd returns(periods, n);
  Eigen::VectorXd f(k);
  for (int t = 0; t < periods; ++t) {
    for (int j = 0; j < k; ++j) f[j] = model.factor_volatility * rng.normal();
    for (int i = 0; i < n; ++i) {
      const double noise = model.noise_volatility * (1.0 + model.noise_growth * i);
      returns(t, i) = loadings.row(i).dot(f) + noise * rng.normal();
    }
  }
  return returns;
}

Eigen::MatrixXd sample_covariance(const Eigen::Ref<const Eigen::MatrixXd>& returns) {
  const Eigen::MatrixXd centred = returns.rowwise() - returns.colwise().mean();
  return centred.transpose() * centred / (static_cast<double>(returns.rows()) - 1.0);
}

Eigen::MatrixXd factor_covariance(Random& rng, const FactorModel& model) {
  return sample_covariance(factor_returns(rng, model));
}

Eigen::MatrixXd random_correlation(Random& rng, int n) {
  const Eigen::MatrixXd g = normal_matrix(rng, n, n + 2);
  return covariance_to_correlation(g * g.transpose()).value();
}

PricePanel random_walk_panel(Random& rng, int rows, int assets, CivilDate start) {
  PricePanel p;
  p.source = "test-panel";
  for (int i = 0; i < assets; ++i) p.assets.push_back("A" + std::to_string(i));
  p.prices.resize(rows, assets);
  const Timestamp first = days_from_civil(start) * kSecondsPerDay;
  Eigen::VectorXd level = Eigen::VectorXd::Constant(assets, 100.0);
  for (int t = 0; t < rows; ++t) {
    p.timestamps.push_back(first + static_cast<Timestamp>(t) * kSecondsPerDay);
    if (t > 0) {
      const double market = 0.02 * rng.normal();
      for (int i = 0; i < assets; ++i) {
        level[i] *= std::exp(0.0005 + market + (0.01 + 0.005 * i) * rng.normal());
      }
    }
    p.prices.row(t) = level.transpose();
  }
  return p;
}

std::vector<std::string> numbered_assets(Eigen::Index n) {
  std::vector<std::string> out;
  for (Eigen::Index i = 0; i < n; ++i) out.push_back("A" + std::to_string(i));
  return out;
}

}  // namespace keel::test
