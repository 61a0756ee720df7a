#pragma once
// Correlation from a covariance, the one implementation in Keel: ρ_ij = Σ_ij / √(Σ_ii Σ_jj),
// computed as d_i Σ_ij d_j with d = 1/√diag(Σ), with a unit diagonal and rounding beyond ±1
// clipped. The hierarchical models (HRP, HERC, NCO) cluster on it and the optimize report draws
// it; covariance_to_correlation(covariance) in covariance.hpp is this function with the default
// options.

#include <Eigen/Core>
#include <vector>

#include "keel/core/result.hpp"

namespace keel {

// What covariance_to_correlation() does with an asset whose variance is zero (or not finite).
enum class ZeroVariancePolicy {
  kError,            // refuse the matrix, naming the asset
  kZeroCorrelation,  // the asset gets correlation 0 with every other asset and 1 with itself
};

struct CorrelationOptions {
  // Zero-variance assets have no correlation. Default kError; kZeroCorrelation suits displays
  // (reports) that must show every asset, and callers that check the variances themselves.
  ZeroVariancePolicy zero_variance = ZeroVariancePolicy::kError;
};

struct CorrelationFromCovariance {
  Eigen::MatrixXd correlation;                     // N × N, unit diagonal, entries in [−1, 1]
  std::vector<Eigen::Index> zero_variance_assets;  // columns with no correlation, ascending
};

// The correlation of a non-empty square `covariance`. Zero (or non-finite) variances follow
// options.zero_variance; kError names the asset. NaN covariances give NaN correlations.
Result<CorrelationFromCovariance> covariance_to_correlation(
    Eigen::Ref<const Eigen::MatrixXd> covariance, const CorrelationOptions& options);

}  // namespace keel
